package dev.portrait.store;

import dev.portrait.core.encoding.BinaryIn;
import dev.portrait.core.encoding.BinaryOut;

import java.util.ArrayList;
import java.util.List;

/**
 * A profile's {@link HistoryEntry history entries} since the last write-back, packed as the store
 * keeps them: an event costs one varint of the distance to the previous sequence (one or two bytes
 * in a busy log), which is what makes keeping every event's position affordable.
 *
 * <p>Each entry starts with a varint {@code delta << 2 | kind}: kind 0 an event at the previous
 * sequence plus {@code delta}; kind 1 a timer, followed by its time (zig-zag varint); kind 2 a merge
 * caused by the event at the previous sequence plus {@code delta}, followed by the loser's id. The
 * first delta of a buffer counts from 0. Sequences never go back within a buffer.
 *
 * <p>Not thread-safe: the worker fills it and hands it to one write-back.
 */
public final class HistoryBuffer {
    private static final int EVENT = 0;
    private static final int TIMER = 1;
    private static final int MERGE = 2;

    private final BinaryOut out = new BinaryOut(16);
    private long previous;
    private int entries;

    /** The event at {@code sequence} was folded into the profile. */
    public HistoryBuffer event(long sequence) {
        out.writeVarLong(delta(sequence) << 2 | EVENT);
        entries++;
        return this;
    }

    /** The profile's timer fired at {@code time}. */
    public HistoryBuffer timer(long time) {
        out.writeVarLong(TIMER).writeSignedVarLong(time);
        entries++;
        return this;
    }

    /** The profile absorbed {@code loserId} in a merge caused by the event at {@code sequence}. */
    public HistoryBuffer merge(long sequence, String loserId) {
        StoredProfiles.requireId(loserId);
        out.writeVarLong(delta(sequence) << 2 | MERGE).writeString(loserId);
        entries++;
        return this;
    }

    private long delta(long sequence) {
        if (sequence <= 0 || sequence < previous) {
            throw new IllegalArgumentException("history sequences run forward from 1: " + sequence + " after " + previous);
        }
        long d = sequence - previous;
        previous = sequence;
        return d;
    }

    public boolean isEmpty() {
        return entries == 0;
    }

    /** Entries appended. */
    public int entries() {
        return entries;
    }

    /** The packed bytes (a copy). */
    byte[] bytes() {
        return out.toByteArray();
    }

    /** Decodes what {@link #bytes()} packed, appending to {@code into}. */
    static void decode(byte[] packed, int off, int len, List<HistoryEntry> into) {
        BinaryIn in = new BinaryIn(packed, off, len);
        long previous = 0;
        while (in.hasMore()) {
            long head = in.readVarLong();
            int kind = (int) (head & 3);
            long delta = head >>> 2;
            switch (kind) {
                case EVENT -> {
                    previous += delta;
                    into.add(new HistoryEntry.Event(previous));
                }
                case TIMER -> into.add(new HistoryEntry.Timer(in.readSignedVarLong()));
                case MERGE -> {
                    previous += delta;
                    into.add(new HistoryEntry.Merge(previous, in.readString()));
                }
                default -> throw new StoreException("corrupt_store", "a history entry of unknown kind " + kind, "history");
            }
        }
    }

    /** For tests and tools: the entries packed so far. */
    List<HistoryEntry> decoded() {
        List<HistoryEntry> out = new ArrayList<>();
        byte[] b = bytes();
        decode(b, 0, b.length, out);
        return out;
    }
}
