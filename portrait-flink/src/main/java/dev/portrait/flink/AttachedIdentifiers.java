package dev.portrait.flink;

import dev.portrait.core.encoding.BinaryIn;
import dev.portrait.core.encoding.BinaryOut;
import dev.portrait.core.identity.AttachedIdentifier;
import dev.portrait.core.identity.Identifier;

import java.util.ArrayList;
import java.util.List;

/** The binary form of a profile's identifier list, as it travels between operators and in state. */
final class AttachedIdentifiers {
    private static final int VERSION = 1;

    private AttachedIdentifiers() {
    }

    static byte[] encode(long createdAt, List<AttachedIdentifier> list) {
        BinaryOut out = new BinaryOut(16 + 48 * list.size());
        out.writeByte(VERSION);
        out.writeSignedVarLong(createdAt);
        out.writeVarInt(list.size());
        for (AttachedIdentifier a : list) {
            out.writeString(a.identifier().type());
            out.writeString(a.identifier().value());
            out.writeSignedVarLong(a.attachedAt());
        }
        return out.toByteArray();
    }

    static long createdAt(byte[] bytes) {
        BinaryIn in = new BinaryIn(bytes);
        in.expectVersion("identifier list", VERSION);
        return in.readSignedVarLong();
    }

    static List<AttachedIdentifier> decode(byte[] bytes) {
        if (bytes == null) {
            return List.of();
        }
        BinaryIn in = new BinaryIn(bytes);
        in.expectVersion("identifier list", VERSION);
        in.readSignedVarLong();
        int n = in.readVarInt();
        List<AttachedIdentifier> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(new AttachedIdentifier(new Identifier(in.readString(), in.readString()), in.readSignedVarLong()));
        }
        return out;
    }
}
