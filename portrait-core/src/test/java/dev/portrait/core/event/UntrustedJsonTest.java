package dev.portrait.core.event;

import dev.portrait.core.PortraitException;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class UntrustedJsonTest {
    private static Map<String, Object> parse(String json) {
        return EventCodec.parseRaw(json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void ordinaryJsonReadsExactlyAsJacksonsBindingReadsIt() throws IOException {
        for (long seed = 1; seed <= 300; seed++) {
            SplittableRandom random = new SplittableRandom(seed);
            String json = object(random, 0);
            Object bound = EventCodec.mapper().readValue(json, Object.class);
            assertThat(parse(json)).as("seed %d: %s", seed, json).isEqualTo(bound);
        }
    }

    @Test
    void anIntegerBeyondALongIsABigIntegerInsteadOfAFailedParse() {
        Map<String, Object> m = parse("{\"over\":9223372036854775808,\"max\":9223372036854775807,"
                + "\"min\":-9223372036854775808,\"under\":-9223372036854775809}");
        assertThat(m.get("over")).isEqualTo(BigInteger.TWO.pow(63));
        assertThat(m.get("max")).isEqualTo(Long.MAX_VALUE);
        assertThat(m.get("min")).isEqualTo(Long.MIN_VALUE);
        assertThat(m.get("under")).isEqualTo(BigInteger.TWO.pow(63).negate().subtract(BigInteger.ONE));
    }

    @Test
    void aNumberWrittenWithMoreThanAThousandCharactersIsKeptAsItsTextNotRead() {
        String thousand = "9".repeat(1000);
        String longer = "9".repeat(1001);
        String fraction = "0." + "1".repeat(1000);
        Map<String, Object> m = parse("{\"a\":" + thousand + ",\"b\":" + longer + ",\"c\":[" + fraction + "]}");
        assertThat(m.get("a")).isEqualTo(new BigInteger(thousand));
        assertThat(m.get("b")).isInstanceOfSatisfying(OverlongNumber.class, n -> {
            assertThat(n.length()).isEqualTo(1001);
            assertThat(n.toString()).isEqualTo(longer);
            assertThat(n.doubleValue()).isNaN();
        });
        assertThat((List<?>) m.get("c")).singleElement().isEqualTo(new OverlongNumber(fraction));
    }

    @Test
    void anOverlongNumberIsWrittenBackAsTheDigitsThatArrived() throws IOException {
        String digits = "-" + "7".repeat(5000) + "e12";
        Map<String, Object> m = parse("{\"n\":" + digits + "}");
        String written = EventCodec.mapper().writeValueAsString(m);
        assertThat(written).isEqualTo("{\"n\":" + digits + "}");
        assertThat(parse(written)).isEqualTo(m);
    }

    @Test
    void aHugeExponentInShortTextIsReadAsAnInfinityForTheCleanerToReject() {
        assertThat(parse("{\"x\":1e400}").get("x")).isEqualTo(Double.POSITIVE_INFINITY);
    }

    @Test
    void aKeyOfAMegabyteIsReadForTheCleanerToJudge() {
        String key = "k".repeat(1 << 20);
        assertThat(parse("{\"" + key + "\":1}")).containsEntry(key, 1L);
    }

    @Test
    void contentAfterTheObjectIsMalformedRatherThanSilentlyDropped() {
        assertThatThrownBy(() -> parse("{\"a\":1} {\"b\":2}"))
                .isInstanceOfSatisfying(PortraitException.class, e -> {
                    assertThat(e.code()).isEqualTo("malformed_json");
                    assertThat(e.getMessage()).contains("after the JSON object");
                });
        assertThat(parse(" {\"a\":1} \n")).containsEntry("a", 1L);
    }

    @Test
    void somethingOtherThanAnObjectIsMalformedNamingWhatItWas() {
        assertThatThrownBy(() -> parse("[1,2]")).isInstanceOfSatisfying(PortraitException.class,
                e -> assertThat(e.getMessage()).contains("got an array"));
        assertThatThrownBy(() -> parse("")).isInstanceOfSatisfying(PortraitException.class,
                e -> assertThat(e.code()).isEqualTo("malformed_json"));
    }

    @Test
    void nestingPastTheParsersGuardStillFailsTheWholeDocument() {
        String deep = "{\"a\":".repeat(EventCodec.MAX_PARSE_DEPTH + 1) + "1" + "}".repeat(EventCodec.MAX_PARSE_DEPTH + 1);
        assertThatThrownBy(() -> parse(deep)).isInstanceOfSatisfying(PortraitException.class,
                e -> assertThat(e.code()).isEqualTo("nesting_too_deep"));
        String deepest = "{\"a\":".repeat(EventCodec.MAX_PARSE_DEPTH) + "1" + "}".repeat(EventCodec.MAX_PARSE_DEPTH);
        assertThat(parse(deepest)).containsKey("a");
    }

    // ---- a seeded generator of ordinary JSON ----

    private static String object(SplittableRandom r, int depth) {
        StringBuilder b = new StringBuilder("{");
        int n = r.nextInt(depth == 0 ? 1 : 0, 6);
        for (int i = 0; i < n; i++) {
            b.append(i == 0 ? "" : ",").append(string(r)).append(':').append(value(r, depth + 1));
        }
        return b.append('}').toString();
    }

    private static String value(SplittableRandom r, int depth) {
        int kind = r.nextInt(depth > 4 ? 6 : 8);
        return switch (kind) {
            case 0 -> string(r);
            case 1 -> Long.toString(r.nextLong());
            case 2 -> Integer.toString(r.nextInt(-1000, 1000));
            case 3 -> Double.toString(r.nextDouble(-1e6, 1e6));
            case 4 -> r.nextBoolean() ? "true" : "false";
            case 5 -> "null";
            case 6 -> object(r, depth);
            default -> {
                StringBuilder b = new StringBuilder("[");
                int n = r.nextInt(0, 5);
                for (int i = 0; i < n; i++) {
                    b.append(i == 0 ? "" : ",").append(value(r, depth + 1));
                }
                yield b.append(']').toString();
            }
        };
    }

    private static String string(SplittableRandom r) {
        String alphabet = "abcXYZ019 _-é€\\\"\n\t😀";
        StringBuilder b = new StringBuilder("\"");
        int n = r.nextInt(0, 12);
        for (int i = 0; i < n; ) {
            int cp = alphabet.codePointAt(alphabet.offsetByCodePoints(0, r.nextInt(alphabet.codePointCount(0,
                    alphabet.length()))));
            switch (cp) {
                case '\\' -> b.append("\\\\");
                case '"' -> b.append("\\\"");
                case '\n' -> b.append("\\n");
                case '\t' -> b.append("\\t");
                default -> b.appendCodePoint(cp);
            }
            i++;
        }
        return b.append('"').toString();
    }
}
