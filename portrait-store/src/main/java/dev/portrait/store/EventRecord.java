package dev.portrait.store;

import dev.portrait.core.event.Event;
import dev.portrait.store.log.EventCompression;

import java.util.Arrays;
import java.util.Objects;

/**
 * One cleaned event on its way into the {@link EventLog}.
 *
 * <p>The log does not parse {@code event}: the group committer is the single thread every event
 * passes through, so the message id (for deduplication) and the subject (whose data key encrypts it)
 * travel beside the bytes. {@link #of(Event, long)} derives both from the event and prepares its bytes
 * (binary encoding and compression, the costly part) on the calling thread — an ingest thread, one of
 * many — which is how records must be made.
 *
 * @param event      the cleaned event prepared for the log ({@link EventCompression#prepare(Event)})
 * @param receivedAt when the server received it (epoch ms); the dedup window is measured in these
 * @param messageId  the event's {@code messageId}, the deduplication key
 * @param subject    whose data key encrypts the event: {@link #subjectOf(Event)}
 */
public record EventRecord(byte[] event, long receivedAt, String messageId, String subject) {
    /** Subject prefix for an event that has a {@code userId}. */
    public static final String USER_SUBJECT = "user_id:";
    /** Subject prefix for an event that has only an {@code anonymousId}. */
    public static final String ANONYMOUS_SUBJECT = "anonymous_id:";

    public EventRecord {
        Objects.requireNonNull(event, "event bytes");
        if (event.length == 0) {
            throw new IllegalArgumentException("event record " + messageId + " has no bytes");
        }
        if (messageId == null || messageId.isEmpty()) {
            throw new IllegalArgumentException("event record needs a messageId, got " + messageId);
        }
        if (subject == null || !(subject.startsWith(USER_SUBJECT) && subject.length() > USER_SUBJECT.length()
                || subject.startsWith(ANONYMOUS_SUBJECT) && subject.length() > ANONYMOUS_SUBJECT.length())) {
            throw new IllegalArgumentException("event record " + messageId + " needs a subject made by "
                    + "EventRecord.userSubject or anonymousSubject, got " + (subject == null ? "null" : "another form"));
        }
    }

    /** Encodes and compresses a cleaned event and derives its message id and subject. */
    public static EventRecord of(Event event, long receivedAt) {
        return new EventRecord(EventCompression.prepare(event), receivedAt, event.messageId(), subjectOf(event));
    }

    /**
     * Whose key encrypts an event: its {@code userId} when it has one, else its {@code anonymousId}.
     * The two are kept in separate namespaces ({@code user_id:…}, {@code anonymous_id:…}) so that
     * forgetting one person's anonymous id can never shred another person whose user id happens to be
     * the same string.
     */
    public static String subjectOf(Event event) {
        return event.userId() != null ? userSubject(event.userId()) : anonymousSubject(event.anonymousId());
    }

    /** The subject of events that carry this {@code userId}. */
    public static String userSubject(String userId) {
        if (userId == null || userId.isEmpty()) {
            throw new IllegalArgumentException("a user subject needs a userId, got " + userId);
        }
        return USER_SUBJECT + userId;
    }

    /** The subject of events that carry this {@code anonymousId} and no {@code userId}. */
    public static String anonymousSubject(String anonymousId) {
        if (anonymousId == null || anonymousId.isEmpty()) {
            throw new IllegalArgumentException("an anonymous subject needs an anonymousId, got " + anonymousId);
        }
        return ANONYMOUS_SUBJECT + anonymousId;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof EventRecord r && receivedAt == r.receivedAt && messageId.equals(r.messageId)
                && subject.equals(r.subject) && Arrays.equals(event, r.event);
    }

    @Override
    public int hashCode() {
        return Objects.hash(messageId, subject, receivedAt, Arrays.hashCode(event));
    }

    @Override
    public String toString() {
        // The subject and the bytes are personal data: they stay out of logs and assertion messages.
        return "EventRecord[" + messageId + ", " + event.length + " bytes, receivedAt=" + receivedAt + "]";
    }
}
