package dev.portrait.flink;

/**
 * One record of the events topic as the job reads it: the Segment JSON the server wrote, the time
 * Kafka stamped it with (the ingest time, used as {@code receivedAt}) and where it sits in the log.
 * Plain public fields: Flink's POJO serializer handles this without Kryo.
 */
public class IncomingEvent {
    public byte[] json;
    public long receivedAt;
    public int partition;
    public long offset;

    public IncomingEvent() {
    }

    public IncomingEvent(byte[] json, long receivedAt, int partition, long offset) {
        this.json = json;
        this.receivedAt = receivedAt;
        this.partition = partition;
        this.offset = offset;
    }
}
