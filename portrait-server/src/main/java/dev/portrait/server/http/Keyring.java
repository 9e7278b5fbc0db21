package dev.portrait.server.http;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumSet;
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
    private record Entry(byte[] digest, Set<Scope> scopes) {
    }

    private final List<Entry> entries;

    Keyring(HttpConfig.ApiKeys keys) {
        Map<String, EnumSet<Scope>> byKey = new LinkedHashMap<>();
        keys.write().forEach(k -> byKey.computeIfAbsent(k, x -> EnumSet.noneOf(Scope.class)).add(Scope.INGEST));
        keys.read().forEach(k -> byKey.computeIfAbsent(k, x -> EnumSet.noneOf(Scope.class)).add(Scope.QUERY));
        keys.admin().forEach(k -> byKey.computeIfAbsent(k, x -> EnumSet.noneOf(Scope.class))
                .addAll(EnumSet.of(Scope.QUERY, Scope.ADMIN)));
        List<Entry> list = new ArrayList<>();
        byKey.forEach((k, scopes) -> list.add(new Entry(digest(k), Set.copyOf(scopes))));
        this.entries = List.copyOf(list);
    }

    /** The scopes of this key; empty when it is unknown. */
    Set<Scope> scopesOf(String presented) {
        byte[] d = digest(presented);
        Set<Scope> found = Set.of();
        for (Entry e : entries) {
            if (MessageDigest.isEqual(d, e.digest)) {
                found = e.scopes;
            }
        }
        return found;
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
    void authorize(String key, Scope needed) {
        if (key == null) {
            throw ApiError.unauthorized(needed == Scope.INGEST
                    ? "no API key: send a write key by HTTP Basic (the key as user name) or as writeKey in the body"
                    : "no API key: send a key by HTTP Basic (the key as user name) or as a Bearer token");
        }
        Set<Scope> scopes = scopesOf(key);
        if (scopes.isEmpty()) {
            throw ApiError.unauthorized("unknown API key");
        }
        if (!scopes.contains(needed)) {
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
