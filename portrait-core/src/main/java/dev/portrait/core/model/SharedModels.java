package dev.portrait.core.model;

import dev.portrait.core.account.Accounts;
import dev.portrait.core.encoding.BinaryIn;
import dev.portrait.core.experiment.ExperimentResults;
import dev.portrait.core.encoding.BinaryOut;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The models' state that belongs to no one person: item co-occurrence and popularity, the persona
 * centroids, the propensity weights, and the counts the dashboards show. A runtime holds one per
 * engine and checkpoints it on its own ({@link #encode} at a log position, {@link #restore} before
 * replaying the events after it). It changes only through {@link #absorb}, in step order.
 *
 * <p>No person's identifiers or history are kept here: items, categories, weights and centroids only.
 */
public final class SharedModels {
    private static final int VERSION = 4;

    private final DeclaredModels declared;
    ItemStatistics items;
    final Recommender recommender;
    final Map<String, String> categoryOfItem = new HashMap<>();
    StreamingKMeans personas;
    OnlineLogisticRegression propensity;
    OnlineLinearRegression regression;
    IncrementalPca pca;
    /**
     * A frozen copy of {@link #pca} that personas in component space project with: components are an
     * eigen-decomposition (about a millisecond at 32 features), so the basis is refreshed every
     * {@link #BASIS_EVERY} samples rather than on each.
     */
    IncrementalPca pcaBasis;
    long pcaSamples;
    static final int BASIS_EVERY = 256;
    /** Daily samples assigned to each persona, decayed with {@link #SIZE_HALF_LIFE}: its active people. */
    double[] personaSizes;
    long sizesAt = Long.MIN_VALUE;
    long suspectedBots;
    /** See {@link #scoringChanged()}. */
    private boolean scoringChanged = true;
    /** The accounts' profiles (the definition's {@code accounts:}), or null without one. */
    final Accounts accounts;
    /** The experiments' results (the definition's {@code experiments:}), or null without any. */
    final ExperimentResults experiments;
    /** The feedback join's totals (the recommender's {@code feedback:}), or null without one. */
    final FeedbackCounts feedback;
    static final long SIZE_HALF_LIFE = 7L * 24 * 3_600_000;

    SharedModels(DeclaredModels declared) {
        this.declared = declared;
        this.items = declared.itemConfig == null ? null : new ItemStatistics(declared.itemConfig);
        this.recommender = declared.recommenderConfig == null ? null : new Recommender(declared.recommenderConfig);
        this.personas = declared.personaConfig == null ? null : new StreamingKMeans(declared.personaConfig);
        // personas: in feature space (Sample updates) or in the components' space (PcaSample updates)
        this.personaSizes = new double[declared.personaConfig == null ? 0 : declared.personaConfig.k()];
        this.propensity = declared.propensityConfig == null ? null
                : new OnlineLogisticRegression(OnlineLogisticRegression.Config.defaults());
        this.regression = declared.regressionConfig == null ? null : new OnlineLinearRegression(declared.regressionConfig);
        this.pca = declared.pcaConfig == null ? null : new IncrementalPca(declared.pcaConfig);
        this.accounts = declared.accountSpecs().declared() ? new Accounts(declared.accountSpecs()) : null;
        this.experiments = declared.experimentSpecs().experiments().isEmpty() ? null
                : new ExperimentResults(declared.experimentSpecs());
        this.feedback = declared.feedback == null ? null : new FeedbackCounts();
    }

    /** Learns what one engine step asks, in order. */
    public void absorb(java.util.List<ModelUpdate> updates) {
        for (int i = 0; i < updates.size(); i++) {
            absorb(updates.get(i));
        }
    }

    /** Learns one update. */
    public void absorb(ModelUpdate update) {
        // an instanceof chain, not a pattern switch: the bytecode targets Java 17
        if (update instanceof ModelUpdate.Interaction i) {
            items.observe(i.event(), i.history());
            String property = declared.categoryProperty;
            if (property != null && i.event().properties().get(property) instanceof String category) {
                for (String item : items.itemsOf(i.event())) {
                    categoryOfItem.put(item, category);
                }
            }
        } else if (update instanceof ModelUpdate.Labelled l) {
            propensity.update(l.example().features(), l.example().label());
            scoringChanged = true;
        } else if (update instanceof ModelUpdate.Settled s) {
            settled(s.outcome());
            scoringChanged = true;
        } else if (update instanceof ModelUpdate.Sample s) {
            scoringChanged = true;
            if (personas != null) {
                personas.observe(s.vector());
                personas.assign(s.vector()).ifPresent(a -> countSample(a.cluster(), s.time()));
            }
        } else if (update instanceof ModelUpdate.PcaSample s) {
            scoringChanged = true;
            pca.observe(s.vector());
            pcaSamples++;
            if (pca.ready() && (pcaBasis == null || pcaSamples % BASIS_EVERY == 0)) {
                pcaBasis = basisOf(pca);
                scoringChanged = true;
            }
            if (declared.personasInPcaSpace && pcaBasis != null && personas != null) {
                double[] z = pcaBasis.project(s.vector());
                personas.observe(z);
                personas.assign(z).ifPresent(a -> countSample(a.cluster(), s.time()));
            }
        } else if (update instanceof ModelUpdate.SuspectedBots b) {
            suspectedBots = Math.max(0, suspectedBots + b.delta());
        } else if (update instanceof ModelUpdate.ForAccount a && accounts != null) {
            accounts.absorb(a.update());
        } else if (update instanceof ModelUpdate.ForExperiment e && experiments != null) {
            experiments.absorb(e.update());
        } else if (update instanceof ModelUpdate.Feedback f && feedback != null) {
            feedback.absorb(f);
        } else if (update instanceof ModelUpdate.FeedbackUnjoined u && feedback != null) {
            feedback.absorb(u);
        }
    }

    private void countSample(int persona, long time) {
        if (sizesAt != Long.MIN_VALUE && time > sizesAt) {
            double fade = Math.pow(2.0, -(double) (time - sizesAt) / SIZE_HALF_LIFE);
            for (int i = 0; i < personaSizes.length; i++) {
                personaSizes[i] *= fade;
            }
        }
        sizesAt = sizesAt == Long.MIN_VALUE ? time : Math.max(sizesAt, time);
        if (persona >= 0 && persona < personaSizes.length) {
            personaSizes[persona] += 1;
        }
    }

    private void settled(DelayedOutcomes.Outcome outcome) {
        regression.update(outcome.features(), outcome.value());
    }

    /** A frozen copy of the components, never changed afterwards (its decomposition is computed on first use). */
    private static IncrementalPca basisOf(IncrementalPca pca) {
        return IncrementalPca.decode(new BinaryIn(encoded(pca)));
    }

    /**
     * Whether anything scoring reads (propensity, personas, the components' basis, the regression) has
     * learned since the last {@link #scoring()}: the runtime refreshes its frozen copy only then.
     */
    public boolean scoringChanged() {
        return scoringChanged;
    }

    /**
     * The scoring parts frozen now ({@link ScoringModels}), for readers on other threads; call it on the
     * thread that absorbs. Costs a pass over the propensity model's coordinates (2^18 by default, well
     * under a millisecond) and copies of the small centroid and regression tables.
     */
    public ScoringModels scoring() {
        scoringChanged = false;
        return ScoringModels.of(this);
    }

    private static byte[] encoded(IncrementalPca p) {
        BinaryOut out = new BinaryOut(1024);
        p.encode(out);
        return out.toByteArray();
    }

    /** Items in the co-occurrence table (0 without a recommender). */
    public int items() {
        return items == null ? 0 : items.size();
    }

    /** Profiles whose bot score is at or above the threshold, as counted when scores crossed it. */
    public long suspectedBots() {
        return suspectedBots;
    }

    /** The regression model's prequential errors, or null without one. */
    public PrequentialErrors regressionMetrics() {
        return regression == null ? null : regression.metrics();
    }

    /** The principal components as learned so far, or null without the model (or before two vectors). */
    public IncrementalPca principalComponents() {
        return pca == null || !pca.ready() ? null : pca;
    }

    /** The accounts (read them on the thread that absorbs), or null when the definition declares none. */
    public Accounts accounts() {
        return accounts;
    }

    /** The experiments' results (read them on the thread that absorbs), or null without experiments. */
    public ExperimentResults experiments() {
        return experiments;
    }

    /** The feedback join's totals (read them on the thread that absorbs), or null without a feedback section. */
    public FeedbackCounts feedback() {
        return feedback;
    }

    /** The propensity model's prequential quality, or null without one. */
    public PrequentialMetrics propensityMetrics() {
        return propensity == null ? null : propensity.metrics();
    }

    /** The checkpoint: every part in a fixed order, each tagged present or absent. */
    public byte[] encode() {
        BinaryOut out = new BinaryOut(4096);
        out.writeByte(VERSION);
        out.writeString(declared.fingerprint());
        out.writeBoolean(items != null);
        if (items != null) {
            items.encode(out);
            out.writeVarInt(categoryOfItem.size());
            new TreeMap<>(categoryOfItem).forEach((k, v) -> out.writeString(k).writeString(v));
        }
        out.writeBoolean(personas != null);
        if (personas != null) {
            personas.encode(out);
            out.writeSignedVarLong(sizesAt).writeVarInt(personaSizes.length);
            for (double s : personaSizes) {
                out.writeDouble(s);
            }
        }
        out.writeBoolean(propensity != null);
        if (propensity != null) {
            propensity.encode(out);
        }
        out.writeBoolean(regression != null);
        if (regression != null) {
            regression.encode(out);
        }
        out.writeBoolean(pca != null);
        if (pca != null) {
            pca.encode(out);
            out.writeVarLong(pcaSamples);
        }
        out.writeVarLong(suspectedBots);
        out.writeBoolean(accounts != null);
        if (accounts != null) {
            accounts.encode(out);
        }
        out.writeBoolean(experiments != null);
        if (experiments != null) {
            experiments.encode(out);
        }
        // appended last, so a checkpoint written before the feedback loop existed still restores
        out.writeBoolean(feedback != null);
        if (feedback != null) {
            feedback.encode(out);
        }
        return out.toByteArray();
    }

    /**
     * Restores what {@link #encode} wrote. A checkpoint written under other model settings (another
     * {@code models:} section) is ignored: the models start afresh and learn from the events replayed
     * after it, rather than mixing two configurations. Returns whether it was taken.
     */
    public boolean restore(byte[] bytes) {
        if (bytes == null) {
            return false;
        }
        BinaryIn in = new BinaryIn(bytes);
        if (bytes.length == 0 || bytes[0] != VERSION) {
            return false; // an older layout (the server's blob of issue 5): start afresh
        }
        in.expectVersion("shared models", VERSION);
        if (!declared.fingerprint().equals(in.readString())) {
            return false;
        }
        if (in.readBoolean()) {
            items = ItemStatistics.decode(in);
            int n = in.readLength();
            for (int i = 0; i < n; i++) {
                categoryOfItem.put(in.readString(), in.readString());
            }
        }
        if (in.readBoolean()) {
            personas = StreamingKMeans.decode(in);
            sizesAt = in.readSignedVarLong();
            int n = in.readLength();
            personaSizes = new double[n];
            for (int i = 0; i < n; i++) {
                personaSizes[i] = in.readDouble();
            }
        }
        if (in.readBoolean()) {
            propensity = OnlineLogisticRegression.decode(in);
        }
        if (in.readBoolean()) {
            regression = OnlineLinearRegression.decode(in);
        }
        if (in.readBoolean()) {
            pca = IncrementalPca.decode(in);
            pcaSamples = in.readVarLong();
            pcaBasis = pca.ready() ? basisOf(pca) : null;
        }
        suspectedBots = in.readVarLong();
        if (in.readBoolean() && accounts != null) {
            accounts.restore(in);
        }
        if (in.readBoolean() && experiments != null) {
            experiments.restore(in);
        }
        if (in.hasMore() && in.readBoolean() && feedback != null) {
            feedback.restore(in);
        }
        scoringChanged = true;
        return true;
    }
}
