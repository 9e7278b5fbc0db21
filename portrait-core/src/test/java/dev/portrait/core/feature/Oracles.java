package dev.portrait.core.feature;

import dev.portrait.core.event.Event;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Brute-force recounts of the raw events, written from each kind's documented meaning and not from
 * its state, so a contract can compare the two.
 */
final class Oracles {
    private Oracles() {
    }

    /** The value a feature should read at {@code now} after folding {@code events} in time order. */
    interface Oracle {
        Object expected(List<Event> events, long now);
    }

    static List<Double> numbers(List<Event> events, String property) {
        List<Double> out = new ArrayList<>();
        for (Event e : events) {
            Object v = e.properties().get(property);
            if (v instanceof Number n) {
                out.add(n.doubleValue());
            }
        }
        return out;
    }

    /** A key-like property's values: list elements each, once per event. */
    static Set<String> keys(Event e, String property) {
        Object v = e.properties().get(property);
        Set<String> out = new LinkedHashSet<>();
        if (v instanceof List<?> list) {
            for (Object x : list) {
                out.add(String.valueOf(x));
            }
        } else if (v != null && !(v instanceof Map)) {
            out.add(String.valueOf(v));
        }
        return out;
    }

    static Oracle count() {
        return (events, now) -> (long) events.size();
    }

    static Oracle sum(String property) {
        return (events, now) -> numbers(events, property).stream().mapToDouble(Double::doubleValue).sum();
    }

    static Oracle min(String property) {
        return (events, now) -> numbers(events, property).stream().min(Double::compare).orElse(null);
    }

    static Oracle max(String property) {
        return (events, now) -> numbers(events, property).stream().max(Double::compare).orElse(null);
    }

    static Oracle mean(String property) {
        return (events, now) -> {
            List<Double> xs = numbers(events, property);
            return xs.isEmpty() ? null : xs.stream().mapToDouble(Double::doubleValue).sum() / xs.size();
        };
    }

    private static boolean inWindow(long time, long now, long tile, int span) {
        long current = Math.floorDiv(now, tile);
        long at = Math.floorDiv(time, tile);
        return at > current - span && at <= current;
    }

    static Oracle windowCount(long tile, int span) {
        return (events, now) -> events.stream().filter(e -> inWindow(e.time(), now, tile, span)).count();
    }

    static Oracle windowSum(String property, long tile, int span) {
        return (events, now) -> {
            double total = 0;
            for (Event e : events) {
                if (inWindow(e.time(), now, tile, span) && e.properties().get(property) instanceof Number n) {
                    total += n.doubleValue();
                }
            }
            return total;
        };
    }

    static Oracle ewmaFixed(String property, double alpha) {
        return (events, now) -> {
            Double x = null;
            for (double v : numbers(events, property)) {
                x = x == null ? v : x + alpha * (v - x);
            }
            return x;
        };
    }

    static Oracle ewmaTimeAware(String property, long tau) {
        return (events, now) -> {
            Double x = null;
            long last = 0;
            for (Event e : events) {
                if (!(e.properties().get(property) instanceof Number n)) {
                    continue;
                }
                if (x == null) {
                    x = n.doubleValue();
                } else {
                    double alpha = 1 - Math.exp(-(double) Math.max(0, e.time() - last) / tau);
                    x = x + alpha * (n.doubleValue() - x);
                }
                last = Math.max(last, e.time());
            }
            return x;
        };
    }

    static Oracle decayedScores(String property, Map<String, Double> weights, double weight, long halfLife, int topK) {
        return (events, now) -> {
            Map<String, Double> scores = new HashMap<>();
            for (Event e : events) {
                double w = weights.getOrDefault(e.key(), weight);
                if (w == 0) {
                    continue;
                }
                for (String k : keys(e, property)) {
                    scores.merge(k, w * Math.pow(2, -(double) (now - e.time()) / halfLife), Double::sum);
                }
            }
            return top(scores, topK);
        };
    }

    static <N extends Number & Comparable<N>> Map<String, Double> top(Map<String, N> scores, int k) {
        List<Map.Entry<String, N>> ranked = new ArrayList<>(scores.entrySet());
        ranked.sort((x, y) -> {
            int c = y.getValue().compareTo(x.getValue());
            return c != 0 ? c : x.getKey().compareTo(y.getKey());
        });
        Map<String, Double> out = new LinkedHashMap<>();
        for (Map.Entry<String, N> e : ranked.subList(0, Math.min(k, ranked.size()))) {
            out.put(e.getKey(), e.getValue().doubleValue());
        }
        return out;
    }

    static Oracle distinct(String property) {
        return (events, now) -> {
            Set<String> seen = new java.util.HashSet<>();
            events.forEach(e -> seen.addAll(keys(e, property)));
            return (long) seen.size();
        };
    }

    static Oracle frequent(String property, int topK) {
        return (events, now) -> {
            Map<String, Long> counts = new HashMap<>();
            events.forEach(e -> keys(e, property).forEach(k -> counts.merge(k, 1L, Long::sum)));
            return top(counts, topK);
        };
    }

    static Oracle lastN(String property, int n) {
        return (events, now) -> {
            Map<String, Long> latest = new HashMap<>();
            events.forEach(e -> keys(e, property).forEach(k -> latest.merge(k, e.time(), Math::max)));
            List<Map.Entry<String, Long>> ranked = new ArrayList<>(latest.entrySet());
            ranked.sort((x, y) -> x.getValue().equals(y.getValue())
                    ? x.getKey().compareTo(y.getKey()) : Long.compare(y.getValue(), x.getValue()));
            List<Map<String, Object>> out = new ArrayList<>();
            for (Map.Entry<String, Long> e : ranked.subList(0, Math.min(n, ranked.size()))) {
                out.add(Map.of("item", e.getKey(), "at", e.getValue()));
            }
            return out;
        };
    }

    static Oracle firstSeen() {
        return (events, now) -> events.stream().mapToLong(Event::time).min().stream().boxed().findFirst().orElse(null);
    }

    static Oracle lastSeen() {
        return (events, now) -> events.stream().mapToLong(Event::time).max().stream().boxed().findFirst().orElse(null);
    }

    static Oracle timeSince(boolean first, long unit) {
        return (events, now) -> {
            if (events.isEmpty()) {
                return null;
            }
            long t = first ? events.stream().mapToLong(Event::time).min().getAsLong()
                    : events.stream().mapToLong(Event::time).max().getAsLong();
            return Math.max(0, Math.floorDiv(now - t, unit));
        };
    }

    static Oracle sessions(long gap) {
        return (events, now) -> {
            if (events.isEmpty()) {
                return null;
            }
            List<Long> times = new ArrayList<>();
            events.forEach(e -> times.add(e.time()));
            Collections.sort(times);
            List<long[]> sessions = new ArrayList<>();
            for (long t : times) {
                if (!sessions.isEmpty() && t - sessions.get(sessions.size() - 1)[1] <= gap) {
                    sessions.get(sessions.size() - 1)[1] = t;
                } else {
                    sessions.add(new long[] {t, t});
                }
            }
            long total = 0;
            for (long[] s : sessions) {
                total += s[1] - s[0];
            }
            long[] last = sessions.get(sessions.size() - 1);
            Map<String, Double> out = new LinkedHashMap<>();
            out.put("count", (double) sessions.size());
            out.put("mean_duration_s", total / 1000.0 / sessions.size());
            out.put("last_start", (double) last[0]);
            out.put("last_duration_s", (last[1] - last[0]) / 1000.0);
            out.put("active", now >= last[0] - gap && now <= last[1] + gap ? 1.0 : 0.0);
            return out;
        };
    }

    static Oracle rfm(String property, long tile, int span) {
        return (events, now) -> {
            if (events.isEmpty()) {
                return null;
            }
            long last = events.stream().mapToLong(Event::time).max().getAsLong();
            long frequency = 0;
            double monetary = 0;
            for (Event e : events) {
                if (inWindow(e.time(), now, tile, span)) {
                    frequency++;
                    if (e.properties().get(property) instanceof Number n) {
                        monetary += n.doubleValue();
                    }
                }
            }
            Map<String, Double> out = new LinkedHashMap<>();
            out.put("recency_days", (double) Math.max(0, Math.floorDiv(now - last, TestEvents.DAY)));
            out.put("frequency", (double) frequency);
            out.put("monetary", monetary);
            return out;
        };
    }

    // ---- relations: recounted per counterpart from the raw events ----

    /** One counterpart's strengths and newest times per direction, recounted at {@code now}. */
    record Tie(double out, double in, long lastOut, long lastIn) {
    }

    static Map<String, Tie> ties(List<Event> events, long now, Map<String, Double> outWeights,
                                 Map<String, Double> inWeights, long halfLife) {
        Map<String, Tie> ties = new HashMap<>();
        for (Event e : events) {
            boolean inbound = inWeights.containsKey(e.key());
            Double w = inbound ? inWeights.get(e.key()) : outWeights.get(e.key());
            if (w == null) {
                continue;
            }
            double strength = w * Math.pow(2, -(double) (now - e.time()) / halfLife);
            Set<String> who = new LinkedHashSet<>();
            for (String k : keys(e, inbound ? "from" : "to")) {
                if (!k.isBlank()) {
                    who.add(k.trim());
                }
            }
            for (String k : who) {
                Tie t = ties.getOrDefault(k, new Tie(0, 0, Long.MIN_VALUE, Long.MIN_VALUE));
                ties.put(k, inbound
                        ? new Tie(t.out(), t.in() + strength, t.lastOut(), Math.max(t.lastIn(), e.time()))
                        : new Tie(t.out() + strength, t.in(), Math.max(t.lastOut(), e.time()), t.lastIn()));
            }
        }
        return ties;
    }

    private static double strength(Tie t, String direction) {
        return direction.equals("out") ? t.out() : direction.equals("in") ? t.in() : t.out() + t.in();
    }

    static Oracle tieStrength(Map<String, Double> out, Map<String, Double> in, long halfLife, String direction, int topK) {
        return (events, now) -> {
            Map<String, Double> scores = new HashMap<>();
            ties(events, now, out, in, halfLife).forEach((k, t) -> {
                if (strength(t, direction) > 0) {
                    scores.put(k, strength(t, direction));
                }
            });
            return top(scores, topK);
        };
    }

    static Oracle strongTies(Map<String, Double> out, Map<String, Double> in, long halfLife, String direction,
                             double threshold) {
        return (events, now) -> ties(events, now, out, in, halfLife).values().stream()
                .filter(t -> strength(t, direction) >= threshold).count();
    }

    static Oracle degree(Map<String, Double> out, Map<String, Double> in, String direction, long window) {
        return (events, now) -> ties(events, now, out, in, 1).values().stream()
                .filter(t -> {
                    long last = direction.equals("out") ? t.lastOut()
                            : direction.equals("in") ? t.lastIn() : Math.max(t.lastOut(), t.lastIn());
                    return last != Long.MIN_VALUE && last > now - window;
                }).count();
    }

    static Oracle reciprocity(Map<String, Double> out, Map<String, Double> in, long window) {
        return (events, now) -> {
            long reached = 0;
            long returned = 0;
            for (Tie t : ties(events, now, out, in, 1).values()) {
                if (t.lastOut() != Long.MIN_VALUE && (window == Long.MAX_VALUE || t.lastOut() > now - window)) {
                    reached++;
                    if (t.lastIn() != Long.MIN_VALUE && (window == Long.MAX_VALUE || t.lastIn() > now - window)) {
                        returned++;
                    }
                }
            }
            return reached == 0 ? null : (double) returned / reached;
        };
    }
}
