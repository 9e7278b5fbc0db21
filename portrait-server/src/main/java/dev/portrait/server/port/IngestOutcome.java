package dev.portrait.server.port;

import java.util.Objects;

/** What became of one incoming event. */
public sealed interface IngestOutcome permits IngestOutcome.Stored, IngestOutcome.Duplicate, IngestOutcome.Quarantined {

    /** Cleaned and durably in the event log at {@code sequence}. */
    record Stored(String messageId, long sequence) implements IngestOutcome {
        public Stored {
            Objects.requireNonNull(messageId, "messageId");
        }
    }

    /** Its {@code messageId} was seen before within the dedup window: counted once, not stored again. */
    record Duplicate(String messageId) implements IngestOutcome {
        public Duplicate {
            Objects.requireNonNull(messageId, "messageId");
        }
    }

    /** Rejected by cleaning and durably in the quarantine with its reason. */
    record Quarantined(long quarantineId, String code, String message, String path) implements IngestOutcome {
        public Quarantined {
            Objects.requireNonNull(code, "code");
            Objects.requireNonNull(message, "message");
        }
    }
}
