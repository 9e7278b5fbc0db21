package dev.portrait.flink;

import dev.portrait.core.encoding.BinaryIn;
import dev.portrait.core.encoding.BinaryOut;

/**
 * What the profile operator keeps per key, in one state value so that loading a profile is one
 * state read: the profile's identifiers ({@link AttachedIdentifiers}) and its {@code ProfileCodec}
 * bytes.
 */
record StoredProfile(byte[] identifiers, byte[] profile) {
    private static final int VERSION = 1;

    StoredProfile {
        if (profile == null) {
            throw new IllegalArgumentException("a stored profile needs its bytes; a retired one is no value at all");
        }
    }

    byte[] toBytes() {
        BinaryOut out = new BinaryOut(16 + profile.length + (identifiers == null ? 0 : identifiers.length));
        out.writeByte(VERSION);
        out.writeBoolean(identifiers != null);
        if (identifiers != null) {
            out.writeBytes(identifiers);
        }
        out.writeBytes(profile);
        return out.toByteArray();
    }

    static StoredProfile fromBytes(byte[] bytes) {
        BinaryIn in = new BinaryIn(bytes);
        in.expectVersion("stored profile", VERSION);
        byte[] ids = in.readBoolean() ? in.readBytes() : null;
        return new StoredProfile(ids, in.readBytes());
    }
}
