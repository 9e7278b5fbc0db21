package dev.portrait.core.experiment;

import dev.portrait.core.definition.ExperimentSpecs;
import dev.portrait.core.encoding.BinaryIn;
import dev.portrait.core.encoding.BinaryOut;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * Every experiment's running results, built from the engine's {@link ExperimentUpdate}s in step order
 * (so a replay rebuilds them), kept beside the shared models and checkpointed with them.
 *
 * <p><b>Who takes part.</b> A person is enrolled at their first event the experiment measures
 * (an exposure, a click, a conversion, revenue) while their profile is in the population segment,
 * under the variant the keyed hash gives their profile id; from then on every such event of theirs
 * counts, in or out of the population (intent to treat). A merge moves the merged profile's record to
 * the survivor, whose variant it takes; when the two variants differed the participant is counted as
 * a crossover, so contamination shows instead of hiding.
 *
 * <p><b>What is measured</b>, per variant: participants, exposures, clicks, participants who
 * converted, revenue and its sum of squares per participant (for revenue per person's variance).
 * After each update the sequential test ({@link MixtureSequentialTest}) is run for every treatment
 * against the control (the first variant) on CTR, conversion and revenue per person, and the running
 * minimum of its p-value is kept: that is what makes the p-values valid under daily peeking. A test
 * starts once both arms have {@link #MIN_SAMPLE} units, so the normal approximation has something to
 * stand on.
 *
 * <p>Keeps one small record per participant (their profile id and counts): bounded by the people who
 * take part. Not thread-safe: the runtime's models thread owns it; only {@link #enrolledVariant} and
 * {@link #enrolment} may be called from other threads (participants sit in a concurrent map, each with its
 * variant set before it is put there), so a profile read shows enrolment without queueing on that thread.
 */
public final class ExperimentResults {
    static final int MIN_SAMPLE = 30;
    private static final int VERSION = 1;
    static final int CTR = 0;
    static final int CONVERSION = 1;
    static final int REVENUE = 2;
    private static final String[] METRICS = {"ctr", "conversion", "revenue_per_person"};

    private static final class Participant {
        int variant;
        long exposures;
        long clicks;
        long conversions;
        double revenue;
    }

    private static final class Arm {
        long participants;
        long exposures;
        long clicks;
        long converted;
        long crossovers;
        double revenue;
        double revenueSquares;

        void add(Participant p, int sign) {
            participants += sign;
            exposures += sign * p.exposures;
            clicks += sign * p.clicks;
            converted += p.conversions > 0 ? sign : 0;
            revenue += sign * p.revenue;
            revenueSquares += sign * p.revenue * p.revenue;
        }

        double mean(int metric) {
            switch (metric) {
                case CTR: return exposures == 0 ? 0 : Math.min(1.0, (double) clicks / exposures);
                case CONVERSION: return participants == 0 ? 0 : (double) converted / participants;
                default: return participants == 0 ? 0 : revenue / participants;
            }
        }

        long size(int metric) {
            return metric == CTR ? exposures : participants;
        }

        /** The variance of {@link #mean}. */
        double varianceOfMean(int metric) {
            long n = size(metric);
            if (n < 2) {
                return Double.NaN;
            }
            double m = mean(metric);
            if (metric != REVENUE) {
                return m * (1 - m) / n;
            }
            double s2 = Math.max(0, (revenueSquares - n * m * m) / (n - 1));
            return s2 / n;
        }
    }

    private final class Trial {
        final ExperimentSpecs.Experiment spec;
        final ConcurrentSkipListMap<String, Participant> participants = new ConcurrentSkipListMap<>();
        final Arm[] arms;
        /** [treatment][metric]: the running minimum of the sequential p-value; row 0 (the control) unused. */
        final double[][] minP;

        Trial(ExperimentSpecs.Experiment spec) {
            this.spec = spec;
            arms = new Arm[spec.variants().size()];
            minP = new double[arms.length][METRICS.length];
            for (int i = 0; i < arms.length; i++) {
                arms[i] = new Arm();
                java.util.Arrays.fill(minP[i], 1.0);
            }
        }

        double tau(int metric) {
            return metric == REVENUE ? spec.revenueTau() : spec.tau();
        }

        void test() {
            Arm control = arms[0];
            for (int t = 1; t < arms.length; t++) {
                for (int m = 0; m < METRICS.length; m++) {
                    if (arms[t].size(m) < MIN_SAMPLE || control.size(m) < MIN_SAMPLE) {
                        continue;
                    }
                    double v = arms[t].varianceOfMean(m) + control.varianceOfMean(m);
                    double p = MixtureSequentialTest.inverseLikelihoodRatio(arms[t].mean(m) - control.mean(m), v, tau(m));
                    minP[t][m] = Math.min(minP[t][m], p);
                }
            }
        }
    }

    private final TreeMap<String, Trial> trials = new TreeMap<>();

    public ExperimentResults(ExperimentSpecs specs) {
        for (ExperimentSpecs.Experiment e : specs.experiments()) {
            trials.put(e.name(), new Trial(e));
        }
    }

    /** Applies one update. */
    public void absorb(ExperimentUpdate update) {
        Trial t = trials.get(update.experiment());
        if (t == null) {
            return; // an experiment the definition no longer declares
        }
        if (update instanceof ExperimentUpdate.Observed o) {
            observed(t, o);
        } else if (update instanceof ExperimentUpdate.Moved m) {
            moved(t, m);
        } else if (update instanceof ExperimentUpdate.Left l) {
            Participant p = t.participants.remove(l.member());
            if (p != null) {
                t.arms[p.variant].add(p, -1); // the running p-values keep what was seen: they are the test's past
            }
        }
    }

    private void observed(Trial t, ExperimentUpdate.Observed o) {
        Participant p = t.participants.get(o.member());
        if (p == null) {
            if (!o.inPopulation() || o.variant() < 0 || o.variant() >= t.arms.length) {
                return;
            }
            p = new Participant();
            p.variant = o.variant();
            t.participants.put(o.member(), p);
        } else {
            t.arms[p.variant].add(p, -1);
        }
        p.exposures += o.exposure() ? 1 : 0;
        p.clicks += o.click() ? 1 : 0;
        p.conversions += o.conversion() ? 1 : 0;
        p.revenue += o.revenue();
        t.arms[p.variant].add(p, +1);
        t.test();
    }

    private void moved(Trial t, ExperimentUpdate.Moved m) {
        Participant from = t.participants.remove(m.from());
        if (from == null) {
            return;
        }
        t.arms[from.variant].add(from, -1);
        Participant to = t.participants.get(m.to());
        int variant = m.toVariant() >= 0 && m.toVariant() < t.arms.length ? m.toVariant() : from.variant;
        if (to != null) {
            t.arms[to.variant].add(to, -1);
            variant = to.variant;
        } else {
            to = new Participant();
            to.variant = variant;
            t.participants.put(m.to(), to);
        }
        if (from.variant != variant) {
            t.arms[variant].crossovers++;
        }
        to.exposures += from.exposures;
        to.clicks += from.clicks;
        to.conversions += from.conversions;
        to.revenue += from.revenue;
        t.arms[variant].add(to, +1);
        t.test();
    }

    /** The variant name a person is enrolled in, or null when they do not take part. */
    public String enrolledVariant(String experiment, String profileId) {
        Trial t = trials.get(experiment);
        Participant p = t == null ? null : t.participants.get(profileId);
        return p == null ? null : t.spec.variants().get(p.variant).name();
    }

    /** Each experiment a person takes part in, with their variant. */
    public Map<String, String> enrolment(String profileId) {
        Map<String, String> out = new TreeMap<>();
        for (String name : trials.keySet()) {
            String v = enrolledVariant(name, profileId);
            if (v != null) {
                out.put(name, v);
            }
        }
        return out;
    }

    /** The experiment's results now, or null when the definition declares no such experiment. */
    public ExperimentReport report(String experiment) {
        Trial t = trials.get(experiment);
        if (t == null) {
            return null;
        }
        List<ExperimentReport.VariantResult> out = new ArrayList<>();
        for (int i = 0; i < t.arms.length; i++) {
            Arm a = t.arms[i];
            List<ExperimentReport.Comparison> comparisons = new ArrayList<>();
            if (i > 0) {
                for (int m = 0; m < METRICS.length; m++) {
                    double diff = a.mean(m) - t.arms[0].mean(m);
                    double v = a.varianceOfMean(m) + t.arms[0].varianceOfMean(m);
                    double half = MixtureSequentialTest.halfWidth(v, t.tau(m), t.spec.alpha());
                    double p = t.minP[i][m];
                    comparisons.add(new ExperimentReport.Comparison(METRICS[m],
                            new ExperimentReport.Estimate(diff, diff - half, diff + half), p, p <= t.spec.alpha()));
                }
            }
            out.add(new ExperimentReport.VariantResult(t.spec.variants().get(i).name(), a.participants, a.exposures,
                    a.clicks, a.converted, a.revenue, a.crossovers, wilson(Math.min(a.clicks, a.exposures), a.exposures),
                    wilson(a.converted, a.participants), meanInterval(a), comparisons));
        }
        return new ExperimentReport(t.spec.name(), t.spec.alpha(), out);
    }

    private static final double Z95 = 1.959963984540054;

    /** Wilson's score interval: well-behaved near 0 and 1 and for small counts, unlike the Wald interval. */
    static ExperimentReport.Estimate wilson(long successes, long n) {
        if (n == 0) {
            return new ExperimentReport.Estimate(Double.NaN, Double.NaN, Double.NaN);
        }
        double p = (double) successes / n;
        double z2 = Z95 * Z95;
        double centre = (p + z2 / (2 * n)) / (1 + z2 / n);
        double half = Z95 * Math.sqrt(p * (1 - p) / n + z2 / (4.0 * n * n)) / (1 + z2 / n);
        return new ExperimentReport.Estimate(p, Math.max(0, centre - half), Math.min(1, centre + half));
    }

    private static ExperimentReport.Estimate meanInterval(Arm a) {
        if (a.participants == 0) {
            return new ExperimentReport.Estimate(Double.NaN, Double.NaN, Double.NaN);
        }
        double m = a.mean(REVENUE);
        double v = a.varianceOfMean(REVENUE);
        double half = Double.isNaN(v) ? Double.NaN : Z95 * Math.sqrt(v);
        return new ExperimentReport.Estimate(m, m - half, m + half);
    }

    public void encode(BinaryOut out) {
        out.writeByte(VERSION).writeVarInt(trials.size());
        trials.forEach((name, t) -> {
            out.writeString(name).writeVarInt(t.arms.length);
            for (int i = 0; i < t.arms.length; i++) {
                out.writeVarLong(t.arms[i].crossovers);
                for (double p : t.minP[i]) {
                    out.writeDouble(p);
                }
            }
            out.writeVarInt(t.participants.size());
            t.participants.forEach((id, p) -> out.writeString(id).writeVarInt(p.variant).writeVarLong(p.exposures)
                    .writeVarLong(p.clicks).writeVarLong(p.conversions).writeDouble(p.revenue));
        });
    }

    /**
     * Replaces the results with what {@link #encode} wrote. Arms are re-summed from the participants
     * (so a forgotten participant's share leaves them at a restart); an experiment whose variants changed
     * starts afresh.
     */
    public void restore(BinaryIn in) {
        in.expectVersion("experiment results", VERSION);
        int n = in.readLength();
        for (int k = 0; k < n; k++) {
            String name = in.readString();
            int arms = in.readLength();
            long[] crossovers = new long[arms];
            double[][] minP = new double[arms][METRICS.length];
            for (int i = 0; i < arms; i++) {
                crossovers[i] = in.readVarLong();
                for (int m = 0; m < METRICS.length; m++) {
                    minP[i][m] = in.readDouble();
                }
            }
            int count = in.readLength();
            ConcurrentSkipListMap<String, Participant> participants = new ConcurrentSkipListMap<>();
            for (int i = 0; i < count; i++) {
                String id = in.readString();
                Participant p = new Participant();
                p.variant = in.readVarInt();
                p.exposures = in.readVarLong();
                p.clicks = in.readVarLong();
                p.conversions = in.readVarLong();
                p.revenue = in.readDouble();
                participants.put(id, p);
            }
            Trial t = trials.get(name);
            if (t == null || t.arms.length != arms) {
                continue;
            }
            t.participants.clear();
            t.participants.putAll(participants);
            for (int i = 0; i < arms; i++) {
                t.arms[i] = new Arm();
                t.arms[i].crossovers = crossovers[i];
                t.minP[i] = minP[i];
            }
            participants.values().forEach(p -> t.arms[p.variant].add(p, +1));
        }
    }
}
