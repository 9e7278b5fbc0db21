package dev.portrait.server.console;

import io.javalin.http.Context;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Serves the console's pages and scripts, and the charting and API-docs libraries, from the classpath.
 *
 * <p>Not Javalin's static-file handler: every asset here is behind the console's session, which a static
 * handler mounted beside the routes would not check. A path is accepted only in a plain shape (letters,
 * digits, {@code . _ - /}, no {@code ..}), and only under the roots given, so no request reaches another
 * classpath resource (the server's own classes, the definition files).
 */
final class ConsoleAssets {
    private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)*");
    private static final Map<String, String> TYPES = Map.of(
            "html", "text/html; charset=utf-8",
            "js", "text/javascript; charset=utf-8",
            "css", "text/css; charset=utf-8",
            "yaml", "application/yaml; charset=utf-8",
            "png", "image/png",
            "svg", "image/svg+xml",
            "json", "application/json; charset=utf-8");

    private final Map<String, byte[]> cache = new ConcurrentHashMap<>();

    /** The resource's bytes, read once; empty when there is none or the path is not in the safe shape. */
    Optional<byte[]> read(String root, String path) {
        if (path == null || !SAFE.matcher(path).matches() || path.contains("..")) {
            return Optional.empty();
        }
        String name = root + path;
        byte[] cached = cache.get(name);
        if (cached != null) {
            return Optional.of(cached);
        }
        try (InputStream in = ConsoleAssets.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                return Optional.empty();
            }
            byte[] bytes = in.readAllBytes();
            cache.put(name, bytes);
            return Optional.of(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException("reading console resource " + name, e);
        }
    }

    /** Answers with the resource, or 404 in the API's shape. */
    boolean serve(Context ctx, String root, String path, String cacheControl) {
        Optional<byte[]> bytes = read(root, path);
        if (bytes.isEmpty()) {
            ConsoleAnswers.error(ctx, 404, "not_found", "no console asset " + shown(path));
            return false;
        }
        String extension = path.substring(path.lastIndexOf('.') + 1);
        ConsoleAnswers.secure(ctx);
        ctx.header("Cache-Control", cacheControl);
        ctx.status(200).contentType(TYPES.getOrDefault(extension, "application/octet-stream")).result(bytes.get());
        return true;
    }

    private static String shown(String path) {
        if (path == null) {
            return "";
        }
        return path.length() > 100 ? path.substring(0, 100) + "…" : path;
    }
}
