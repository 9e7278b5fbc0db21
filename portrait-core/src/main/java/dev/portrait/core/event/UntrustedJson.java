package dev.portrait.core.event;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads JSON that arrived from outside (request bodies, file lines) into plain Java values: objects as
 * {@code LinkedHashMap}, arrays as {@code ArrayList}, strings, {@code Boolean}, {@code null}, and
 * numbers as {@code Long} for integers, {@code Double} for the rest.
 *
 * <h2>Why not Jackson's own binding</h2>
 * A JSON value can be perfectly well formed and still be no value Java holds: an integer beyond a
 * long, a number of thousands of digits. Jackson's binding fails the whole document on those
 * ({@code USE_LONG_FOR_INTS} throws on 2^63, {@code StreamReadConstraints.maxNumberLength} throws past
 * 1,000 characters), and one document here is a batch of up to 2,500 events, so one bad number in one
 * event used to cost the client all the others. This reader never fails on a number: an integer
 * beyond a long becomes a {@code BigInteger}, a number longer than {@link #MAX_NUMBER_CHARS}
 * characters becomes an {@link OverlongNumber} (its text, not parsed), and the cleaner rejects either
 * as {@code invalid_number} naming its path. So the verdict stays with the one event that carries the
 * number. Large magnitudes in short text ({@code 1e400}) are read as an infinity, which the cleaner
 * rejects the same way.
 *
 * <h2>What still fails the document</h2>
 * Text that is not JSON, and nesting deeper than {@link EventCodec#MAX_PARSE_DEPTH}: past that the
 * parser cannot tell where the item ends, and a depth limit is what keeps the recursion here on the
 * stack. The parser's other length limits (of names, strings and numbers) are lifted, because the
 * bytes were already bounded by the request or line limit before parsing began, and a key or string
 * too long for the definition is the cleaner's to reject, item by item ({@code string_too_long}).
 *
 * <p>Hand-written rather than a custom deserializer because it is the whole job (a switch over six
 * tokens) and it skips databind's per-value lookups on the hottest path of ingest.
 */
public final class UntrustedJson {
    /**
     * Characters a number may be written with and still be read as a value: Jackson's default
     * {@code maxNumberLength}. No measurement has more digits; a double holds 17 significant ones.
     */
    public static final int MAX_NUMBER_CHARS = 1000;

    private static final JsonFactory FACTORY = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNestingDepth(EventCodec.MAX_PARSE_DEPTH)
                    .maxNumberLength(Integer.MAX_VALUE)
                    .maxNameLength(Integer.MAX_VALUE)
                    .maxStringLength(Integer.MAX_VALUE)
                    .build())
            // keys come from strangers: canonicalise them per parser, never into the JVM's string pool
            .disable(JsonFactory.Feature.INTERN_FIELD_NAMES)
            .build();

    private UntrustedJson() {
    }

    /** A parser over {@code json} with the limits described above. */
    public static JsonParser parser(byte[] json) throws IOException {
        return FACTORY.createParser(json);
    }

    /**
     * The value that starts at the parser's current token; the parser is left on the value's last
     * token (its {@code END_OBJECT} or {@code END_ARRAY} for a container).
     *
     * @throws IOException what the parser throws for text that is not JSON or nests too deep
     */
    public static Object value(JsonParser p) throws IOException {
        JsonToken t = p.currentToken();
        if (t == null) {
            throw new IllegalStateException("the parser stands on no token");
        }
        return switch (t) {
            case START_OBJECT -> objectBody(p);
            case START_ARRAY -> {
                List<Object> list = new ArrayList<>();
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    list.add(value(p));
                }
                yield list;
            }
            case VALUE_STRING -> p.getText();
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> number(p);
            case VALUE_TRUE -> Boolean.TRUE;
            case VALUE_FALSE -> Boolean.FALSE;
            case VALUE_NULL -> null;
            default -> throw new IllegalStateException("a value cannot start with " + t);
        };
    }

    /** The object that starts at the parser's current token, which must be {@code START_OBJECT}. */
    public static Map<String, Object> object(JsonParser p) throws IOException {
        if (p.currentToken() != JsonToken.START_OBJECT) {
            throw new IllegalStateException("expected the start of an object, the parser stands on " + p.currentToken());
        }
        return objectBody(p);
    }

    /** The kind of value a token starts, for "expected …, got …" messages. */
    public static String describe(JsonToken t) {
        if (t == null) {
            return "the end of the input";
        }
        return switch (t) {
            case START_ARRAY -> "an array";
            case START_OBJECT -> "an object";
            case VALUE_STRING -> "a string";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
            case VALUE_TRUE, VALUE_FALSE -> "a boolean";
            case VALUE_NULL -> "null";
            default -> t.toString();
        };
    }

    private static LinkedHashMap<String, Object> objectBody(JsonParser p) throws IOException {
        LinkedHashMap<String, Object> map = new LinkedHashMap<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String key = p.currentName();
            p.nextToken();
            // a repeated key keeps its last value, as Jackson's binding does
            map.put(key, value(p));
        }
        return map;
    }

    private static Object number(JsonParser p) throws IOException {
        // the length is known before anything is converted, so an overlong number costs its bytes only
        if (p.getTextLength() > MAX_NUMBER_CHARS) {
            return new OverlongNumber(p.getText());
        }
        if (p.currentToken() == JsonToken.VALUE_NUMBER_FLOAT) {
            return p.getDoubleValue();
        }
        if (p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
            return p.getBigIntegerValue();
        }
        return p.getLongValue();
    }
}
