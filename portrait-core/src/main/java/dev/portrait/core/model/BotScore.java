package dev.portrait.core.model;

import dev.portrait.core.encoding.BinaryIn;
import dev.portrait.core.encoding.BinaryOut;

/**
 * How much a profile's behaviour looks scripted, in {@code [0, 1]}, from the rhythm and spread of its
 * events alone: times and a key per event (the event name, or a page or section the caller picks).
 * Never names, never free text, never who the person says they are.
 *
 * <p><b>Measures</b>, kept in a few dozen bytes per profile ({@link Activity}), updated per event:
 * <ul>
 * <li><i>rate</i>: an exponentially decayed event count {@code c ← c · 2^(−gap / H) + 1}; at a steady
 *     {@code r} events per ms it settles at {@code r H / ln 2}, so {@code r ≈ c ln 2 / H}. Read at the
 *     last event, so a burst is judged as it was, not as it fades.
 * <li><i>burstiness</i> (Goh and Barabási 2008) {@code B = (σ − μ) / (σ + μ)} of the gaps between
 *     events: −1 for a metronome, 0 for a Poisson stream, towards 1 for human bursts and pauses.
 *     {@code μ} and {@code σ} are exponentially weighted (weight {@code max(α, 1/n)} for the n-th gap,
 *     so exact while {@code n ≤ 1/α} and a sliding memory of about {@code 2/α} gaps after).
 * <li><i>regularity</i>: {@code B = (CV − 1) / (CV + 1)} is a function of the gaps' coefficient of
 *     variation {@code CV = σ / μ}, so a CV term would only count B twice. Regularity here is instead
 *     the local variation {@code LV = mean of 3 ((g_i − g_{i+1}) / (g_i + g_{i+1}))^2} of consecutive
 *     gaps (Shinomoto et al. 2003): 0 for a metronome, 1 for Poisson, more when bursty. It compares
 *     neighbouring gaps only, so a script that clicks every 2 s and sleeps between runs is still
 *     regular, where its global CV (and B) would call it bursty. CV is still reported.
 * <li><i>breadth</i>: distinct keys, counted exactly up to 8 by keeping their 64-bit hashes. Narrow
 *     means few: a human moves between views, searches and carts, a click script repeats one thing.
 *     Only small counts matter here, so a sketch library (DataSketches' smallest HLL is larger than
 *     the whole state) would cost more than it saves.
 * </ul>
 *
 * <p><b>Score</b> {@code = evidence · Σ w_k s_k / Σ w_k} with components
 * {@code s_rate = r / (r + r0)} ({@code r} per minute, {@code r0 = 2}), {@code s_burst = (1 − B) / 2},
 * {@code s_regular = max(0, 1 − LV)}, {@code s_narrow = (D − min(d, D)) / (D − 1)} ({@code d}
 * distinct keys, {@code D = 5}), weights 0.35, 0.20, 0.30, 0.15 by default (rate and regularity are
 * the strongest tells of a script; burstiness adds the long view, narrowness is weak alone because a
 * new human can be narrow too), and {@code evidence = n / (n + 5)} over the {@code n} gaps seen so a
 * handful of events cannot score high. A metronome clicker at one event per 2 s scores about 0.95,
 * a person browsing in sessions about 0.1. The weights are documented starting points: they are to
 * be fitted against labelled data by {@code portrait eval}.
 *
 * <p>Events whose time is before the latest seen (late arrivals) add to the rate and breadth but
 * make no gap. This object is the rule, shared by all profiles; the state is {@link Activity}.
 */
public final class BotScore {
    private static final int VERSION = 1;
    static final int KEY_SLOTS = 8;

    /**
     * @param rateHalfLifeMillis     {@code H}, the memory of the rate
     * @param gapSmoothing           {@code α}, the least weight of a new gap in the gap statistics
     * @param referenceRatePerMinute {@code r0}, the rate that scores one half
     * @param breadthSaturation      {@code D}, the number of distinct keys that counts as fully broad (2 to 8)
     * @param evidenceGaps           the gaps at which evidence is one half
     * @param rateWeight             weight of the rate component
     * @param burstinessWeight       weight of the burstiness component
     * @param regularityWeight       weight of the regularity component
     * @param narrownessWeight       weight of the narrowness component
     */
    public record Config(long rateHalfLifeMillis, double gapSmoothing, double referenceRatePerMinute,
                         int breadthSaturation, double evidenceGaps, double rateWeight, double burstinessWeight,
                         double regularityWeight, double narrownessWeight) {
        public Config {
            if (rateHalfLifeMillis <= 0) {
                throw new IllegalArgumentException("rateHalfLifeMillis must be positive, got " + rateHalfLifeMillis);
            }
            if (!(gapSmoothing > 0 && gapSmoothing <= 1)) {
                throw new IllegalArgumentException("gapSmoothing must be in (0, 1], got " + gapSmoothing);
            }
            if (!(referenceRatePerMinute > 0) || Double.isInfinite(referenceRatePerMinute)) {
                throw new IllegalArgumentException("referenceRatePerMinute must be positive, got " + referenceRatePerMinute);
            }
            ItemStatistics.requireIn("breadthSaturation", breadthSaturation, 2, KEY_SLOTS);
            if (!(evidenceGaps >= 0) || Double.isInfinite(evidenceGaps)) {
                throw new IllegalArgumentException("evidenceGaps must be >= 0, got " + evidenceGaps);
            }
            double[] weights = {rateWeight, burstinessWeight, regularityWeight, narrownessWeight};
            double sum = 0;
            for (double w : weights) {
                if (!(w >= 0) || Double.isInfinite(w)) {
                    throw new IllegalArgumentException("weights must be finite and >= 0, got " + java.util.Arrays.toString(weights));
                }
                sum += w;
            }
            if (sum == 0) {
                throw new IllegalArgumentException("at least one weight must be positive");
            }
        }

        /** The defaults of the class comment: H 15 min, α 0.05, r0 2/min, D 5, evidence 5 gaps, weights .35/.20/.30/.15. */
        public static Config defaults() {
            return new Config(15 * 60_000L, 0.05, 2.0, 5, 5.0, 0.35, 0.20, 0.30, 0.15);
        }
    }

    /**
     * The score and the measures behind it, for explanations and dashboards.
     *
     * @param score           in {@code [0, 1]}
     * @param eventsPerMinute the decayed rate at the last event
     * @param burstiness      {@code B} of the gaps, in {@code [−1, 1]}
     * @param gapVariation    {@code CV} of the gaps
     * @param localVariation  {@code LV} of consecutive gaps ({@code NaN} before two gaps)
     * @param distinctKeys    distinct keys, counted up to 8
     * @param events          events observed
     */
    public record Assessment(double score, double eventsPerMinute, double burstiness, double gapVariation,
                             double localVariation, int distinctKeys, long events) {
        public Assessment {
            if (!(score >= 0 && score <= 1)) {
                throw new IllegalArgumentException("a bot score must be in [0, 1], got " + score);
            }
        }
    }

    /** One profile's rhythm: 12 numbers and up to 8 key hashes. */
    public static final class Activity {
        long events;
        long lastTime;
        double decayedCount;
        long gaps;
        double gapMean;
        double gapVariance;
        double lastGap = Double.NaN;
        long lvTerms;
        double lvMean;
        final long[] keys = new long[KEY_SLOTS];
        int distinct;

        public long events() {
            return events;
        }

        public void encode(BinaryOut out) {
            out.writeByte(VERSION).writeVarLong(events);
            if (events == 0) {
                return;
            }
            out.writeSignedVarLong(lastTime).writeDouble(decayedCount).writeVarLong(gaps).writeDouble(gapMean)
                    .writeDouble(gapVariance).writeDouble(lastGap).writeVarLong(lvTerms).writeDouble(lvMean)
                    .writeVarInt(distinct);
            for (int i = 0; i < distinct; i++) {
                out.writeSignedVarLong(keys[i]);
            }
        }

        public static Activity decode(BinaryIn in) {
            in.expectVersion("bot_activity", VERSION);
            Activity a = new Activity();
            a.events = in.readVarLong();
            if (a.events == 0) {
                return a;
            }
            a.lastTime = in.readSignedVarLong();
            a.decayedCount = in.readDouble();
            a.gaps = in.readVarLong();
            a.gapMean = in.readDouble();
            a.gapVariance = in.readDouble();
            a.lastGap = in.readDouble();
            a.lvTerms = in.readVarLong();
            a.lvMean = in.readDouble();
            a.distinct = in.readVarInt();
            if (a.distinct > KEY_SLOTS) {
                throw ItemStatistics.corrupt("bot_activity: " + a.distinct + " key hashes, at most " + KEY_SLOTS);
            }
            for (int i = 0; i < a.distinct; i++) {
                a.keys[i] = in.readSignedVarLong();
            }
            return a;
        }
    }

    private final Config config;

    public BotScore(Config config) {
        this.config = config;
    }

    public Config config() {
        return config;
    }

    public Activity empty() {
        return new Activity();
    }

    /** Folds one event at {@code time} (epoch ms) with its key ({@code null}: no key). */
    public void observe(Activity a, long time, String key) {
        double halfLife = config.rateHalfLifeMillis();
        if (a.events == 0) {
            a.lastTime = time;
            a.decayedCount = 1.0;
        } else if (time >= a.lastTime) {
            double gap = time - a.lastTime;
            a.decayedCount = a.decayedCount * Math.pow(2.0, -gap / halfLife) + 1.0;
            a.gaps++;
            double w = Math.max(config.gapSmoothing(), 1.0 / a.gaps);
            // exponentially weighted mean and variance (West 1979): with w = 1/n, Welford's exact population moments
            double diff = gap - a.gapMean;
            double increment = w * diff;
            a.gapMean += increment;
            a.gapVariance = (1 - w) * (a.gapVariance + diff * increment);
            if (!Double.isNaN(a.lastGap)) {
                double sum = a.lastGap + gap;
                double term = sum == 0 ? 0.0 : 3.0 * Math.pow((a.lastGap - gap) / sum, 2);
                a.lvTerms++;
                a.lvMean += Math.max(config.gapSmoothing(), 1.0 / a.lvTerms) * (term - a.lvMean);
            }
            a.lastGap = gap;
            a.lastTime = time;
        } else {
            a.decayedCount += Math.pow(2.0, -(a.lastTime - time) / halfLife);
        }
        a.events++;
        if (key != null && a.distinct < KEY_SLOTS) {
            long h = fnv1a64(key);
            for (int i = 0; i < a.distinct; i++) {
                if (a.keys[i] == h) {
                    return;
                }
            }
            a.keys[a.distinct++] = h;
        }
    }

    /**
     * The activity of two profiles that identity resolution merged. Rhythm does not merge exactly: the
     * gaps of the interleaved stream were never seen. So the rate is exact (both decayed counts,
     * brought to the later last event, added), the event count is the sum, the distinct keys are the
     * union (the 8 smallest hashes, so a count up to 8 stays exact), and the gap statistics are those
     * of the side with more events (ties: the later last event, then the bytes), which is usually the
     * device that did most of the acting. Order-free: {@code merge(a, b)} equals {@code merge(b, a)}.
     */
    public Activity merge(Activity a, Activity b) {
        if (a.events == 0 || b.events == 0) {
            return copy(a.events == 0 ? b : a);
        }
        Activity out = copy(dominant(a, b));
        long last = Math.max(a.lastTime, b.lastTime);
        double halfLife = config.rateHalfLifeMillis();
        out.decayedCount = a.decayedCount * Math.pow(2.0, -(last - a.lastTime) / halfLife)
                + b.decayedCount * Math.pow(2.0, -(last - b.lastTime) / halfLife);
        out.lastTime = last;
        out.events = a.events + b.events;
        long[] union = java.util.stream.LongStream.concat(java.util.Arrays.stream(a.keys, 0, a.distinct),
                java.util.Arrays.stream(b.keys, 0, b.distinct)).distinct().sorted().limit(KEY_SLOTS).toArray();
        System.arraycopy(union, 0, out.keys, 0, union.length);
        out.distinct = union.length;
        return out;
    }

    private static Activity dominant(Activity a, Activity b) {
        if (a.events != b.events) {
            return a.events > b.events ? a : b;
        }
        if (a.lastTime != b.lastTime) {
            return a.lastTime > b.lastTime ? a : b;
        }
        BinaryOut x = new BinaryOut();
        BinaryOut y = new BinaryOut();
        a.encode(x);
        b.encode(y);
        return java.util.Arrays.compare(x.toByteArray(), y.toByteArray()) >= 0 ? a : b;
    }

    private static Activity copy(Activity a) {
        BinaryOut out = new BinaryOut(64);
        a.encode(out);
        return Activity.decode(new BinaryIn(out.toByteArray()));
    }

    public double score(Activity a) {
        return assess(a).score();
    }

    public Assessment assess(Activity a) {
        double perMinute = a.decayedCount * Math.log(2) / (config.rateHalfLifeMillis() / 60_000.0);
        double sigma = Math.sqrt(Math.max(0, a.gapVariance));
        double mu = a.gapMean;
        double burstiness = sigma + mu == 0 ? -1.0 : (sigma - mu) / (sigma + mu);
        double cv = mu == 0 ? 0.0 : sigma / mu;
        double lv = a.lvTerms == 0 ? Double.NaN : a.lvMean;

        double sRate = perMinute / (perMinute + config.referenceRatePerMinute());
        double sBurst = a.gaps == 0 ? 0.0 : (1 - burstiness) / 2;
        double sRegular = a.lvTerms == 0 ? 0.0 : Math.max(0, 1 - lv);
        int d = config.breadthSaturation();
        double sNarrow = a.distinct == 0 ? 0.0 : (double) (d - Math.min(a.distinct, d)) / (d - 1);
        double weighted = config.rateWeight() * sRate + config.burstinessWeight() * sBurst
                + config.regularityWeight() * sRegular + config.narrownessWeight() * sNarrow;
        double total = config.rateWeight() + config.burstinessWeight() + config.regularityWeight()
                + config.narrownessWeight();
        double evidence = a.gaps / (a.gaps + config.evidenceGaps());
        double score = a.gaps == 0 ? 0.0 : Math.min(1.0, Math.max(0.0, evidence * weighted / total));
        return new Assessment(score, perMinute, burstiness, cv, lv, a.distinct, a.events);
    }

    /** FNV-1a over the UTF-16 units: stable across JVMs, unlike identity hashes, and enough for 8 slots. */
    static long fnv1a64(String s) {
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < s.length(); i++) {
            h ^= s.charAt(i);
            h *= 0x100000001b3L;
        }
        return h;
    }
}
