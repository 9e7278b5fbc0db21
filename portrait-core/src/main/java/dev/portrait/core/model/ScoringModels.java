package dev.portrait.core.model;

import dev.portrait.core.encoding.BinaryIn;
import dev.portrait.core.encoding.BinaryOut;
import dev.portrait.core.experiment.ExperimentResults;

import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * What scoring one person reads from the shared models, usually frozen at one moment: the propensity weights,
 * the persona centroids, the principal components' basis and the regression's weights, each a copy no
 * one changes afterwards. A runtime makes one on the models' thread now and then
 * ({@link SharedModels#scoring()}) and hands it to readers on any thread, so reading a profile's scores
 * never queues behind the models' learning.
 *
 * <p>{@link #live} wraps the models themselves instead, for a read on the thread that owns them.
 *
 * <p>The experiments' enrolment is read live: {@link ExperimentResults#enrolment} is safe to call from
 * any thread, and copying every participant at each refresh would cost more than the scores together.
 */
public final class ScoringModels {
    /** The propensity model's prediction (the live model's, or a frozen copy's); null without one. */
    final ToDoubleFunction<Map<String, Double>> propensity;
    final StreamingKMeans personas;
    final IncrementalPca pcaBasis;
    final OnlineLinearRegression regression;
    final ExperimentResults experiments;

    private ScoringModels(ToDoubleFunction<Map<String, Double>> propensity, StreamingKMeans personas, IncrementalPca pcaBasis,
                          OnlineLinearRegression regression, ExperimentResults experiments) {
        this.propensity = propensity;
        this.personas = personas;
        this.pcaBasis = pcaBasis;
        this.regression = regression;
        this.experiments = experiments;
    }

    /**
     * {@code shared}'s scoring parts themselves, not copied: only for the thread that owns {@code shared}
     * (a read queued on the models' thread, a test), which pays no copy for a single read.
     */
    static ScoringModels live(SharedModels shared) {
        return new ScoringModels(shared.propensity == null ? null : shared.propensity::predict, shared.personas,
                shared.pcaBasis, shared.regression, shared.experiments);
    }

    /** Copies of {@code shared}'s scoring parts, for any thread; runs on the thread that owns {@code shared}. */
    static ScoringModels of(SharedModels shared) {
        StreamingKMeans personas = shared.personas == null ? null : StreamingKMeans.decode(new BinaryIn(bytes(shared.personas)));
        OnlineLinearRegression regression = null;
        if (shared.regression != null) {
            regression = OnlineLinearRegression.decode(new BinaryIn(bytes(shared.regression)));
            regression.predict(Map.of()); // solves its weights now: predict would otherwise do it lazily, a write
        }
        // the basis is already a copy the models' thread never changes (SharedModels replaces it instead); its
        // decomposition is lazy, a write on first use, so it is made here before readers on other threads share it
        if (shared.pcaBasis != null) {
            shared.pcaBasis.explainedVariance();
        }
        return new ScoringModels(shared.propensity == null ? null : shared.propensity.frozen()::predict, personas,
                shared.pcaBasis, regression, shared.experiments);
    }

    /** The experiments the person takes part in, with their variants (empty when none). */
    Map<String, String> enrolment(String profileId) {
        return experiments == null ? Map.of() : experiments.enrolment(profileId);
    }

    private static byte[] bytes(StreamingKMeans k) {
        BinaryOut out = new BinaryOut(1024);
        k.encode(out);
        return out.toByteArray();
    }

    private static byte[] bytes(OnlineLinearRegression r) {
        BinaryOut out = new BinaryOut(1024);
        r.encode(out);
        return out.toByteArray();
    }
}
