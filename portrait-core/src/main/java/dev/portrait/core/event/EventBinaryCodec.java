package dev.portrait.core.event;

import dev.portrait.core.PortraitException;
import dev.portrait.core.encoding.BinaryIn;
import dev.portrait.core.encoding.BinaryOut;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A cleaned {@link Event} in a compact binary form, for the event log (not Segment's JSON: that is
 * {@link EventCodec}, the form events arrive and leave in).
 *
 * <h2>Why it is in core</h2>
 * It is a pure function of the event model (no I/O, no compression, no keys), it must change in step
 * with {@link Event}, and more than one runtime may want it (the store's log today; a Kafka topic of
 * cleaned events could use it tomorrow). Compression and sealing are the store's business and stay there.
 *
 * <h2>The form</h2>
 * <pre>
 *   version[1]=1  type(string)  messageId(string)  presence(varint: which optional fields follow)
 *   userId anonymousId event name groupId previousId      strings, when present
 *   timestamp(instant)  originalTimestamp sentAt receivedAt (instants, as offsets from timestamp)
 *   properties traits context extra                        maps, when not empty
 * </pre>
 * Every string (keys and values) goes through one table: a varint {@code h}, where {@code 0} is
 * null, an odd {@code h} refers to entry {@code h >> 1} of the table, and an even one is a new string
 * of {@code (h >> 1) - 1} UTF-8 bytes that follows and joins the table. The table starts with a fixed
 * dictionary of Segment's common keys and names (its order is part of the format: append only, and
 * only with a new version), so {@code "context"} or {@code "Product Viewed"} costs one byte, and a
 * string repeated inside one event is written once. Values are typed: null, booleans, longs (zig-zag
 * varints), doubles (eight bytes, or a varint when the double is an exact whole number or an exact
 * number of hundredths, as prices are — chosen only when decoding gives back the identical double),
 * strings, lists, maps, {@link BigInteger} and {@link BigDecimal} (as their exact text).
 *
 * <p>Round trips are exact: {@code decode(encode(e)).equals(e)} for every event whose map values are
 * of those types, and map order is kept. An {@code Integer} (a Java caller's map) reads back as a
 * {@code Long}, as it would through JSON.
 */
public final class EventBinaryCodec {
    /** The format's version byte; a reader refuses others. */
    public static final int VERSION = 1;

    private static final int NULL = 0;
    private static final int FALSE = 1;
    private static final int TRUE = 2;
    private static final int LONG = 3;
    private static final int DOUBLE = 4;
    private static final int STRING = 5;
    private static final int LIST = 6;
    private static final int MAP = 7;
    private static final int BIG_INTEGER = 8;
    private static final int BIG_DECIMAL = 9;
    private static final int WHOLE_DOUBLE = 10;
    private static final int HUNDREDTHS_DOUBLE = 11;

    private static final int USER_ID = 1;
    private static final int ANONYMOUS_ID = 1 << 1;
    private static final int EVENT = 1 << 2;
    private static final int NAME = 1 << 3;
    private static final int GROUP_ID = 1 << 4;
    private static final int PREVIOUS_ID = 1 << 5;
    private static final int ORIGINAL_TIMESTAMP = 1 << 6;
    private static final int SENT_AT = 1 << 7;
    private static final int RECEIVED_AT = 1 << 8;
    private static final int PROPERTIES = 1 << 9;
    private static final int TRAITS = 1 << 10;
    private static final int CONTEXT = 1 << 11;
    private static final int EXTRA = 1 << 12;

    /** Part of the format: append only, and only with a new {@link #VERSION}. */
    private static final List<String> DICTIONARY = List.of(
            "track", "identify", "page", "screen", "group", "alias",
            "library", "name", "version", "ip", "userAgent", "path", "url", "referrer", "title", "search",
            "locale", "timezone", "os", "device", "app", "campaign", "integrations", "properties", "traits",
            "context", "product_id", "sku", "category", "price", "quantity", "currency", "revenue", "total",
            "order_id", "products", "value", "email", "plan", "source", "medium", "content", "term", "width",
            "height", "density", "type", "id", "model", "manufacturer", "build", "namespace", "network",
            "wifi", "carrier", "bluetooth", "cellular", "userAgentData", "brands", "mobile", "platform",
            "analytics.js", "analytics-next", "cart_id", "wishlist_id", "wishlist_name", "query", "brand",
            "variant", "coupon", "discount", "shipping", "tax", "position", "list_id", "step", "rating",
            "review_id", "personId", "iOS", "Android", "Apple", "Google", "samsung", "USD", "EUR",
            "Product Viewed", "Product Added", "Product Removed", "Product Reviewed", "Products Searched",
            "Product List Viewed", "Cart Viewed", "Checkout Started", "Order Completed", "Signed Up",
            "Signed In", "Page Viewed", "firstName", "lastName", "phone", "address", "city", "country",
            "age", "gender", "company", "createdAt", "active", "groupId", "userId", "anonymousId",
            "messageId", "timestamp", "sentAt", "receivedAt", "originalTimestamp", "event");
    private static final Map<String, Integer> DICTIONARY_INDEX = new HashMap<>();

    static {
        for (int i = 0; i < DICTIONARY.size(); i++) {
            if (DICTIONARY_INDEX.put(DICTIONARY.get(i), i) != null) {
                throw new ExceptionInInitializerError("the dictionary repeats " + DICTIONARY.get(i));
            }
        }
    }

    private EventBinaryCodec() {
    }

    /** The event's binary form. */
    public static byte[] encode(Event e) {
        BinaryOut out = new BinaryOut(256);
        new Writer(out).event(e);
        return out.toByteArray();
    }

    /**
     * Reads an event this codec wrote.
     *
     * @throws PortraitException {@code corrupt_event} when the bytes are not one
     */
    public static Event decode(byte[] bytes) {
        return decode(bytes, 0, bytes.length);
    }

    /** Reads an event this codec wrote from {@code bytes[offset, offset + length)}. */
    public static Event decode(byte[] bytes, int offset, int length) {
        try {
            BinaryIn in = new BinaryIn(bytes, offset, length);
            Event e = new Reader(in).event();
            if (in.hasMore()) {
                throw new IllegalArgumentException((offset + length - in.position()) + " bytes after the event");
            }
            return e;
        } catch (PortraitException | IllegalArgumentException | NullPointerException | ClassCastException
                 | IndexOutOfBoundsException | ArithmeticException | java.time.DateTimeException e) {
            throw new PortraitException("corrupt_event", "stored event is not a valid binary event: "
                    + e.getMessage(), "$", e);
        }
    }

    private static final class Writer {
        private final BinaryOut out;
        private final Map<String, Integer> table = new HashMap<>();

        Writer(BinaryOut out) {
            this.out = out;
        }

        void event(Event e) {
            out.writeByte(VERSION);
            string(e.type().wireName());
            string(e.messageId());
            int presence = (e.userId() != null ? USER_ID : 0) | (e.anonymousId() != null ? ANONYMOUS_ID : 0)
                    | (e.event() != null ? EVENT : 0) | (e.name() != null ? NAME : 0)
                    | (e.groupId() != null ? GROUP_ID : 0) | (e.previousId() != null ? PREVIOUS_ID : 0)
                    | (e.originalTimestamp() != null ? ORIGINAL_TIMESTAMP : 0) | (e.sentAt() != null ? SENT_AT : 0)
                    | (e.receivedAt() != null ? RECEIVED_AT : 0) | (!e.properties().isEmpty() ? PROPERTIES : 0)
                    | (!e.traits().isEmpty() ? TRAITS : 0) | (!e.context().isEmpty() ? CONTEXT : 0)
                    | (!e.extra().isEmpty() ? EXTRA : 0);
            out.writeVarInt(presence);
            optional(e.userId());
            optional(e.anonymousId());
            optional(e.event());
            optional(e.name());
            optional(e.groupId());
            optional(e.previousId());
            instant(e.timestamp(), null);
            optionalInstant(e.originalTimestamp(), e.timestamp());
            optionalInstant(e.sentAt(), e.timestamp());
            optionalInstant(e.receivedAt(), e.timestamp());
            optionalMap(e.properties());
            optionalMap(e.traits());
            optionalMap(e.context());
            optionalMap(e.extra());
        }

        private void optional(String s) {
            if (s != null) {
                string(s);
            }
        }

        private void optionalMap(Map<String, Object> m) {
            if (!m.isEmpty()) {
                map(m);
            }
        }

        private void optionalInstant(Instant i, Instant base) {
            if (i != null) {
                instant(i, base);
            }
        }

        /**
         * Whole milliseconds (nearly every time) as a zig-zag offset from {@code base} in ms, shifted
         * left once; otherwise a set low bit, then seconds and nanoseconds in full.
         */
        private void instant(Instant i, Instant base) {
            int nanos = i.getNano();
            long seconds = i.getEpochSecond();
            if (nanos % 1_000_000 == 0 && Math.abs(seconds) < (1L << 40)
                    && (base == null || Math.abs(base.getEpochSecond()) < (1L << 40))) {
                long ms = i.toEpochMilli() - (base == null ? 0 : base.toEpochMilli());
                out.writeVarLong(zigzag(ms) << 1);
            } else {
                out.writeVarLong(1);
                out.writeSignedVarLong(seconds);
                out.writeVarInt(nanos);
            }
        }

        private void string(String s) {
            Integer at = DICTIONARY_INDEX.get(s);
            if (at == null) {
                at = table.get(s);
            }
            if (at != null) {
                out.writeVarLong(((long) at << 1) | 1);
                return;
            }
            table.put(s, DICTIONARY.size() + table.size());
            byte[] utf8 = s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            out.writeVarLong((long) (utf8.length + 1) << 1);
            out.writeRaw(utf8, 0, utf8.length);
        }

        private void map(Map<?, ?> m) {
            out.writeVarInt(m.size());
            for (Map.Entry<?, ?> x : m.entrySet()) {
                if (!(x.getKey() instanceof String key)) {
                    throw new IllegalArgumentException("a map key is not a string: " + x.getKey());
                }
                string(key);
                value(x.getValue());
            }
        }

        private void value(Object v) {
            if (v == null) {
                out.writeByte(NULL);
            } else if (v instanceof String s) {
                out.writeByte(STRING);
                string(s);
            } else if (v instanceof Boolean b) {
                out.writeByte(b ? TRUE : FALSE);
            } else if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte) {
                out.writeByte(LONG);
                out.writeSignedVarLong(((Number) v).longValue());
            } else if (v instanceof Double d) {
                doubleValue(d);
            } else if (v instanceof Map<?, ?> m) {
                out.writeByte(MAP);
                map(m);
            } else if (v instanceof List<?> list) {
                out.writeByte(LIST);
                out.writeVarInt(list.size());
                for (Object item : list) {
                    value(item);
                }
            } else if (v instanceof BigInteger b) {
                out.writeByte(BIG_INTEGER);
                string(b.toString());
            } else if (v instanceof BigDecimal b) {
                out.writeByte(BIG_DECIMAL);
                string(b.toString());
            } else {
                throw new IllegalArgumentException("a cleaned event holds no " + v.getClass().getSimpleName()
                        + " value: " + v);
            }
        }

        private void doubleValue(double d) {
            // Only when decoding gives back the identical double (bits and all: -0.0 stays eight bytes).
            if (Math.abs(d) < 1e15 && Double.doubleToRawLongBits(d) != Double.doubleToRawLongBits(-0.0)) {
                long whole = (long) d;
                if ((double) whole == d) {
                    out.writeByte(WHOLE_DOUBLE);
                    out.writeSignedVarLong(whole);
                    return;
                }
                long hundredths = Math.round(d * 100);
                if (hundredths / 100.0 == d) {
                    out.writeByte(HUNDREDTHS_DOUBLE);
                    out.writeSignedVarLong(hundredths);
                    return;
                }
            }
            out.writeByte(DOUBLE);
            out.writeDouble(d);
        }
    }

    private static long zigzag(long v) {
        return (v << 1) ^ (v >> 63);
    }

    private static long unzigzag(long v) {
        return (v >>> 1) ^ -(v & 1);
    }

    private static final class Reader {
        private final BinaryIn in;
        private final List<String> table = new ArrayList<>();

        Reader(BinaryIn in) {
            this.in = in;
        }

        Event event() {
            in.expectVersion("binary event", VERSION);
            EventType type = EventType.fromWire(string());
            if (type == null) {
                throw new IllegalArgumentException("unknown event type");
            }
            String messageId = string();
            int p = in.readVarInt();
            String userId = (p & USER_ID) != 0 ? string() : null;
            String anonymousId = (p & ANONYMOUS_ID) != 0 ? string() : null;
            String event = (p & EVENT) != 0 ? string() : null;
            String name = (p & NAME) != 0 ? string() : null;
            String groupId = (p & GROUP_ID) != 0 ? string() : null;
            String previousId = (p & PREVIOUS_ID) != 0 ? string() : null;
            Instant timestamp = instant(null);
            Instant originalTimestamp = (p & ORIGINAL_TIMESTAMP) != 0 ? instant(timestamp) : null;
            Instant sentAt = (p & SENT_AT) != 0 ? instant(timestamp) : null;
            Instant receivedAt = (p & RECEIVED_AT) != 0 ? instant(timestamp) : null;
            Map<String, Object> properties = (p & PROPERTIES) != 0 ? map() : Map.of();
            Map<String, Object> traits = (p & TRAITS) != 0 ? map() : Map.of();
            Map<String, Object> context = (p & CONTEXT) != 0 ? map() : Map.of();
            Map<String, Object> extra = (p & EXTRA) != 0 ? map() : Map.of();
            return new Event(type, messageId, userId, anonymousId, event, name, groupId, previousId, properties,
                    traits, context, timestamp, originalTimestamp, sentAt, receivedAt, extra);
        }

        private Instant instant(Instant base) {
            long h = in.readVarLong();
            if ((h & 1) == 0) {
                long ms = unzigzag(h >>> 1);
                return Instant.ofEpochMilli(Math.addExact(ms, base == null ? 0 : base.toEpochMilli()));
            }
            long seconds = in.readSignedVarLong();
            return Instant.ofEpochSecond(seconds, in.readVarInt());
        }

        private String string() {
            long h = in.readVarLong();
            if (h == 0) {
                throw new IllegalArgumentException("a null where a string must be");
            }
            if ((h & 1) == 1) {
                long at = h >>> 1;
                if (at < DICTIONARY.size()) {
                    return DICTIONARY.get((int) at);
                }
                if (at - DICTIONARY.size() >= table.size()) {
                    throw new IllegalArgumentException("string reference " + at + " before its string");
                }
                return table.get((int) (at - DICTIONARY.size()));
            }
            long length = (h >>> 1) - 1;
            if (length < 0 || length > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("string length " + length);
            }
            byte[] utf8 = in.readRaw((int) length);
            String s = new String(utf8, java.nio.charset.StandardCharsets.UTF_8);
            table.add(s);
            return s;
        }

        private Map<String, Object> map() {
            int n = in.readLength();
            Map<String, Object> m = new LinkedHashMap<>(Math.max(4, n * 2));
            for (int i = 0; i < n; i++) {
                String key = string();
                m.put(key, value());
            }
            return Collections.unmodifiableMap(m);
        }

        private Object value() {
            int tag = in.readByte();
            switch (tag) {
                case NULL: return null;
                case FALSE: return Boolean.FALSE;
                case TRUE: return Boolean.TRUE;
                case LONG: return in.readSignedVarLong();
                case DOUBLE: return in.readDouble();
                case WHOLE_DOUBLE: return (double) in.readSignedVarLong();
                case HUNDREDTHS_DOUBLE: return in.readSignedVarLong() / 100.0;
                case STRING: return string();
                case MAP: return map();
                case LIST: {
                    int n = in.readLength();
                    Object[] items = new Object[n];
                    for (int i = 0; i < n; i++) {
                        items[i] = value();
                    }
                    return Collections.unmodifiableList(java.util.Arrays.asList(items));
                }
                case BIG_INTEGER: return new BigInteger(string());
                case BIG_DECIMAL: return new BigDecimal(string());
                default: throw new IllegalArgumentException("unknown value tag " + tag);
            }
        }
    }
}
