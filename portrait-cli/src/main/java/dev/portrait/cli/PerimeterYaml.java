package dev.portrait.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.portrait.cli.PortraitCli.UsageProblem;
import dev.portrait.server.http.HttpConfig;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The secrets and the edge of a {@code serve} config file: where each API key comes from, the TLS certificate,
 * rate limits and the read deadline. Every error names the file and the path inside it
 * ({@code portrait.yaml: apiKeys.write[1]: …}); no error shows a secret.
 *
 * <pre>
 * apiKeys:
 *   write: [{env: PORTRAIT_WRITE_KEY}]           # an environment variable
 *   read:  [{file: /run/secrets/portrait_read}]  # a file (trailing white space dropped)
 *   admin: [{sha256: 5e884898da28…}]             # the key's SHA-256, so the file holds no key at all
 * tls:
 *   keyStore: /etc/portrait/server.p12           # PKCS#12 …
 *   password: {env: PORTRAIT_TLS_PASSWORD}
 *   # certificate: fullchain.pem                 # … or PEM (certbot's files)
 *   # privateKey: privkey.pem
 * rateLimits:                                    # per key and route class; unauthenticated: per address
 *   query: {perSecond: 1000, burst: 2000}
 *   admin: {perSecond: 20, burst: 40}
 *   ingest: off
 * readTimeout: 30s
 * </pre>
 *
 * A key written in clear in the file ({@code write: [wk_…]}) still works, as do the older
 * {@code writeKeys:}/{@code readKeys:}/{@code adminKeys:} lists, which take the same entries.
 */
final class PerimeterYaml {
    private static final Set<String> KEY_SCOPES = Set.of("write", "read", "admin");
    private static final Set<String> TLS_FIELDS = Set.of("keyStore", "password", "certificate", "privateKey");
    private static final Set<String> RATE_CLASSES = Set.of("ingest", "query", "admin", "unauthenticated");

    private final Path file;
    private final Path base;
    private final Map<String, String> env;

    /**
     * @param file the config file (named in errors)
     * @param env  the environment {@code {env: NAME}} entries are read from
     */
    PerimeterYaml(Path file, Map<String, String> env) {
        this.file = file;
        Path parent = file.toAbsolutePath().getParent();
        this.base = parent == null ? Path.of(".") : parent;
        this.env = env;
    }

    /** The config file, for messages. */
    Path fileName() {
        return file;
    }

    /** The keys of one scope from {@code apiKeys: {write|read|admin: […]}}; empty when absent. */
    List<String> apiKeys(JsonNode root, String scope) {
        JsonNode all = root.get("apiKeys");
        if (all == null || all.isNull()) {
            return List.of();
        }
        if (!all.isObject()) {
            throw problem("apiKeys", "must be a mapping of write:, read:, admin: lists");
        }
        for (Iterator<String> names = all.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!KEY_SCOPES.contains(name)) {
                throw problem("apiKeys." + name, "is not a key scope (write, read, admin)");
            }
        }
        return keys(all.get(scope), "apiKeys." + scope);
    }

    /** A list of key entries: text, {@code {env: NAME}}, {@code {file: PATH}} or {@code {sha256: HEX}}. */
    List<String> keys(JsonNode list, String where) {
        if (list == null || list.isNull()) {
            return List.of();
        }
        if (!list.isArray()) {
            throw problem(where, "must be a list of keys ([k1, {env: NAME}, {file: PATH}, {sha256: HEX}])");
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            out.add(key(list.get(i), where + "[" + i + "]"));
        }
        return out;
    }

    private String key(JsonNode entry, String where) {
        if (entry.isTextual()) {
            return checkedLength(entry.asText(), file + ": " + where, "written in the file");
        }
        if (!entry.isObject() || entry.size() != 1) {
            // a key is a secret, so messages show its kind and place, never its value
            throw problem(where, "must be a key, or one of {env: NAME}, {file: PATH}, {sha256: HEX}");
        }
        String form = entry.fieldNames().next();
        JsonNode value = entry.get(form);
        if (!value.isTextual()) {
            throw problem(where + "." + form, "must be text");
        }
        switch (form) {
            case "env":
                return checkedLength(fromEnv(value.asText(), where), file + ": " + where, "from $" + value.asText());
            case "file":
                return checkedLength(fromFile(value.asText(), where), file + ": " + where,
                        "from " + resolve(value.asText()));
            case "sha256":
                String hex = value.asText().strip().toLowerCase(Locale.ROOT);
                if (!hex.matches("[0-9a-f]{64}")) {
                    throw problem(where, "sha256 must be 64 hex digits (printf %s KEY | sha256sum), got "
                            + hex.length() + " characters");
                }
                return HttpConfig.ApiKeys.HASHED + hex;
            default:
                throw problem(where, "unknown key source \"" + form + "\" (env, file, sha256)");
        }
    }

    /** The TLS settings, or {@code null} when there is no {@code tls:}. */
    HttpConfig.Tls tls(JsonNode root) {
        JsonNode tls = root.get("tls");
        if (tls == null || tls.isNull()) {
            return null;
        }
        if (!tls.isObject()) {
            throw problem("tls", "must be a mapping (keyStore: + password:, or certificate: + privateKey:)");
        }
        for (Iterator<String> names = tls.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!TLS_FIELDS.contains(name)) {
                throw problem("tls." + name, "is not a TLS setting (keyStore, password, certificate, privateKey)");
            }
        }
        String password = null;
        JsonNode p = tls.get("password");
        if (p != null && !p.isNull()) {
            if (p.isTextual()) {
                password = p.asText();
            } else if (p.isObject() && p.size() == 1 && p.has("env") && p.get("env").isTextual()) {
                password = fromEnv(p.get("env").asText(), "tls.password");
            } else if (p.isObject() && p.size() == 1 && p.has("file") && p.get("file").isTextual()) {
                password = fromFile(p.get("file").asText(), "tls.password");
            } else {
                throw problem("tls.password", "must be text, {env: NAME} or {file: PATH}");
            }
        }
        try {
            return new HttpConfig.Tls(path(tls, "keyStore"), password, path(tls, "certificate"),
                    path(tls, "privateKey"));
        } catch (IllegalArgumentException e) {
            throw new UsageProblem(file + ": " + e.getMessage(), e);
        }
    }

    /** The rate limits, each class defaulted from {@link HttpConfig.Rates#DEFAULT}. */
    HttpConfig.Rates rates(JsonNode root) {
        HttpConfig.Rates d = HttpConfig.Rates.DEFAULT;
        JsonNode r = root.get("rateLimits");
        if (r == null || r.isNull()) {
            return d;
        }
        if (!r.isObject()) {
            throw problem("rateLimits", "must be a mapping of ingest:, query:, admin:, unauthenticated:");
        }
        for (Iterator<String> names = r.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!RATE_CLASSES.contains(name)) {
                throw problem("rateLimits." + name, "is not a route class (ingest, query, admin, unauthenticated)");
            }
        }
        return new HttpConfig.Rates(rate(r, "ingest", d.ingest()), rate(r, "query", d.query()),
                rate(r, "admin", d.admin()), rate(r, "unauthenticated", d.unauthenticated()));
    }

    private HttpConfig.Rate rate(JsonNode rates, String name, HttpConfig.Rate fallback) {
        JsonNode n = rates.get(name);
        String where = "rateLimits." + name;
        if (n == null || n.isNull()) {
            return fallback;
        }
        // YAML 1.1 reads a bare off as false
        if (n.isBoolean() && !n.booleanValue() || n.isTextual() && n.asText().equals("off")) {
            return HttpConfig.Rate.OFF;
        }
        if (!n.isObject() || !n.has("perSecond") || !n.get("perSecond").isNumber()) {
            throw problem(where, "must be off or {perSecond: N, burst: M}");
        }
        double perSecond = n.get("perSecond").asDouble();
        JsonNode burst = n.get("burst");
        if (burst != null && !burst.canConvertToInt()) {
            throw problem(where + ".burst", "must be a whole number");
        }
        try {
            return new HttpConfig.Rate(perSecond, burst == null ? (int) Math.max(1, Math.ceil(perSecond)) : burst.intValue());
        } catch (IllegalArgumentException e) {
            throw problem(where, e.getMessage());
        }
    }

    /** {@code readTimeout: 30s} (also {@code 500ms}, {@code 2m}, or ISO-8601 {@code PT30S}), or the default. */
    Duration readTimeout(JsonNode root) {
        JsonNode n = root.get("readTimeout");
        if (n == null || n.isNull()) {
            return HttpConfig.Perimeter.DEFAULT.readTimeout();
        }
        try {
            return positiveDuration(n.asText());
        } catch (IllegalArgumentException e) {
            throw problem("readTimeout", e.getMessage());
        }
    }

    /**
     * A positive duration as settings write it: {@code 500ms}, {@code 30s}, {@code 2m}, {@code 1h}, or ISO-8601
     * ({@code PT30S}).
     *
     * @throws IllegalArgumentException saying what was wrong with the text
     */
    static Duration positiveDuration(String text) {
        String t = text.strip().toLowerCase(Locale.ROOT);
        Duration d;
        try {
            if (t.startsWith("p")) {
                d = Duration.parse(text.strip());
            } else if (t.endsWith("ms")) {
                d = Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
            } else if (t.endsWith("s")) {
                d = Duration.ofSeconds(Long.parseLong(t.substring(0, t.length() - 1)));
            } else if (t.endsWith("m")) {
                d = Duration.ofMinutes(Long.parseLong(t.substring(0, t.length() - 1)));
            } else if (t.endsWith("h")) {
                d = Duration.ofHours(Long.parseLong(t.substring(0, t.length() - 1)));
            } else {
                d = Duration.parse(text.strip());
            }
        } catch (NumberFormatException | DateTimeParseException e) {
            throw new IllegalArgumentException("\"" + text + "\" is not a duration (30s, 500ms, 2m, 1h, PT30S)", e);
        }
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException("must be positive, got " + text);
        }
        return d;
    }

    /**
     * Refuses a key shorter than {@link HttpConfig.ApiKeys#MIN_LENGTH}.
     *
     * @param where  the setting ({@code apiKeys.write[0]}, or {@code --write-key} for a flag)
     * @param origin where the value came from, for the message
     */
    static String checkedLength(String key, String where, String origin) {
        if (key.length() < HttpConfig.ApiKeys.MIN_LENGTH) {
            throw new UsageProblem(where + ": the key (" + origin + ") is " + key.length() + " characters; API keys "
                    + "must be at least " + HttpConfig.ApiKeys.MIN_LENGTH + " (make one with: openssl rand -hex 16)");
        }
        return key;
    }

    private String fromEnv(String name, String where) {
        String value = env.get(name);
        if (value == null || value.isBlank()) {
            throw problem(where, "the environment variable " + name + " is " + (value == null ? "not set" : "empty"));
        }
        return value.strip();
    }

    private String fromFile(String name, String where) {
        Path p = resolve(name);
        try {
            String value = Files.readString(p, StandardCharsets.UTF_8).strip();
            if (value.isEmpty()) {
                throw problem(where, "the file " + p + " is empty");
            }
            return value;
        } catch (NoSuchFileException e) {
            throw problem(where, "the file " + p + " does not exist");
        } catch (IOException e) {
            throw problem(where, "cannot read " + p + ": " + e.getMessage());
        }
    }

    private Path path(JsonNode node, String name) {
        JsonNode n = node.get(name);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isTextual()) {
            throw problem("tls." + name, "must be a path");
        }
        return resolve(n.asText());
    }

    private Path resolve(String name) {
        Path p = Path.of(name);
        return p.isAbsolute() ? p : base.resolve(p).normalize();
    }

    private UsageProblem problem(String where, String what) {
        return new UsageProblem(file + ": " + where + ": " + what);
    }
}
