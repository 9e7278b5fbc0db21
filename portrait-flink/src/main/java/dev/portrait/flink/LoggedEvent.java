package dev.portrait.flink;

/**
 * A cleaned event between operators: its messageId, event time and log position (partition,
 * offset: the tie-break for events with the same time, so ordering is deterministic) and the
 * event in its binary form ({@link EventBinary}), parsed from JSON once, by the cleaner.
 */
public class LoggedEvent {
    public String messageId;
    public long time;
    public int partition;
    public long offset;
    public long receivedAt;
    public byte[] event;

    public LoggedEvent() {
    }

    public LoggedEvent(String messageId, long time, int partition, long offset, long receivedAt, byte[] event) {
        this.messageId = messageId;
        this.time = time;
        this.partition = partition;
        this.offset = offset;
        this.receivedAt = receivedAt;
        this.event = event;
    }
}
