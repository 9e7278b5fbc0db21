package dev.portrait.server.http;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Tells what a presented key may do, in time that does not depend on how much of it matches.
 *
 * <p>Keys are kept as SHA-256 digests and the presented key is digested too, so every comparison is
 * between two 32-byte arrays ({@link MessageDigest#isEqual} is constant-time for equal lengths) and
 * neither a key's length nor its prefix leaks through timing. Every entry is compared on every
 * lookup; there is no early exit.
 */
final class Keyring {
    /** A known key: its digest, what it may do, and its place in the ring (rate limits keep a bucket per place). */
    record Caller(int index, byte[] digest, Set<Scope> scopes) {
    }

    private final List<Caller> entries;

    Keyring(HttpConfig.ApiKeys keys) {
        // by digest, so a key given in clear for one scope and hashed for another is one caller with both
        Map<String, EnumSet<Scope>> byDigest = new LinkedHashMap<>();
        keys.write().forEach(k -> byDigest.computeIfAbsent(hex(k), x -> EnumSet.noneOf(Scope.class)).add(Scope.INGEST));
        keys.read().forEach(k -> byDigest.computeIfAbsent(hex(k), x -> EnumSet.noneOf(Scope.class)).add(Scope.QUERY));
        keys.admin().forEach(k -> byDigest.computeIfAbsent(hex(k), x -> EnumSet.noneOf(Scope.class))
                .addAll(EnumSet.of(Scope.QUERY, Scope.ADMIN)));
        List<Caller> list = new ArrayList<>();
        byDigest.forEach((d, scopes) -> list.add(new Caller(list.size(), HexFormat.of().parseHex(d),
                Set.copyOf(scopes))));
        this.entries = List.copyOf(list);
    }

    /** How many known keys there are (callers are numbered 0 … size - 1). */
    int size() {
        return entries.size();
    }

    /** The scopes of this key; empty when it is unknown. */
    Set<Scope> scopesOf(String presented) {
        Caller c = find(presented);
        return c == null ? Set.of() : c.scopes();
    }

    /** The caller this key belongs to, or {@code null} for no key or an unknown one. */
    Caller find(String presented) {
        if (presented == null) {
            return null;
        }
        byte[] d = digest(presented);
        Caller found = null;
        for (Caller e : entries) {
            if (MessageDigest.isEqual(d, e.digest())) {
                found = e;
            }
        }
        return found;
    }

    private static String hex(String configured) {
        return configured.startsWith(HttpConfig.ApiKeys.HASHED)
                ? configured.substring(HttpConfig.ApiKeys.HASHED.length()).toLowerCase(java.util.Locale.ROOT)
                : HexFormat.of().formatHex(digest(configured));
    }

    /**
     * The key an {@code Authorization} header carries, or {@code null} when there is no header.
     * HTTP Basic carries it as the user name with an empty password (Segment's and RudderStack's
     * convention); a key given as the password with an empty user name is taken too, since curl users
     * write both. Bearer carries it as the token.
     *
     * @throws dev.portrait.core.PortraitException {@code unauthorized} for a header we cannot read
     */
    static String keyFromHeader(String authorization) {
        if (authorization == null || authorization.isBlank()) {
            return null;
        }
        String header = authorization.strip();
        int space = header.indexOf(' ');
        String scheme = space < 0 ? header : header.substring(0, space);
        String value = space < 0 ? "" : header.substring(space + 1).strip();
        if (scheme.equalsIgnoreCase("Bearer")) {
            if (value.isEmpty()) {
                throw ApiError.unauthorized("the Bearer token is empty");
            }
            return value;
        }
        if (scheme.equalsIgnoreCase("Basic")) {
            String decoded;
            try {
                decoded = new String(Base64.getDecoder().decode(value), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                throw ApiError.unauthorized("the Basic credentials are not valid base64");
            }
            int colon = decoded.indexOf(':');
            String user = colon < 0 ? decoded : decoded.substring(0, colon);
            String password = colon < 0 ? "" : decoded.substring(colon + 1);
            String key = user.isEmpty() ? password : user;
            if (key.isEmpty()) {
                throw ApiError.unauthorized("the Basic credentials hold no key: send the key as the user name");
            }
            return key;
        }
        String shown = scheme.length() > 20 ? scheme.substring(0, 20) + "…" : scheme;
        throw ApiError.unauthorized("the Authorization scheme " + shown + " is not supported: use Basic or Bearer");
    }

    /**
     * Lets the request on when {@code key} has the scope.
     *
     * @throws dev.portrait.core.PortraitException {@code unauthorized} with no key or an unknown one,
     *         {@code forbidden} for a known key without the scope
     */
    Caller authorize(String key, Scope needed) {
        if (key == null) {
            throw ApiError.unauthorized(needed == Scope.INGEST
                    ? "no API key: send a write key by HTTP Basic (the key as user name) or as writeKey in the body"
                    : "no API key: send a key by HTTP Basic (the key as user name) or as a Bearer token");
        }
        Caller caller = find(key);
        if (caller == null) {
            throw ApiError.unauthorized("unknown API key");
        }
        requireScope(caller, needed);
        return caller;
    }

    /**
     * Lets a known caller on when it has the scope.
     *
     * @throws dev.portrait.core.PortraitException {@code forbidden} when it has not
     */
    static void requireScope(Caller caller, Scope needed) {
        if (!caller.scopes().contains(needed)) {
            throw ApiError.forbidden("this key may not " + switch (needed) {
                case INGEST -> "ingest events: that needs a write key";
                case QUERY -> "read profiles: that needs a read or admin key";
                case ADMIN -> "administer: that needs an admin key";
            });
        }
    }

    private static byte[] digest(String key) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }
}
