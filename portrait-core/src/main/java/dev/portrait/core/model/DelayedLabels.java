package dev.portrait.core.model;

import dev.portrait.core.encoding.BinaryIn;
import dev.portrait.core.encoding.BinaryOut;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Joins labels that only the future knows: "will this person complete an order within 7 days?".
 * For each profile the runtime opens an example at time {@code t} with the profile's features as
 * they are at {@code t}; it becomes <b>positive</b> when the target event is observed with a time in
 * {@code [t, t + delay)}, and <b>negative</b> once time reaches {@code t + delay} without one. Time
 * comes only from the calls: event times through {@link #observe}, timer times through
 * {@link #expire}; {@link #nextDeadline} says when the next timer is due.
 *
 * <p>Per event, call {@link #observe} first (it settles what the event decides), then
 * {@link #open}: an example opened by an {@code Order Completed} is about the next order, not this one.
 * Target events older than an example (late arrivals) do not label it: they are not its future.
 *
 * <p><b>Bounds.</b> At most {@code maxPending} examples wait per profile, each with at most
 * {@code maxFeatures} features, and a new one opens only {@code minSpacing} after the previous one;
 * so with {@code maxPending × minSpacing ≥ delay} (the defaults: 8 × 1 day against 7 days) the queue
 * never fills. When it is full anyway a new example is refused rather than an old one dropped: the
 * oldest are the nearest to being labelled, and the choice does not look at labels, so it adds no
 * label bias.
 *
 * <p>This object is the rule, shared by all profiles; a profile's waiting examples are its
 * {@link Pending}, which lives in the profile and is encoded with it.
 */
public final class DelayedLabels {
    private static final int VERSION = 1;

    /**
     * @param targetEvent      the event key that makes a positive ({@code Order Completed})
     * @param delayMillis      how long an example waits for it
     * @param maxPending       how many examples may wait per profile
     * @param minSpacingMillis the least time between two examples of one profile
     * @param maxFeatures      the most features one example may carry
     */
    public record Config(String targetEvent, long delayMillis, int maxPending, long minSpacingMillis, int maxFeatures) {
        public Config {
            if (targetEvent == null || targetEvent.isEmpty()) {
                throw new IllegalArgumentException("targetEvent is required");
            }
            if (delayMillis <= 0) {
                throw new IllegalArgumentException("delayMillis must be positive, got " + delayMillis);
            }
            ItemStatistics.requireIn("maxPending", maxPending, 1, 1_000);
            if (minSpacingMillis < 0) {
                throw new IllegalArgumentException("minSpacingMillis must be >= 0, got " + minSpacingMillis);
            }
            ItemStatistics.requireIn("maxFeatures", maxFeatures, 1, 10_000);
        }

        /** {@code Order Completed} within 7 days, at most one example a day, 8 waiting, 256 features each. */
        public static Config defaults() {
            return new Config("Order Completed", 7L * 24 * 3_600_000, 8, 24L * 3_600_000, 256);
        }
    }

    /** One profile's waiting examples, oldest first. */
    public static final class Pending {
        private final List<Waiting> waiting = new ArrayList<>();
        private long lastOpened = Long.MIN_VALUE;

        public int size() {
            return waiting.size();
        }

        /** Creation time, then features sorted by name. */
        public void encode(BinaryOut out) {
            out.writeByte(VERSION).writeBoolean(lastOpened != Long.MIN_VALUE);
            if (lastOpened != Long.MIN_VALUE) {
                out.writeSignedVarLong(lastOpened);
            }
            out.writeVarInt(waiting.size());
            for (Waiting d : waiting) {
                out.writeSignedVarLong(d.createdAt).writeVarInt(d.features.size());
                d.features.forEach((k, v) -> out.writeString(k).writeDouble(v));
            }
        }

        public static Pending decode(BinaryIn in) {
            in.expectVersion("delayed_labels", VERSION);
            Pending p = new Pending();
            if (in.readBoolean()) {
                p.lastOpened = in.readSignedVarLong();
            }
            int count = in.readLength();
            for (int i = 0; i < count; i++) {
                long createdAt = in.readSignedVarLong();
                p.waiting.add(new Waiting(createdAt, FeatureSnapshot.decode(in, in.readLength())));
            }
            return p;
        }
    }

    private record Waiting(long createdAt, Map<String, Double> features) {
    }

    private final Config config;

    public DelayedLabels(Config config) {
        this.config = config;
    }

    public Config config() {
        return config;
    }

    public Pending empty() {
        return new Pending();
    }

    /**
     * Settles what an event at {@code time} decides: examples whose deadline is at or before it are
     * negative; if it is the target event, examples opened at or before it are positive. Returns them,
     * negatives first, each group oldest first.
     */
    public List<LabelledExample> observe(Pending pending, String eventKey, long time) {
        List<LabelledExample> out = expire(pending, time);
        if (config.targetEvent().equals(eventKey)) {
            var it = pending.waiting.iterator();
            while (it.hasNext()) {
                Waiting d = it.next();
                if (d.createdAt <= time) {
                    out.add(new LabelledExample(d.createdAt, d.features, true, time));
                    it.remove();
                }
            }
        }
        return out;
    }

    /** Labels negative every example whose deadline ({@code createdAt + delay}) is at or before {@code now}. */
    public List<LabelledExample> expire(Pending pending, long now) {
        List<LabelledExample> out = new ArrayList<>();
        var it = pending.waiting.iterator();
        while (it.hasNext()) {
            Waiting d = it.next();
            long deadline = d.createdAt + config.delayMillis();
            if (deadline <= now) {
                out.add(new LabelledExample(d.createdAt, d.features, false, deadline));
                it.remove();
            }
        }
        return out;
    }

    /** Whether {@link #open} at {@code time} would open an example (so its features are worth reading). */
    public boolean wouldOpen(Pending pending, long time) {
        return (pending.lastOpened == Long.MIN_VALUE || time - pending.lastOpened >= config.minSpacingMillis())
                && pending.waiting.size() < config.maxPending();
    }

    /**
     * Opens an example at {@code time} with these features (copied). Refused, returning false, within
     * {@code minSpacing} of the previous one or when {@code maxPending} wait already.
     */
    public boolean open(Pending pending, long time, Map<String, Double> features) {
        if (features.size() > config.maxFeatures()) {
            throw new IllegalArgumentException("an example may carry " + config.maxFeatures() + " features, got "
                    + features.size());
        }
        if (pending.lastOpened != Long.MIN_VALUE && time - pending.lastOpened < config.minSpacingMillis()) {
            return false;
        }
        if (pending.waiting.size() >= config.maxPending()) {
            return false;
        }
        features.forEach((k, v) -> {
            if (k == null || v == null || Double.isInfinite(v)) {
                throw new IllegalArgumentException("feature " + k + " needs a finite value or NaN, got " + v);
            }
        });
        int at = pending.waiting.size();
        while (at > 0 && pending.waiting.get(at - 1).createdAt > time) {
            at--;
        }
        pending.waiting.add(at, new Waiting(time, FeatureSnapshot.of(features)));
        pending.lastOpened = pending.lastOpened == Long.MIN_VALUE ? time : Math.max(pending.lastOpened, time);
        return true;
    }

    /**
     * The waiting examples of two profiles that identity resolution merged: all of both, oldest first,
     * cut to the {@code maxPending} oldest (the cut ones are dropped unlabelled). Order-free: ties in
     * time are broken by the features, so {@code merge(a, b)} and {@code merge(b, a)} are equal.
     */
    public Pending merge(Pending a, Pending b) {
        List<Waiting> all = new ArrayList<>(a.waiting.size() + b.waiting.size());
        all.addAll(a.waiting);
        all.addAll(b.waiting);
        all.sort((x, y) -> x.createdAt != y.createdAt ? Long.compare(x.createdAt, y.createdAt)
                : x.features.toString().compareTo(y.features.toString()));
        Pending out = new Pending();
        out.waiting.addAll(all.subList(0, Math.min(config.maxPending(), all.size())));
        out.lastOpened = Math.max(a.lastOpened, b.lastOpened);
        return out;
    }

    /** When the oldest waiting example falls due, or {@link Long#MAX_VALUE} when none waits. */
    public long nextDeadline(Pending pending) {
        long next = Long.MAX_VALUE;
        for (Waiting d : pending.waiting) {
            next = Math.min(next, d.createdAt + config.delayMillis());
        }
        return next;
    }
}
