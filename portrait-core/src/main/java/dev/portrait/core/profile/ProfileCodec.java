package dev.portrait.core.profile;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.portrait.core.PortraitException;
import dev.portrait.core.encoding.BinaryIn;
import dev.portrait.core.encoding.BinaryOut;
import dev.portrait.core.event.EventCodec;
import dev.portrait.core.feature.Feature;

import java.io.IOException;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A profile's compact binary form, the unit the runtimes store and ship.
 *
 * <pre>
 * version byte (2) · profile id · definition fingerprint · version · clock · nextCheck
 * · segment bits · traits (name, tagged value, source, time) · feature states in definition order
 * · the extension's state (the models' per-person part), when the updater has an extension
 * </pre>
 *
 * Feature states carry no names or lengths: the fingerprint says which definition wrote them, and a
 * profile written under another definition is refused ({@code definition_mismatch}) so the runtime
 * rebuilds it from the event log instead of misreading it. Encoding is deterministic: the same
 * profile gives the same bytes.
 */
public final class ProfileCodec {
    /** 2: the extension's state (the models' per-person part) follows the feature states. */
    private static final int VERSION = 2;
    private static final int TAG_STRING = 1;
    private static final int TAG_LONG = 2;
    private static final int TAG_DOUBLE = 3;
    private static final int TAG_TRUE = 4;
    private static final int TAG_FALSE = 5;
    private static final int TAG_JSON = 6;

    private final ProfileUpdater updater;
    private final List<Feature<Object>> features;
    private final String fingerprint;
    @SuppressWarnings("rawtypes")
    private final ProfileExtension extension;

    @SuppressWarnings("unchecked")
    public ProfileCodec(ProfileUpdater updater) {
        this.updater = updater;
        this.features = (List<Feature<Object>>) (List<?>) updater.definition().features();
        this.fingerprint = updater.definition().fingerprint();
        this.extension = updater.extension();
    }

    public byte[] encode(Profile p) {
        BinaryOut out = new BinaryOut(sizeHint + sizeHint / 4);
        encode(p, out);
        sizeHint = Math.max(256, out.size());
        return out.toByteArray();
    }

    /**
     * The last encoded size, so the next buffer starts large enough: growing from a fixed start copied
     * each ~1 KB profile two or three times. Written without synchronisation on purpose: an int is never
     * torn, and a stale hint costs only a copy.
     */
    private int sizeHint = 512;

    public void encode(Profile p, BinaryOut out) {
        out.writeByte(VERSION);
        out.writeString(p.profileId());
        out.writeString(fingerprint);
        out.writeVarLong(p.version);
        out.writeSignedVarLong(p.clock);
        out.writeSignedVarLong(p.nextCheck);
        long[] bits = p.segments.toLongArray();
        out.writeVarInt(bits.length);
        for (long b : bits) {
            out.writeVarLong(b);
        }
        out.writeVarInt(p.traits.size());
        for (Map.Entry<String, TraitValue> e : p.traits.entrySet()) {
            out.writeString(e.getKey());
            writeValue(out, e.getValue().value());
            out.writeString(e.getValue().source());
            out.writeSignedVarLong(e.getValue().time());
        }
        for (int f = 0; f < features.size(); f++) {
            features.get(f).encode(p.states[f], out);
        }
        if (extension != null) {
            extension.encode(p.extension == null ? extension.empty() : p.extension, out);
        }
    }

    /**
     * Reads a profile.
     *
     * @throws PortraitException {@code definition_mismatch} when it was written under another
     *                           definition, {@code corrupt_state} when the bytes are damaged
     */
    public Profile decode(byte[] bytes) {
        BinaryIn in = new BinaryIn(bytes);
        in.expectVersion("profile", VERSION);
        String profileId = in.readString();
        String writtenUnder = in.readString();
        if (!fingerprint.equals(writtenUnder)) {
            throw new PortraitException("definition_mismatch", "profile " + profileId + " was written under definition "
                    + writtenUnder + ", not " + fingerprint + "; rebuild profiles from the event log", null);
        }
        long version = in.readVarLong();
        long clock = in.readSignedVarLong();
        long nextCheck = in.readSignedVarLong();
        int words = in.readLength();
        long[] bits = new long[words];
        for (int i = 0; i < words; i++) {
            bits[i] = in.readVarLong();
        }
        int traitCount = in.readLength();
        TreeMap<String, TraitValue> traits = new TreeMap<>();
        for (int i = 0; i < traitCount; i++) {
            String name = in.readString();
            Object value = readValue(in);
            String source = in.readString();
            long time = in.readSignedVarLong();
            traits.put(name, new TraitValue(value, source, time));
        }
        Object[] states = new Object[features.size()];
        for (int f = 0; f < states.length; f++) {
            states[f] = features.get(f).decode(in);
        }
        Object ext = extension == null ? null : extension.decode(in);
        if (in.hasMore()) {
            throw new PortraitException("corrupt_state", "profile " + profileId + " has trailing bytes at "
                    + in.position(), null);
        }
        return new Profile(profileId, states, traits, BitSet.valueOf(bits), version, clock, nextCheck, ext);
    }

    private static void writeValue(BinaryOut out, Object v) {
        if (v instanceof String s) {
            out.writeByte(TAG_STRING).writeString(s);
        } else if (v instanceof Long l) {
            out.writeByte(TAG_LONG).writeSignedVarLong(l);
        } else if (v instanceof Double d) {
            out.writeByte(TAG_DOUBLE).writeDouble(d);
        } else if (v instanceof Boolean b) {
            out.writeByte(b ? TAG_TRUE : TAG_FALSE);
        } else {
            try {
                out.writeByte(TAG_JSON).writeBytes(EventCodec.mapper().writeValueAsBytes(v));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("trait values are plain JSON", e);
            }
        }
    }

    private static Object readValue(BinaryIn in) {
        int tag = in.readByte();
        switch (tag) {
            case TAG_STRING: return in.readString();
            case TAG_LONG: return in.readSignedVarLong();
            case TAG_DOUBLE: return in.readDouble();
            case TAG_TRUE: return Boolean.TRUE;
            case TAG_FALSE: return Boolean.FALSE;
            case TAG_JSON:
                try {
                    return EventCodec.freeze(EventCodec.mapper().readValue(in.readBytes(), Object.class));
                } catch (IOException e) {
                    throw new PortraitException("corrupt_state", "unreadable trait value: " + e.getMessage(), null, e);
                }
            default:
                throw new PortraitException("corrupt_state", "unknown trait value tag " + tag, null);
        }
    }

    /** The updater this codec reads profiles for. */
    public ProfileUpdater updater() {
        return updater;
    }
}
