package dev.portrait.server.http;

import java.util.AbstractList;
import java.util.List;
import java.util.Map;

/**
 * The HTTP layer's own {@code /v1/batch} parser, opened for portrait-bench and nothing else. A parse
 * ceiling has to time the very code the server runs, not a copy of it, or the efficiency ratio would
 * compare two different parsers; {@link IngestBody} stays package-private, and this one entry is the
 * whole of what the benchmarks reach. No product code calls it.
 */
public final class IngestBenchmarkSeam {
    private IngestBenchmarkSeam() {
    }

    /**
     * Parses a {@code /v1/batch} body with the default limits, as {@code POST /v1/batch} does, and
     * returns each event's map as the cleaner gets it (a view over the parse, not a copy).
     */
    public static List<Map<String, Object>> parseBatch(byte[] body) {
        List<IngestBody.Item> items = IngestBody.batch(body, HttpConfig.Limits.DEFAULT).events();
        return new AbstractList<>() {
            @Override
            public Map<String, Object> get(int index) {
                return items.get(index).json();
            }

            @Override
            public int size() {
                return items.size();
            }
        };
    }
}
