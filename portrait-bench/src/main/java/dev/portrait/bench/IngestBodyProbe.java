package dev.portrait.bench;

import dev.portrait.server.http.IngestBenchmarkSeam;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The HTTP layer's own batch parser, as the benchmarks use it: through the server's one public seam
 * for them ({@link IngestBenchmarkSeam}), so a parse ceiling times the very code the server runs.
 */
final class IngestBodyProbe {
    private IngestBodyProbe() {
    }

    /** Parses a {@code /v1/batch} body with the default limits and returns how many events it held. */
    static int parse(byte[] body) {
        return IngestBenchmarkSeam.parseBatch(body).size();
    }

    /** Parses a {@code /v1/batch} body with the default limits and returns each event's map, as the cleaner gets it. */
    static List<Map<String, Object>> parseToMaps(byte[] body) {
        return new ArrayList<>(IngestBenchmarkSeam.parseBatch(body));
    }
}
