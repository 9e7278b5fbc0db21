package dev.portrait.core.profile;

import dev.portrait.core.encoding.BinaryIn;
import dev.portrait.core.encoding.BinaryOut;
import dev.portrait.core.identity.IdentityMerge;

import java.util.Arrays;
import java.util.Objects;

/**
 * Everything needed to undo an identity merge: the identity side ({@link IdentityMerge}: which
 * identifiers moved from which profile) and both profiles as they were just before, in
 * {@link ProfileCodec}'s form. {@link #reverse} gives the two profiles back; the runtime then
 * replays, from its event log, the events that reached the winner after the merge, attributing each
 * by the restored identities.
 */
public record MergeLogEntry(IdentityMerge identity, byte[] winnerBefore, byte[] loserBefore) {
    private static final int VERSION = 1;

    public MergeLogEntry {
        Objects.requireNonNull(identity, "identity");
        Objects.requireNonNull(winnerBefore, "winnerBefore");
        Objects.requireNonNull(loserBefore, "loserBefore");
    }

    /** Records a merge about to happen. */
    public static MergeLogEntry of(IdentityMerge identity, Profile winner, Profile loser, ProfileCodec codec) {
        if (!identity.winner().equals(winner.profileId()) || !identity.loser().equals(loser.profileId())) {
            throw new IllegalArgumentException("merge " + identity.winner() + " <- " + identity.loser()
                    + " does not match profiles " + winner.profileId() + " and " + loser.profileId());
        }
        return new MergeLogEntry(identity, codec.encode(winner), codec.encode(loser));
    }

    /** The winner and the loser as they were before the merge: {@code [winner, loser]}. */
    public Profile[] reverse(ProfileCodec codec) {
        return new Profile[] {codec.decode(winnerBefore), codec.decode(loserBefore)};
    }

    public byte[] toBytes() {
        BinaryOut out = new BinaryOut(winnerBefore.length + loserBefore.length + 128);
        out.writeByte(VERSION);
        identity.writeTo(out);
        out.writeBytes(winnerBefore);
        out.writeBytes(loserBefore);
        return out.toByteArray();
    }

    public static MergeLogEntry fromBytes(byte[] bytes) {
        BinaryIn in = new BinaryIn(bytes);
        in.expectVersion("merge log entry", VERSION);
        IdentityMerge identity = IdentityMerge.readFrom(in);
        return new MergeLogEntry(identity, in.readBytes(), in.readBytes());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MergeLogEntry m && identity.equals(m.identity) && Arrays.equals(winnerBefore, m.winnerBefore)
                && Arrays.equals(loserBefore, m.loserBefore);
    }

    @Override
    public int hashCode() {
        return Objects.hash(identity, Arrays.hashCode(winnerBefore), Arrays.hashCode(loserBefore));
    }

    @Override
    public String toString() {
        return "MergeLogEntry[" + identity + ", " + winnerBefore.length + " + " + loserBefore.length + " bytes]";
    }
}
