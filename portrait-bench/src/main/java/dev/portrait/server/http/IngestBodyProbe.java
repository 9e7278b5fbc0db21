package dev.portrait.server.http;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The HTTP layer's own batch parser ({@link IngestBody#batch}), reachable from the benchmarks. It
 * lives in portrait-bench but in the server's package because {@code IngestBody} is package-private
 * on purpose; a parse ceiling has to run the very code the server runs, not a copy of it, or the
 * efficiency ratio would compare two different parsers.
 */
public final class IngestBodyProbe {
    private IngestBodyProbe() {
    }

    /** Parses a {@code /v1/batch} body with the default limits and returns how many events it held. */
    public static int parse(byte[] body) {
        return IngestBody.batch(body, HttpConfig.Limits.DEFAULT).events().size();
    }

    /** Parses a {@code /v1/batch} body with the default limits and returns each event's map, as the cleaner gets it. */
    public static List<Map<String, Object>> parseToMaps(byte[] body) {
        List<IngestBody.Item> items = IngestBody.batch(body, HttpConfig.Limits.DEFAULT).events();
        List<Map<String, Object>> out = new ArrayList<>(items.size());
        for (IngestBody.Item item : items) {
            out.add(item.json());
        }
        return out;
    }
}
