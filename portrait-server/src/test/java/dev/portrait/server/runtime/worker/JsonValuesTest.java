package dev.portrait.server.runtime.worker;

import dev.portrait.core.event.EventCodec;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class JsonValuesTest {
    private static Object value(Random r, int depth) {
        int kind = r.nextInt(depth > 2 ? 7 : 9);
        return switch (kind) {
            case 0 -> null;
            case 1 -> r.nextBoolean();
            case 2 -> r.nextLong() >> r.nextInt(64);
            case 3 -> r.nextInt(3) == 0 ? (double) r.nextInt(100) : r.nextGaussian() * Math.pow(10, r.nextInt(30) - 15);
            case 4 -> string(r);
            case 5 -> r.nextInt(10) == 0 ? Double.NaN : r.nextInt(1000);
            case 6 -> r.nextInt(8) == 0 ? java.math.BigDecimal.valueOf(r.nextLong(), r.nextInt(5)) : string(r);
            case 7 -> {
                Map<String, Object> m = new LinkedHashMap<>();
                for (int i = r.nextInt(4); i > 0; i--) {
                    m.put(string(r), value(r, depth + 1));
                }
                yield m;
            }
            default -> {
                List<Object> l = new ArrayList<>();
                for (int i = r.nextInt(4); i > 0; i--) {
                    l.add(value(r, depth + 1));
                }
                yield l;
            }
        };
    }

    private static String string(Random r) {
        StringBuilder s = new StringBuilder();
        String alphabet = "ab\"\\\n\t\r\b\f\u0001\u001f é中😀/<>&'";
        for (int i = r.nextInt(6); i > 0; i--) {
            s.appendCodePoint(alphabet.codePointAt(alphabet.offsetByCodePoints(0, r.nextInt(alphabet.codePointCount(0, alphabet.length())))));
        }
        return s.toString();
    }

    @Test
    void writesEveryValueTreeByteForByteAsJacksonDoes() throws Exception {
        long seed = new Random().nextLong();
        Random r = new Random(seed);
        for (int i = 0; i < 20_000; i++) {
            Object v = value(r, 0);
            assertThat(new String(JsonValues.bytes(v), java.nio.charset.StandardCharsets.UTF_8))
                    .as("seed %d, value %s", seed, v)
                    .isEqualTo(new String(EventCodec.mapper().writeValueAsBytes(v), java.nio.charset.StandardCharsets.UTF_8));
        }
    }
}
