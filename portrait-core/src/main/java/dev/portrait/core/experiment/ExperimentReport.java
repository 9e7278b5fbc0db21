package dev.portrait.core.experiment;

import java.util.List;
import java.util.Objects;

/**
 * An experiment's results: each variant's figures with 95% confidence intervals (fixed-horizon, for
 * reading one variant), and each treatment's comparison with the control under the sequential test
 * (always valid: read them every day).
 *
 * @param name     the experiment
 * @param alpha    the sequential test's level
 * @param variants the control first, then the treatments
 */
public record ExperimentReport(String name, double alpha, List<VariantResult> variants) {
    public ExperimentReport {
        Objects.requireNonNull(name, "name");
        variants = List.copyOf(variants);
    }

    /** An estimate with its interval. */
    public record Estimate(double value, double lower, double upper) {
    }

    /**
     * One variant.
     *
     * @param participants     people enrolled (one per person after merges)
     * @param crossovers       participants whose merged profiles had been in another variant
     * @param ctr              clicks per exposure (Wilson interval)
     * @param conversion       share of participants who converted (Wilson interval)
     * @param revenuePerPerson revenue per participant (normal interval)
     * @param comparisons      against the control; empty for the control itself
     */
    public record VariantResult(String name, long participants, long exposures, long clicks, long converted,
                                double revenue, long crossovers, Estimate ctr, Estimate conversion,
                                Estimate revenuePerPerson, List<Comparison> comparisons) {
        public VariantResult {
            comparisons = List.copyOf(comparisons);
        }
    }

    /**
     * A treatment against the control on one metric.
     *
     * @param metric      {@code ctr}, {@code conversion} or {@code revenue_per_person}
     * @param difference  treatment minus control, with its always-valid (1 − α) interval
     * @param pValue      the always-valid p-value (the running minimum of 1/Λ)
     * @param significant whether {@code pValue <= alpha}
     */
    public record Comparison(String metric, Estimate difference, double pValue, boolean significant) {
    }
}
