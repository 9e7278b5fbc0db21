package dev.portrait.core.model;

import dev.portrait.core.encoding.BinaryIn;
import dev.portrait.core.encoding.BinaryOut;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The numeric sibling of {@link DelayedLabels}: "how much will this person spend in the next 30
 * days?". An example opens at {@code t} with the profile's features as they are then; every target
 * event with a time in {@code [t, t + horizon)} adds its property to the example's sum; once time
 * reaches {@code t + horizon} the example settles with that sum as its outcome. Time comes only from
 * the calls, as in {@link DelayedLabels}, and the same bounds hold (at most {@code maxPending}
 * waiting, one every {@code minSpacing}).
 */
public final class DelayedOutcomes {
    private static final int VERSION = 1;

    /**
     * @param targetEvent      the event key whose property is summed
     * @param property         the numeric property summed
     * @param horizonMillis    how long an example sums for
     * @param maxPending       how many examples may wait per profile
     * @param minSpacingMillis the least time between two examples of one profile
     */
    public record Config(String targetEvent, String property, long horizonMillis, int maxPending, long minSpacingMillis) {
        public Config {
            if (targetEvent == null || targetEvent.isEmpty()) {
                throw new IllegalArgumentException("targetEvent is required");
            }
            if (property == null || property.isEmpty()) {
                throw new IllegalArgumentException("property is required");
            }
            if (horizonMillis <= 0) {
                throw new IllegalArgumentException("horizonMillis must be positive, got " + horizonMillis);
            }
            ItemStatistics.requireIn("maxPending", maxPending, 1, 1_000);
            if (minSpacingMillis < 0) {
                throw new IllegalArgumentException("minSpacingMillis must be >= 0, got " + minSpacingMillis);
            }
        }
    }

    /** An example whose outcome the stream settled: features at {@code createdAt}, and the sum. */
    public record Outcome(long createdAt, Map<String, Double> features, double value) {
        public Outcome {
            features = Collections.unmodifiableMap(new TreeMap<>(features));
        }
    }

    /** One profile's waiting examples, oldest first. */
    public static final class Pending {
        private final List<Waiting> waiting = new ArrayList<>();
        private long lastOpened = Long.MIN_VALUE;

        public int size() {
            return waiting.size();
        }

        public Pending copy() {
            Pending p = new Pending();
            for (Waiting w : waiting) {
                p.waiting.add(new Waiting(w.createdAt, w.features, w.sum));
            }
            p.lastOpened = lastOpened;
            return p;
        }

        public void encode(BinaryOut out) {
            out.writeByte(VERSION).writeSignedVarLong(lastOpened).writeVarInt(waiting.size());
            for (Waiting w : waiting) {
                out.writeSignedVarLong(w.createdAt).writeDouble(w.sum).writeVarInt(w.features.size());
                w.features.forEach((k, v) -> out.writeString(k).writeDouble(v));
            }
        }

        public static Pending decode(BinaryIn in) {
            in.expectVersion("delayed_outcomes", VERSION);
            Pending p = new Pending();
            p.lastOpened = in.readSignedVarLong();
            int n = in.readLength();
            for (int i = 0; i < n; i++) {
                long createdAt = in.readSignedVarLong();
                double sum = in.readDouble();
                p.waiting.add(new Waiting(createdAt, FeatureSnapshot.decode(in, in.readLength()), sum));
            }
            return p;
        }
    }

    private static final class Waiting {
        final long createdAt;
        final Map<String, Double> features;
        double sum;

        Waiting(long createdAt, Map<String, Double> features, double sum) {
            this.createdAt = createdAt;
            this.features = features;
            this.sum = sum;
        }
    }

    private final Config config;

    public DelayedOutcomes(Config config) {
        this.config = config;
    }

    public Config config() {
        return config;
    }

    public Pending empty() {
        return new Pending();
    }

    /**
     * Settles what an event at {@code time} decides: examples whose horizon ended at or before it settle
     * (returned, oldest first); if it is the target event, its property joins the sum of every example
     * opened at or before it and still open.
     */
    public List<Outcome> observe(Pending pending, String eventKey, Object propertyValue, long time) {
        List<Outcome> out = expire(pending, time);
        if (config.targetEvent().equals(eventKey) && propertyValue instanceof Number n && Double.isFinite(n.doubleValue())) {
            for (Waiting w : pending.waiting) {
                if (w.createdAt <= time) {
                    w.sum += n.doubleValue();
                }
            }
        }
        return out;
    }

    /** Settles every example whose horizon ended at or before {@code now}. */
    public List<Outcome> expire(Pending pending, long now) {
        List<Outcome> out = List.of();
        var it = pending.waiting.iterator();
        while (it.hasNext()) {
            Waiting w = it.next();
            if (w.createdAt + config.horizonMillis() <= now) {
                if (out.isEmpty()) {
                    out = new ArrayList<>(2);
                }
                out.add(new Outcome(w.createdAt, w.features, w.sum));
                it.remove();
            }
        }
        return out;
    }

    /** Whether {@link #open} at {@code time} would open an example. */
    public boolean wouldOpen(Pending pending, long time) {
        return (pending.lastOpened == Long.MIN_VALUE || time - pending.lastOpened >= config.minSpacingMillis())
                && pending.waiting.size() < config.maxPending();
    }

    /** Opens an example at {@code time} with these features; false when refused (spacing, a full queue). */
    public boolean open(Pending pending, long time, Map<String, Double> features) {
        if (!wouldOpen(pending, time)) {
            return false;
        }
        int at = pending.waiting.size();
        while (at > 0 && pending.waiting.get(at - 1).createdAt > time) {
            at--;
        }
        pending.waiting.add(at, new Waiting(time, FeatureSnapshot.of(features), 0.0));
        pending.lastOpened = pending.lastOpened == Long.MIN_VALUE ? time : Math.max(pending.lastOpened, time);
        return true;
    }

    /** Both profiles' waiting examples, oldest first (ties by features), cut to {@code maxPending}. */
    public Pending merge(Pending a, Pending b) {
        List<Waiting> all = new ArrayList<>(a.waiting.size() + b.waiting.size());
        for (Waiting w : a.waiting) {
            all.add(new Waiting(w.createdAt, w.features, w.sum));
        }
        for (Waiting w : b.waiting) {
            all.add(new Waiting(w.createdAt, w.features, w.sum));
        }
        all.sort((x, y) -> x.createdAt != y.createdAt ? Long.compare(x.createdAt, y.createdAt)
                : x.features.toString().compareTo(y.features.toString()));
        Pending out = new Pending();
        out.waiting.addAll(all.subList(0, Math.min(config.maxPending(), all.size())));
        out.lastOpened = Math.max(a.lastOpened, b.lastOpened);
        return out;
    }

    /** When the oldest waiting example settles, or {@link Long#MAX_VALUE}. */
    public long nextDeadline(Pending pending) {
        long next = Long.MAX_VALUE;
        for (Waiting w : pending.waiting) {
            next = Math.min(next, w.createdAt + config.horizonMillis());
        }
        return next;
    }
}
