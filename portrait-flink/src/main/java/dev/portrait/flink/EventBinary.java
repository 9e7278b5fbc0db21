package dev.portrait.flink;

import dev.portrait.core.encoding.BinaryIn;
import dev.portrait.core.encoding.BinaryOut;
import dev.portrait.core.event.Event;
import dev.portrait.core.event.EventCodec;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A cleaned event in a binary form, as it travels between the job's operators. The job parses an
 * event's JSON once, in the cleaner; the dedup, identity and profile operators read this form, which
 * costs a fraction of a JSON parse (no text scanning, no number parsing, strings read by length).
 *
 * <p>The form is the core's JSON map of the event ({@link EventCodec#toMap}) written as tagged values
 * with the core's {@link BinaryOut} primitives, and read back through {@link EventCodec#fromCleanMap},
 * so an event decoded here is the event the embedded runtime decodes from its log: same fields, same
 * value types (every integral number a {@code Long}, every other a {@code Double}), same map order.
 * Internal to the job: it never leaves Flink's state and network buffers, so its version byte only
 * guards savepoints.
 */
final class EventBinary {
    private static final int VERSION = 1;

    private static final int NULL = 0;
    private static final int FALSE = 1;
    private static final int TRUE = 2;
    private static final int LONG = 3;
    private static final int DOUBLE = 4;
    private static final int STRING = 5;
    private static final int LIST = 6;
    private static final int MAP = 7;

    private EventBinary() {
    }

    static byte[] encode(Event e) {
        BinaryOut out = new BinaryOut(256);
        out.writeByte(VERSION);
        writeMap(out, EventCodec.toMap(e));
        return out.toByteArray();
    }

    static Event decode(byte[] bytes) {
        BinaryIn in = new BinaryIn(bytes);
        in.expectVersion("event", VERSION);
        if (in.readByte() != MAP) {
            throw new IllegalStateException("binary event does not start with a map");
        }
        return EventCodec.fromCleanMap(readMap(in));
    }

    private static void writeMap(BinaryOut out, Map<?, ?> m) {
        out.writeByte(MAP);
        out.writeVarInt(m.size());
        for (Map.Entry<?, ?> x : m.entrySet()) {
            out.writeString((String) x.getKey());
            write(out, x.getValue());
        }
    }

    private static void write(BinaryOut out, Object v) {
        if (v == null) {
            out.writeByte(NULL);
        } else if (v instanceof Boolean b) {
            out.writeByte(b ? TRUE : FALSE);
        } else if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte) {
            out.writeByte(LONG);
            out.writeSignedVarLong(((Number) v).longValue());
        } else if (v instanceof Number n) {
            out.writeByte(DOUBLE);
            out.writeDouble(n.doubleValue());
        } else if (v instanceof String s) {
            out.writeByte(STRING);
            out.writeString(s);
        } else if (v instanceof Map<?, ?> m) {
            writeMap(out, m);
        } else if (v instanceof List<?> list) {
            out.writeByte(LIST);
            out.writeVarInt(list.size());
            for (Object o : list) {
                write(out, o);
            }
        } else {
            // Event's values are plain JSON by contract; anything else would be a bug upstream.
            throw new IllegalArgumentException("not a JSON value: " + v.getClass().getName());
        }
    }

    private static Map<String, Object> readMap(BinaryIn in) {
        int n = in.readVarInt();
        Map<String, Object> m = new LinkedHashMap<>(n * 2);
        for (int i = 0; i < n; i++) {
            String k = in.readString();
            m.put(k, read(in));
        }
        return m;
    }

    private static Object read(BinaryIn in) {
        int tag = in.readByte();
        switch (tag) {
            case NULL:
                return null;
            case FALSE:
                return Boolean.FALSE;
            case TRUE:
                return Boolean.TRUE;
            case LONG:
                return in.readSignedVarLong();
            case DOUBLE:
                return in.readDouble();
            case STRING:
                return in.readString();
            case MAP:
                return readMap(in);
            case LIST: {
                int n = in.readVarInt();
                List<Object> list = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    list.add(read(in));
                }
                return list;
            }
            default:
                throw new IllegalStateException("unknown value tag " + tag + " in a binary event");
        }
    }
}
