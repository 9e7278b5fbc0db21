package dev.portrait.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.portrait.cli.PortraitCli.UsageProblem;
import dev.portrait.server.http.HttpConfig;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What {@code serve} is told, from a YAML file ({@code --config}) and from flags. Every setting may be
 * absent ({@code null}, or an empty key list); {@link #over(ServeConfig)} lays flags over the file and
 * {@link #settle()} checks the result.
 *
 * <pre>
 * # portrait.yaml
 * data: ./data              # relative paths are taken from the file's own folder
 * port: 8080
 * host: 0.0.0.0
 * definition: ./shop.yaml
 * apiKeys:                  # each a key, {env: NAME}, {file: PATH} or {sha256: HEX}; at least 24 characters
 *   write: [{env: PORTRAIT_WRITE_KEY}]
 *   read: [{file: /run/secrets/portrait_read}]
 *   admin: [{sha256: 5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8}]
 * tls: {certificate: fullchain.pem, privateKey: privkey.pem}
 * rateLimits: {query: {perSecond: 1000, burst: 2000}}
 * readTimeout: 30s
 * </pre>
 *
 * The older {@code writeKeys: [..]}, {@code readKeys: [..]}, {@code adminKeys: [..]} take the same entries.
 * {@link PerimeterYaml} reads keys, TLS, rate limits and the read deadline.
 *
 * @param perimeter TLS, rate limits and read deadline from the file; {@code null} for the defaults (flags
 *                  never set them)
 */
record ServeConfig(Path data, Integer port, String host, Path definition, List<String> writeKeys,
                   List<String> readKeys, List<String> adminKeys, HttpConfig.Perimeter perimeter) {
    static final int DEFAULT_PORT = 8080;
    static final String DEFAULT_HOST = "0.0.0.0";
    private static final ObjectMapper YAML = new YAMLMapper();
    private static final Set<String> KNOWN = Set.of("data", "port", "host", "definition", "writeKeys", "readKeys",
            "adminKeys", "apiKeys", "tls", "rateLimits", "readTimeout", "privacy"); // privacy: read by PrivacySettings

    ServeConfig {
        writeKeys = writeKeys == null ? List.of() : List.copyOf(writeKeys);
        readKeys = readKeys == null ? List.of() : List.copyOf(readKeys);
        adminKeys = adminKeys == null ? List.of() : List.copyOf(adminKeys);
    }

    /** From flags: no perimeter settings. */
    ServeConfig(Path data, Integer port, String host, Path definition, List<String> writeKeys, List<String> readKeys,
                List<String> adminKeys) {
        this(data, port, host, definition, writeKeys, readKeys, adminKeys, null);
    }

    static final ServeConfig EMPTY = new ServeConfig(null, null, null, null, null, null, null);

    /** The settings it ends with: port and host defaulted, the data directory and at least one key required. */
    record Settled(Path data, int port, String host, Path definition, HttpConfig.ApiKeys keys,
                   HttpConfig.Perimeter perimeter) {
        /** The HTTP settings with the default request limits. */
        HttpConfig http() {
            return new HttpConfig(host, port, keys, HttpConfig.Limits.DEFAULT).withPerimeter(perimeter);
        }
    }

    /**
     * Flags ({@code this}) over a file's settings: a flag's data, port, host or definition replaces the
     * file's; keys are the union of both, so a file can hold the long-lived keys and a flag add one more.
     */
    ServeConfig over(ServeConfig file) {
        return new ServeConfig(data != null ? data : file.data, port != null ? port : file.port,
                host != null ? host : file.host, definition != null ? definition : file.definition,
                union(file.writeKeys, writeKeys), union(file.readKeys, readKeys), union(file.adminKeys, adminKeys),
                perimeter != null ? perimeter : file.perimeter);
    }

    private static List<String> union(List<String> a, List<String> b) {
        Set<String> all = new LinkedHashSet<>(a);
        all.addAll(b);
        return new ArrayList<>(all);
    }

    Settled settle() {
        if (data == null) {
            throw new UsageProblem("serve needs a data directory: pass --data DIR, or set data: in the --config file");
        }
        int p = port == null ? DEFAULT_PORT : port;
        if (p < 0 || p > 65_535) {
            throw new UsageProblem("port " + p + " is not a TCP port (0-65535; 0 lets the system choose)");
        }
        String h = host == null ? DEFAULT_HOST : host;
        if (h.isBlank()) {
            throw new UsageProblem("host is blank");
        }
        if (writeKeys.isEmpty() && readKeys.isEmpty() && adminKeys.isEmpty()) {
            // there is no open mode: a server without keys would answer every call 401
            throw new UsageProblem("serve needs API keys and none were given: pass --write-key K (to send events), "
                    + "--read-key K (to read profiles) and --admin-key K, each as often as needed, or list them as "
                    + "writeKeys: [..], readKeys: [..], adminKeys: [..] in a --config file");
        }
        HttpConfig.ApiKeys keys;
        try {
            keys = new HttpConfig.ApiKeys(Set.copyOf(writeKeys), Set.copyOf(readKeys), Set.copyOf(adminKeys));
        } catch (IllegalArgumentException e) {
            throw new UsageProblem(e.getMessage(), e);
        }
        // the file's keys were checked with their place in it; what is left short came from a flag
        checkFlagKeys(writeKeys, "--write-key");
        checkFlagKeys(readKeys, "--read-key");
        checkFlagKeys(adminKeys, "--admin-key");
        return new Settled(data, p, h, definition, keys, perimeter == null ? HttpConfig.Perimeter.DEFAULT : perimeter);
    }

    private static void checkFlagKeys(List<String> keys, String flag) {
        for (String k : keys) {
            if (!k.startsWith(HttpConfig.ApiKeys.HASHED)) {
                PerimeterYaml.checkedLength(k, flag, "given on the command line");
            }
        }
    }

    /** Reads a config file; relative paths in it are resolved against the file's folder. */
    static ServeConfig load(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new UsageProblem("config file " + file + " does not exist");
        } catch (IOException e) {
            throw new UsageProblem("cannot read config file " + file + ": " + e.getMessage(), e);
        }
        return parse(text, file);
    }

    static ServeConfig parse(String yaml, Path file) {
        return parse(yaml, file, System.getenv());
    }

    /** @param env where {@code {env: NAME}} entries are looked up */
    static ServeConfig parse(String yaml, Path file, Map<String, String> env) {
        JsonNode root;
        try {
            root = YAML.readTree(yaml);
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr();
            throw new UsageProblem(file + " is not valid YAML" + where + ": " + e.getOriginalMessage(), e);
        }
        if (root == null || root.isMissingNode() || root.isNull()) {
            return EMPTY;
        }
        if (!root.isObject()) {
            throw new UsageProblem(file + ": expected settings (data:, port:, writeKeys: …), got " + kind(root));
        }
        for (Iterator<String> names = root.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!KNOWN.contains(name)) {
                throw new UsageProblem(file + ": unknown setting \"" + name + "\" (known: adminKeys, apiKeys, data, "
                        + "definition, host, port, privacy, rateLimits, readKeys, readTimeout, tls, writeKeys)");
            }
        }
        Path base = file.toAbsolutePath().getParent();
        PerimeterYaml edge = new PerimeterYaml(file, env);
        HttpConfig.Perimeter perimeter;
        try {
            perimeter = new HttpConfig.Perimeter(edge.tls(root), edge.rates(root), edge.readTimeout(root));
        } catch (IllegalArgumentException e) {
            throw new UsageProblem(file + ": " + e.getMessage(), e);
        }
        return new ServeConfig(path(root, "data", file, base), port(root, file), text(root, "host", file),
                path(root, "definition", file, base), keys(root, "writeKeys", edge, "write"),
                keys(root, "readKeys", edge, "read"), keys(root, "adminKeys", edge, "admin"), perimeter);
    }

    private static String text(JsonNode root, String name, Path file) {
        JsonNode n = root.get(name);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isTextual()) {
            throw new UsageProblem(file + ": " + name + " must be text, got " + kind(n) + " " + n);
        }
        return n.asText();
    }

    private static Path path(JsonNode root, String name, Path file, Path base) {
        String t = text(root, name, file);
        if (t == null) {
            return null;
        }
        Path p = Path.of(t);
        return p.isAbsolute() || base == null ? p : base.resolve(p).normalize();
    }

    private static Integer port(JsonNode root, Path file) {
        JsonNode n = root.get("port");
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.canConvertToInt() || !n.isIntegralNumber()) {
            throw new UsageProblem(file + ": port must be a whole number, got " + kind(n) + " " + n);
        }
        return n.intValue();
    }

    /** A scope's keys from the older list ({@code writeKeys:}) and from {@code apiKeys:}, together. */
    private static List<String> keys(JsonNode root, String name, PerimeterYaml edge, String scope) {
        JsonNode n = root.get(name);
        if (n != null && !n.isNull() && !n.isArray()) {
            throw new UsageProblem(edge.fileName() + ": " + name + " must be a list of keys ([k1, k2]), got " + kind(n));
        }
        return union(edge.keys(n, name), edge.apiKeys(root, scope));
    }

    private static String kind(JsonNode n) {
        return switch (n.getNodeType()) {
            case ARRAY -> "a list";
            case OBJECT -> "a mapping";
            case STRING -> "text";
            case NUMBER -> "a number";
            case BOOLEAN -> "a boolean";
            default -> n.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
        };
    }

    /** The settings without key values (keys are secrets). */
    @Override
    public String toString() {
        return "ServeConfig" + Map.of("data", String.valueOf(data), "port", String.valueOf(port), "host",
                String.valueOf(host), "definition", String.valueOf(definition), "keys", writeKeys.size() + " write, "
                        + readKeys.size() + " read, " + adminKeys.size() + " admin", "perimeter",
                String.valueOf(perimeter));
    }
}
