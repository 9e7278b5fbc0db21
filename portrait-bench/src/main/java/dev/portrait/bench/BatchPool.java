package dev.portrait.bench;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.portrait.core.event.EventCodec;
import dev.portrait.synth.Flaw;
import dev.portrait.synth.SyntheticConfig;
import dev.portrait.synth.SyntheticEvent;
import dev.portrait.synth.SyntheticStream;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code /v1/batch} bodies made from a {@link SyntheticStream} before any clock starts, so that a
 * load test measures the server and not the generator.
 *
 * <h2>Laps without duplicates</h2>
 * A pool holds far fewer events than a ten-minute run sends, so bodies are sent again and again. Sent
 * verbatim, every lap after the first would be answered from the dedup index. So each event's
 * {@code messageId} carries a four-digit lap tag ({@value #TAG_MARK} followed by {@code 0000}), whose
 * byte offsets inside the body are noted once; {@link #stamp} writes the lap number into them, which
 * costs 400 byte stores per body of 100 events and no allocation. With {@code freshPeople} the same
 * tag is put on every identifier the default definition resolves ({@code userId}, {@code anonymousId},
 * {@code previousId}, the e-mail traits, {@code context.device.id}), so each lap brings new people
 * instead of new events of the same people: that is how a run reaches a million profiles from a pool
 * of a few hundred thousand people.
 *
 * <h2>Time</h2>
 * The stream's simulated clock runs at about 120 events per second, so a pool of {@code n} events spans
 * about {@code n / 120} seconds. The stream starts {@code n / 60} seconds before {@code now} (twice the
 * span) so that every event time lies in the past but well inside the default definition's
 * {@code maxPastAge} of a year; {@link #lastEventTime} lets the caller check it. Laps repeat these
 * times: later laps fold events that are older than what the profile has already seen, which the
 * feature states take in their stride (they are order-free or keyed by event time).
 *
 * <p>The stream's own flaws stay in (0.5% duplicates, 0.5% malformed events): a real SDK's traffic
 * has them, and the server's answer counts them separately.
 */
final class BatchPool {
    static final String TAG_MARK = "~L";
    private static final byte[] TAG_BYTES = (TAG_MARK + "0000").getBytes(StandardCharsets.US_ASCII);
    static final int MAX_LAPS = 10_000;

    /** The bodies, each {@code {"batch":[…]}} with up to {@code batchSize} events. */
    final byte[][] bodies;
    /** Per body, the offsets of every lap tag's first digit. */
    final int[][] tagOffsets;
    /** Per body, the {@code userId}s of its well-formed events (lap 0), for profile queries. */
    final String[][] userIds;
    final int events;
    final int malformed;
    final int duplicates;
    final int people;
    final Instant firstEventTime;
    final Instant lastEventTime;

    private BatchPool(byte[][] bodies, int[][] tagOffsets, String[][] userIds, int events, int malformed, int duplicates,
                      int people, Instant first, Instant last) {
        this.bodies = bodies;
        this.tagOffsets = tagOffsets;
        this.userIds = userIds;
        this.events = events;
        this.malformed = malformed;
        this.duplicates = duplicates;
        this.people = people;
        this.firstEventTime = first;
        this.lastEventTime = last;
    }

    /**
     * Generates {@code events} events over {@code users} persons (seeded) into bodies of
     * {@code batchSize}.
     *
     * @param now the wall clock, from which the stream's start is placed (see the class comment)
     */
    static BatchPool generate(long seed, int users, int events, int batchSize, boolean freshPeople, Instant now) {
        if (events < batchSize) {
            throw new IllegalArgumentException("a pool needs at least one full batch: events " + events
                    + " < batch size " + batchSize);
        }
        Instant start = now.minus(Duration.ofSeconds(Math.max(3600, events / 60L)));
        SyntheticStream stream = SyntheticStream.of(SyntheticConfig.defaults(seed).withUsers(users).withStart(start))
                .limit(events);
        int bodyCount = events / batchSize;
        byte[][] bodies = new byte[bodyCount][];
        int[][] offsets = new int[bodyCount][];
        String[][] users0 = new String[bodyCount][];
        Set<String> persons = new java.util.HashSet<>();
        int malformed = 0;
        int duplicates = 0;
        Instant first = null;
        Instant last = null;
        ByteArrayOutputStream out = new ByteArrayOutputStream(batchSize * 1024);
        for (int b = 0; b < bodyCount; b++) {
            out.reset();
            out.writeBytes("{\"batch\":[".getBytes(StandardCharsets.US_ASCII));
            Set<String> ids = new LinkedHashSet<>();
            int tags = 0;
            for (int i = 0; i < batchSize; i++) {
                SyntheticEvent e = stream.next();
                persons.add(e.personId());
                if (e.flaw() == Flaw.MALFORMED) {
                    malformed++;
                } else {
                    if (e.flaw() == Flaw.DUPLICATE) {
                        duplicates++;
                    }
                    if (e.json().get("userId") instanceof String u) {
                        ids.add(freshPeople ? u + TAG_MARK + "0000" : u);
                    }
                    if (e.json().get("timestamp") instanceof String t) {
                        try {
                            Instant time = Instant.parse(t);
                            first = first == null || time.isBefore(first) ? time : first;
                            last = last == null || time.isAfter(last) ? time : last;
                        } catch (RuntimeException ignored) {
                            // a well-formed event always has a readable timestamp; nothing to note otherwise
                        }
                    }
                }
                Map<String, Object> json = tagged(e.json(), freshPeople);
                tags += countTags(json);
                if (i > 0) {
                    out.write(',');
                }
                out.writeBytes(bytes(json));
            }
            out.writeBytes("]}".getBytes(StandardCharsets.US_ASCII));
            bodies[b] = out.toByteArray();
            offsets[b] = findTags(bodies[b], tags, b);
            users0[b] = ids.toArray(String[]::new);
        }
        return new BatchPool(bodies, offsets, users0, bodyCount * batchSize, malformed, duplicates, persons.size(),
                first, last);
    }

    /** Writes lap {@code lap} into every tag of body {@code b}. The caller owns the body while it does. */
    void stamp(int b, int lap) {
        if (lap < 0 || lap >= MAX_LAPS) {
            throw new IllegalArgumentException("lap " + lap + " does not fit the four-digit tag");
        }
        byte d0 = (byte) ('0' + lap / 1000);
        byte d1 = (byte) ('0' + lap / 100 % 10);
        byte d2 = (byte) ('0' + lap / 10 % 10);
        byte d3 = (byte) ('0' + lap % 10);
        byte[] body = bodies[b];
        for (int at : tagOffsets[b]) {
            body[at] = d0;
            body[at + 1] = d1;
            body[at + 2] = d2;
            body[at + 3] = d3;
        }
    }

    long totalBytes() {
        long n = 0;
        for (byte[] b : bodies) {
            n += b.length;
        }
        return n;
    }

    private static final String[] ID_FIELDS = {"userId", "anonymousId", "previousId"};

    /** A copy of the event with the lap tag on its messageId and, for fresh people, on its identifiers. */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> tagged(Map<String, Object> json, boolean freshPeople) {
        Map<String, Object> copy = new LinkedHashMap<>(json);
        if (copy.get("messageId") instanceof String m) {
            copy.put("messageId", m + TAG_MARK + "0000");
        }
        if (!freshPeople) {
            return copy;
        }
        for (String f : ID_FIELDS) {
            if (copy.get(f) instanceof String s) {
                copy.put(f, s + TAG_MARK + "0000");
            }
        }
        if (copy.get("traits") instanceof Map<?, ?> traits) {
            copy.put("traits", taggedEmail((Map<String, Object>) traits));
        }
        if (copy.get("context") instanceof Map<?, ?> context) {
            Map<String, Object> c = new LinkedHashMap<>((Map<String, Object>) context);
            if (c.get("traits") instanceof Map<?, ?> traits) {
                c.put("traits", taggedEmail((Map<String, Object>) traits));
            }
            if (c.get("device") instanceof Map<?, ?> device && device.get("id") instanceof String id) {
                Map<String, Object> d = new LinkedHashMap<>((Map<String, Object>) device);
                d.put("id", id + TAG_MARK + "0000");
                c.put("device", d);
            }
            copy.put("context", c);
        }
        return copy;
    }

    private static Map<String, Object> taggedEmail(Map<String, Object> traits) {
        if (!(traits.get("email") instanceof String email)) {
            return traits;
        }
        Map<String, Object> t = new LinkedHashMap<>(traits);
        int at = email.indexOf('@');
        t.put("email", at < 0 ? email + TAG_MARK + "0000" : email.substring(0, at) + TAG_MARK + "0000" + email.substring(at));
        return t;
    }

    private static int countTags(Object value) {
        if (value instanceof String s) {
            return s.contains(TAG_MARK + "0000") ? 1 : 0;
        }
        int n = 0;
        if (value instanceof Map<?, ?> m) {
            for (Object v : m.values()) {
                n += countTags(v);
            }
        } else if (value instanceof List<?> l) {
            for (Object v : l) {
                n += countTags(v);
            }
        }
        return n;
    }

    private static int[] findTags(byte[] body, int expected, int b) {
        List<Integer> found = new ArrayList<>();
        outer:
        for (int i = 0; i + TAG_BYTES.length <= body.length; i++) {
            for (int j = 0; j < TAG_BYTES.length; j++) {
                if (body[i + j] != TAG_BYTES[j]) {
                    continue outer;
                }
            }
            found.add(i + TAG_MARK.length());
            i += TAG_BYTES.length - 1;
        }
        // the synthetic text never holds the mark, so every match is a tag this class put there
        if (found.size() != expected) {
            throw new IllegalStateException("body " + b + " has " + found.size() + " lap tags, expected " + expected);
        }
        return found.stream().mapToInt(Integer::intValue).toArray();
    }

    private static byte[] bytes(Map<String, Object> json) {
        try {
            return EventCodec.mapper().writeValueAsBytes(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("synthetic events hold plain JSON values", e);
        }
    }
}
