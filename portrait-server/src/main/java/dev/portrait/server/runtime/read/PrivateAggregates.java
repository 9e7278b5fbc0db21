package dev.portrait.server.runtime.read;

import dev.portrait.core.privacy.AggregateReleases;
import dev.portrait.core.privacy.DpRequest;
import dev.portrait.core.privacy.NoisyCount;
import dev.portrait.core.privacy.NoisyStatistics;
import dev.portrait.core.privacy.PrivacyCost;
import dev.portrait.server.port.AudienceStatistics;
import dev.portrait.server.port.PrivacyPort;

import java.security.SecureRandom;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * The privacy port of a server: charges the {@link PrivacyBudgets} ledger, then releases with noise from
 * a {@link SecureRandom} (a seeded or otherwise predictable generator would let a reader who learns its
 * state subtract the noise). The generator is shared by the HTTP threads; {@code SecureRandom} is
 * thread-safe.
 */
public final class PrivateAggregates implements PrivacyPort {
    private final PrivacyBudgets budgets;
    private final long suppressBelow;
    private final RandomGenerator random;

    /** Serving: noise from a fresh {@link SecureRandom}. */
    public PrivateAggregates(PrivacyBudgets budgets, long suppressBelow) {
        this(budgets, suppressBelow, new SecureRandom());
    }

    /** With noise from {@code random}: a seeded generator in tests, never in serving. */
    public PrivateAggregates(PrivacyBudgets budgets, long suppressBelow, RandomGenerator random) {
        if (suppressBelow < 0) {
            throw new IllegalArgumentException("the suppression threshold must not be negative, got " + suppressBelow);
        }
        this.budgets = budgets;
        this.suppressBelow = suppressBelow;
        this.random = random;
    }

    @Override
    public List<NoisyCount> counts(String analyst, PrivacyCost dailyBudget, DpRequest request, long[] exact) {
        budgets.charge(analyst, AggregateReleases.countCost(request), dailyBudget);
        return AggregateReleases.counts(exact, request, suppressBelow, random);
    }

    @Override
    public NoisyStatistics statistics(String analyst, PrivacyCost dailyBudget, DpRequest request,
                                      AudienceStatistics exact, double lower, double upper) {
        budgets.charge(analyst, AggregateReleases.statisticsCost(request, lower, upper), dailyBudget);
        return AggregateReleases.statistics(exact.count(), exact.sum(), lower, upper, request, suppressBelow, random);
    }

    @Override
    public PrivacyCost spentToday(String analyst) {
        return budgets.spentToday(analyst);
    }

    @Override
    public long suppressBelow() {
        return suppressBelow;
    }
}
