package dev.portrait.server.port;

import dev.portrait.core.PortraitException;
import dev.portrait.core.privacy.DpRequest;
import dev.portrait.core.privacy.NoisyCount;
import dev.portrait.core.privacy.NoisyStatistics;
import dev.portrait.core.privacy.PrivacyCost;

import java.util.List;

/**
 * Differentially private releases of exact aggregates, each paid from the analyst's daily budget
 * before it is made. An analyst is an API key under a name that does not reveal it.
 *
 * <p>Every method charges first, persistently, and only then draws the noise: an answer that left
 * without its charge recorded would let a restart refill the budget.
 */
public interface PrivacyPort {
    /** A runtime without a budget store: every private read answers 501. */
    PrivacyPort UNAVAILABLE = new PrivacyPort() {
        @Override
        public List<NoisyCount> counts(String analyst, PrivacyCost dailyBudget, DpRequest request, long[] exact) {
            throw unavailable();
        }

        @Override
        public NoisyStatistics statistics(String analyst, PrivacyCost dailyBudget, DpRequest request,
                                          AudienceStatistics exact, double lower, double upper) {
            throw unavailable();
        }

        @Override
        public PrivacyCost spentToday(String analyst) {
            return PrivacyCost.NONE;
        }

        @Override
        public long suppressBelow() {
            return 0;
        }

        private PortraitException unavailable() {
            return new PortraitException("not_supported", "this runtime keeps no privacy budget, so it answers no "
                    + "differentially private reads", "privacy");
        }
    };

    /**
     * Counts a person may all be in (segment sizes, or one audience), sharing the request's ε.
     *
     * @throws PortraitException {@code privacy_budget_exhausted} (429) when the charge does not fit today
     */
    List<NoisyCount> counts(String analyst, PrivacyCost dailyBudget, DpRequest request, long[] exact);

    /**
     * Count, sum and mean of a feature over an audience, the values clamped to {@code [lower, upper]}.
     *
     * @throws PortraitException {@code privacy_budget_exhausted} (429) when the charge does not fit today
     */
    NoisyStatistics statistics(String analyst, PrivacyCost dailyBudget, DpRequest request, AudienceStatistics exact,
                               double lower, double upper);

    /** What the analyst has spent today (UTC). */
    PrivacyCost spentToday(String analyst);

    /** Noisy counts below this are answered as suppressed. */
    long suppressBelow();
}
