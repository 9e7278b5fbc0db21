package dev.portrait.flink;

import dev.portrait.core.encoding.BinaryIn;
import dev.portrait.core.encoding.BinaryOut;
import org.apache.flink.api.common.state.MapState;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;

/**
 * The identity operator's event-time buffer: events that wait for the watermark, on the heap in time
 * order, and in keyed map state only as of the last checkpoint.
 *
 * <p>Every event used to cost a state read and write on arrival and a read and delete on release.
 * Here an event costs nothing in state until a checkpoint: {@link #save()} (called before each barrier)
 * writes only the time buckets whose waiting events changed since the last save, one state entry per
 * second of event time, and deletes the buckets that emptied. An event that arrives and is released
 * between two checkpoints never touches state. After a restore the heap is empty and
 * {@link #restore()} rebuilds it from state, which holds exactly what waited at the checkpoint.
 *
 * <p>Its size is bounded by the stream itself: an event waits at most the allowed lateness (plus the
 * watermark's lag), so the heap holds about lateness × event rate events.
 */
final class WaitingEvents {
    /** Event time per state entry: coarse enough that an event rarely costs a write of its own. */
    static final long BUCKET_MILLIS = 1_000;
    private static final Comparator<LoggedEvent> LOG_ORDER =
            Comparator.<LoggedEvent>comparingInt(e -> e.partition).thenComparingLong(e -> e.offset);

    /** Second of event time → the encoded events waiting in it, as of the last save. */
    private final MapState<Long, List<byte[]>> state;
    private final TreeMap<Long, List<LoggedEvent>> byTime = new TreeMap<>();
    /** Buckets whose waiting events changed since the last save. */
    private final Set<Long> changed = new HashSet<>();
    /** Buckets that have an entry in state. */
    private final Set<Long> saved = new HashSet<>();
    private int size;

    WaitingEvents(MapState<Long, List<byte[]>> state) {
        this.state = state;
    }

    /** Reads what waited at the checkpoint the operator restored from (the current key must be set). */
    void restore() throws Exception {
        byTime.clear();
        changed.clear();
        saved.clear();
        size = 0;
        for (Map.Entry<Long, List<byte[]>> bucket : state.entries()) {
            saved.add(bucket.getKey());
            for (byte[] bytes : bucket.getValue()) {
                LoggedEvent e = decode(bytes);
                byTime.computeIfAbsent(e.time, t -> new ArrayList<>(1)).add(e);
                size++;
            }
        }
    }

    /**
     * Takes over the events a savepoint of the previous layout held (one state entry per event time, in
     * the same encoding) and empties that state; they reach this layout's state at the next save.
     */
    void adopt(MapState<Long, List<byte[]>> previous) throws Exception {
        boolean any = false;
        for (List<byte[]> at : previous.values()) {
            for (byte[] bytes : at) {
                add(decode(bytes));
                any = true;
            }
        }
        if (any) {
            previous.clear();
        }
    }

    void add(LoggedEvent e) {
        byTime.computeIfAbsent(e.time, t -> new ArrayList<>(1)).add(e);
        changed.add(bucket(e.time));
        size++;
    }

    /** Takes out every event at or before {@code watermark}: in time order, ties in log order. */
    List<LoggedEvent> releaseUpTo(long watermark) {
        NavigableMap<Long, List<LoggedEvent>> due = byTime.headMap(watermark, true);
        if (due.isEmpty()) {
            return List.of();
        }
        List<LoggedEvent> out = new ArrayList<>();
        for (Map.Entry<Long, List<LoggedEvent>> at : due.entrySet()) {
            List<LoggedEvent> events = at.getValue();
            events.sort(LOG_ORDER);
            out.addAll(events);
            changed.add(bucket(at.getKey()));
        }
        due.clear();
        size -= out.size();
        return out;
    }

    int size() {
        return size;
    }

    /** Writes the changed buckets to state (the current key must be set). */
    void save() throws Exception {
        for (long b : changed) {
            Map<Long, List<LoggedEvent>> in = byTime.subMap(b * BUCKET_MILLIS, true, b * BUCKET_MILLIS + BUCKET_MILLIS - 1, true);
            if (in.isEmpty()) {
                if (saved.remove(b)) {
                    state.remove(b);
                }
                continue;
            }
            List<byte[]> encoded = new ArrayList<>();
            for (List<LoggedEvent> events : in.values()) {
                for (LoggedEvent e : events) {
                    encoded.add(encode(e));
                }
            }
            state.put(b, encoded);
            saved.add(b);
        }
        changed.clear();
    }

    private static long bucket(long time) {
        return Math.floorDiv(time, BUCKET_MILLIS);
    }

    static byte[] encode(LoggedEvent e) {
        BinaryOut out = new BinaryOut(64 + e.event.length);
        out.writeString(e.messageId);
        out.writeSignedVarLong(e.time);
        out.writeVarInt(e.partition);
        out.writeVarLong(e.offset);
        out.writeSignedVarLong(e.receivedAt);
        out.writeBytes(e.event);
        return out.toByteArray();
    }

    private static LoggedEvent decode(byte[] bytes) {
        BinaryIn in = new BinaryIn(bytes);
        return new LoggedEvent(in.readString(), in.readSignedVarLong(), in.readVarInt(), in.readVarLong(),
                in.readSignedVarLong(), in.readBytes());
    }
}
