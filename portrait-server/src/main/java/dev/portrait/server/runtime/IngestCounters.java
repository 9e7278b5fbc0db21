package dev.portrait.server.runtime;

/**
 * Where the runtime reports what became of ingested events; the HTTP layer backs it with
 * Micrometer counters. Called from the group committer's thread.
 */
public interface IngestCounters {
    void stored();

    void duplicate();

    void quarantined(String code);

    /** Counts nothing; for tools and tests that do not export metrics. */
    IngestCounters NONE = new IngestCounters() {
        @Override
        public void stored() {
        }

        @Override
        public void duplicate() {
        }

        @Override
        public void quarantined(String code) {
        }
    };
}
