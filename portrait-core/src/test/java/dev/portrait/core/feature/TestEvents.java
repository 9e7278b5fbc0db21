package dev.portrait.core.feature;

import dev.portrait.core.event.Event;
import dev.portrait.core.event.EventType;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;

/** Events for feature tests: hand-made ones and random shop traffic. */
final class TestEvents {
    /** 2023-11-14T22:13:20Z: an ordinary recent moment, not aligned to any tile. */
    static final long T0 = 1_700_000_000_000L;
    static final long MINUTE = 60_000L;
    static final long HOUR = 60 * MINUTE;
    static final long DAY = 24 * HOUR;
    static final String[] NAMES = {"Product Viewed", "Product Added", "Order Completed"};

    private static final AtomicLong IDS = new AtomicLong();

    private TestEvents() {
    }

    static Event track(String name, long time, Map<String, Object> properties) {
        return new Event(EventType.TRACK, "m" + IDS.incrementAndGet(), "u1", null, name, null, null, null,
                properties, Map.of(), Map.of(), Instant.ofEpochMilli(time), null, null, null, Map.of());
    }

    static Event viewed(long time, Map<String, Object> properties) {
        return track("Product Viewed", time, properties);
    }

    static Event identify(long time) {
        return new Event(EventType.IDENTIFY, "m" + IDS.incrementAndGet(), "u1", null, null, null, null, null,
                Map.of(), Map.of("plan", "pro"), Map.of(), Instant.ofEpochMilli(time), null, null, null, Map.of());
    }

    /** A shape of random traffic; each contract picks one. */
    interface Traffic {
        List<Event> events(SplittableRandom random, int n);
    }

    /**
     * Shop traffic spread uniformly over {@code span} ms: mostly views, some adds and orders; prices as
     * doubles, longs, junk strings or absent; categories as strings, lists or absent.
     */
    static Traffic shop(long span, int categories, int products) {
        return (random, n) -> {
            List<Event> out = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                out.add(shopEvent(random, coarse(random, T0 + random.nextLong(span + 1)), categories, products));
            }
            return out;
        };
    }

    static Event shopEvent(SplittableRandom random, long time, int categories, int products) {
        int roll = random.nextInt(100);
        String name = roll < 60 ? NAMES[0] : roll < 85 ? NAMES[1] : NAMES[2];
        Map<String, Object> p = new HashMap<>();
        int price = random.nextInt(100);
        if (price < 80) {
            p.put("price", random.nextInt(1, 50_000) / 100.0);
        } else if (price < 88) {
            p.put("price", random.nextLong(1, 500));
        } else if (price < 94) {
            p.put("price", "n/a");
        }
        int category = random.nextInt(100);
        if (category < 70) {
            p.put("category", "c" + random.nextInt(categories));
        } else if (category < 90) {
            List<Object> list = new ArrayList<>();
            for (int k = random.nextInt(1, 4); k > 0; k--) {
                list.add("c" + random.nextInt(categories));
            }
            p.put("category", list);
        }
        if (random.nextInt(100) < 95) {
            p.put("product_id", "p" + random.nextInt(products));
        }
        return track(name, time, Map.copyOf(p));
    }

    /** Acting on someone (property {@code to}) and being acted on (property {@code from}). */
    static final String[] OUTBOUND = {"User Followed", "Message Sent"};
    static final String[] INBOUND = {"Follower Gained", "Message Received"};

    /**
     * Social traffic over {@code span} ms among {@code people} counterparts: follows and messages sent
     * (naming {@code to}) and received (naming {@code from}), a few views that relations ignore; the
     * counterpart is sometimes a list, padded with spaces, blank, a number or absent.
     */
    static Traffic social(long span, int people) {
        return (random, n) -> {
            List<Event> out = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                long time = coarse(random, T0 + random.nextLong(span + 1));
                int roll = random.nextInt(100);
                if (roll < 5) {
                    out.add(shopEvent(random, time, 5, 20));
                    continue;
                }
                boolean inbound = roll >= 55;
                String[] names = inbound ? INBOUND : OUTBOUND;
                String name = names[random.nextInt(names.length)];
                Map<String, Object> p = new HashMap<>();
                String property = inbound ? "from" : "to";
                int shape = random.nextInt(100);
                if (shape < 75) {
                    p.put(property, "u" + random.nextInt(people));
                } else if (shape < 85) {
                    List<Object> list = new ArrayList<>();
                    for (int k = random.nextInt(1, 4); k > 0; k--) {
                        list.add("u" + random.nextInt(people));
                    }
                    p.put(property, list);
                } else if (shape < 90) {
                    p.put(property, " u" + random.nextInt(people) + " ");
                } else if (shape < 93) {
                    p.put(property, " ");
                } else if (shape < 96) {
                    p.put(property, (long) random.nextInt(people));
                }
                out.add(track(name, time, Map.copyOf(p)));
            }
            return out;
        };
    }

    /**
     * Visits: bursts lasting at most {@code gap} at {@code clusters} fixed places spread over
     * {@code span}, so every burst is one session whatever the order of arrival, and any number of
     * streams drawn from this traffic together have at most {@code clusters} sessions.
     */
    static Traffic visits(long span, long gap, int clusters) {
        return (random, n) -> {
            List<Event> out = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                long start = T0 + random.nextInt(clusters) * (span / clusters);
                out.add(shopEvent(random, start + coarse(random, random.nextLong(gap + 1)), 5, 20));
            }
            return out;
        };
    }

    /**
     * Often a whole minute or hour, as clients that send second-resolution or batched times do: this
     * makes equal times and gaps of exactly a tile or a session gap common, so tie rules get tested.
     */
    static long coarse(SplittableRandom random, long time) {
        int roll = random.nextInt(8);
        return roll == 0 ? Math.floorDiv(time, HOUR) * HOUR : roll < 3 ? Math.floorDiv(time, MINUTE) * MINUTE : time;
    }

    static List<Event> byTime(List<Event> events) {
        List<Event> out = new ArrayList<>(events);
        out.sort(Comparator.comparingLong(Event::time));
        return out;
    }

    static List<Event> shuffled(List<Event> events, SplittableRandom random) {
        List<Event> out = new ArrayList<>(events);
        for (int i = out.size() - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            Event e = out.get(i);
            out.set(i, out.get(j));
            out.set(j, e);
        }
        return out;
    }
}
