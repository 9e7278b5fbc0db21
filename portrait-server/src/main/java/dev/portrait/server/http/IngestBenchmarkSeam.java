package dev.portrait.server.http;

import java.util.AbstractList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The HTTP layer's own {@code /v1/batch} parser, opened for portrait-bench and nothing else. A parse
 * ceiling has to time the very code the server runs, not a copy of it, or the efficiency ratio would
 * compare two different parsers; {@link IngestBody} stays package-private, and this one entry is the
 * whole of what the benchmarks reach (with {@link #ingestAdmission}, the rate-limit check an ingest call
 * makes). No product code calls it.
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

    /**
     * The rate-limit check an ingest call by a known write key makes once its key is found ({@code Admission}
     * calls it): with the ingest limit off (the default), or on at a rate it never reaches (every call
     * admitted, so the timing is the bucket's compare-and-set, not a refusal).
     */
    public static Runnable ingestAdmission(boolean limited) {
        String key = "wk_benchmark_0123456789abcdef";
        Keyring ring = new Keyring(new HttpConfig.ApiKeys(Set.of(key), Set.of(), Set.of()));
        HttpConfig.Rate ingest = limited ? new HttpConfig.Rate(1e9, Integer.MAX_VALUE) : HttpConfig.Rate.OFF;
        RateLimits limits = new RateLimits(new HttpConfig.Rates(ingest, HttpConfig.Rate.OFF, HttpConfig.Rate.OFF,
                HttpConfig.Rate.OFF), ring.size(), System::nanoTime);
        Keyring.Caller caller = ring.find(key);
        return () -> limits.admit(caller, Scope.INGEST);
    }
}
