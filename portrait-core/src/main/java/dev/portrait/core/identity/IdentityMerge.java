package dev.portrait.core.identity;

import dev.portrait.core.PortraitException;
import dev.portrait.core.encoding.BinaryIn;
import dev.portrait.core.encoding.BinaryOut;

import java.util.ArrayList;
import java.util.List;

/**
 * One entry of the merge log: profile {@code loser} was folded into profile {@code winner}. It holds
 * everything needed to undo the identity side ({@link IdentityGraph#reverse}): the loser's id,
 * creation time and every identifier it held with its attachment time. A runtime uses {@code winner},
 * {@code loser}, {@code time} and {@code causeMessageId} to fold (and, on reversal, rebuild) the two
 * profiles' feature states.
 *
 * <p>Because {@code moved} lists a person's identifiers, log entries are personal data: forgetting a
 * profile must also delete the entries whose winner or loser is that profile (and, transitively, the
 * profiles that were merged into it).
 *
 * @param winner         the profile that remains
 * @param loser          the profile that was deleted
 * @param moved          the loser's identifiers, each with its original attachment time, in
 *                       order of attachment time, then identifier
 * @param time           the event time of the event that caused the merge
 * @param causeMessageId the message id of that event
 * @param loserCreatedAt the loser's creation time, restored on reversal
 */
public record IdentityMerge(String winner, String loser, List<AttachedIdentifier> moved, long time,
                            String causeMessageId, long loserCreatedAt) {
    private static final int VERSION = 1;

    public IdentityMerge {
        if (winner == null || winner.isEmpty()) {
            throw new IllegalArgumentException("merge winner must be a profile id, got " + winner);
        }
        if (loser == null || loser.isEmpty()) {
            throw new IllegalArgumentException("merge loser must be a profile id, got " + loser);
        }
        if (winner.equals(loser)) {
            throw new IllegalArgumentException("profile " + winner + " cannot be merged into itself");
        }
        moved = List.copyOf(moved);
        if (moved.isEmpty()) {
            // A merge is always caused by an identifier the loser holds, so an empty list is a bug.
            throw new IllegalArgumentException("merge of " + loser + " into " + winner + " moves no identifiers");
        }
        if (causeMessageId == null || causeMessageId.isEmpty()) {
            throw new IllegalArgumentException("merge of " + loser + " into " + winner + " needs the cause's messageId");
        }
    }

    /** Writes the versioned binary form. */
    public void writeTo(BinaryOut out) {
        out.writeByte(VERSION);
        out.writeString(winner);
        out.writeString(loser);
        out.writeSignedVarLong(time);
        out.writeString(causeMessageId);
        out.writeSignedVarLong(loserCreatedAt);
        out.writeVarInt(moved.size());
        for (AttachedIdentifier a : moved) {
            out.writeString(a.identifier().type());
            out.writeString(a.identifier().value());
            out.writeSignedVarLong(a.attachedAt());
        }
    }

    /** The versioned binary form as a byte array, for a merge-log record. */
    public byte[] toBytes() {
        BinaryOut out = new BinaryOut(64 + 32 * moved.size());
        writeTo(out);
        return out.toByteArray();
    }

    /**
     * Reads what {@link #writeTo} wrote.
     *
     * @throws PortraitException {@code corrupt_state} when the bytes are truncated, of an unknown
     *                           version or describe an invalid merge
     */
    public static IdentityMerge readFrom(BinaryIn in) {
        in.expectVersion("identity merge", VERSION);
        try {
            String winner = in.readString();
            String loser = in.readString();
            long time = in.readSignedVarLong();
            String cause = in.readString();
            long loserCreatedAt = in.readSignedVarLong();
            int n = in.readLength();
            List<AttachedIdentifier> moved = new ArrayList<>(Math.min(n, 1024));
            for (int i = 0; i < n; i++) {
                Identifier id = new Identifier(in.readString(), in.readString());
                moved.add(new AttachedIdentifier(id, in.readSignedVarLong()));
            }
            return new IdentityMerge(winner, loser, moved, time, cause, loserCreatedAt);
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new PortraitException("corrupt_state", "identity merge: " + e.getMessage(), null, e);
        }
    }

    /** Reads a whole byte array written by {@link #toBytes}; trailing bytes are corruption. */
    public static IdentityMerge fromBytes(byte[] bytes) {
        BinaryIn in = new BinaryIn(bytes);
        IdentityMerge merge = readFrom(in);
        if (in.hasMore()) {
            throw new PortraitException("corrupt_state", "identity merge: " + (bytes.length - in.position())
                    + " trailing bytes", null);
        }
        return merge;
    }
}
