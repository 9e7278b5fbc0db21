package dev.portrait.server.port;

import java.util.List;

/** What the HTTP layer (and the importer) ask of the runtime to take events in. */
public interface IngestPort {
    /**
     * Cleans each event, appends the accepted ones to the durable event log (deduplicated by
     * {@code messageId}) and quarantines the rejected ones with their reason. Returns one outcome per
     * event, in order, and only once every one of them is durable: the caller may answer 2xx. Blocks
     * the calling thread while a group commit gathers other callers' events for one fsync.
     *
     * @throws dev.portrait.core.PortraitException {@code unavailable} when the runtime is shutting
     *         down or cannot write (the caller answers 503 and the client retries)
     */
    List<IngestOutcome> ingest(List<IncomingEvent> events);

    /**
     * The log position of the last event logged so far: the position token of an answer that stored
     * nothing new (duplicates were logged earlier, so waiting for this covers them). 0 for a runtime
     * without log positions.
     */
    default long loggedPosition() {
        return 0;
    }
}
