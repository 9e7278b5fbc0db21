package dev.portrait.flink;

import dev.portrait.core.encoding.BinaryIn;
import dev.portrait.core.encoding.BinaryOut;

/**
 * A retired profile's state on its way to the profile that absorbs it. It travels through the
 * transfers topic (Flink's DataStream API has no cycles), written and read exactly once.
 */
public class Transfer {
    private static final int VERSION = 1;

    public String winner;
    public String loser;
    /** The loser's {@code ProfileCodec} bytes; null when the loser had never folded an event. */
    public byte[] profile;

    public Transfer() {
    }

    public Transfer(String winner, String loser, byte[] profile) {
        this.winner = winner;
        this.loser = loser;
        this.profile = profile;
    }

    byte[] toBytes() {
        BinaryOut out = new BinaryOut(32 + (profile == null ? 0 : profile.length));
        out.writeByte(VERSION);
        out.writeString(winner);
        out.writeString(loser);
        out.writeBoolean(profile != null);
        if (profile != null) {
            out.writeBytes(profile);
        }
        return out.toByteArray();
    }

    static Transfer fromBytes(byte[] bytes) {
        BinaryIn in = new BinaryIn(bytes);
        in.expectVersion("transfer", VERSION);
        String winner = in.readString();
        String loser = in.readString();
        byte[] profile = in.readBoolean() ? in.readBytes() : null;
        return new Transfer(winner, loser, profile);
    }
}
