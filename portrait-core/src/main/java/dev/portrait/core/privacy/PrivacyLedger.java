package dev.portrait.core.privacy;

import dev.portrait.core.PortraitException;

import java.time.LocalDate;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What each analyst (an API key, by a name that does not reveal it) has spent of their daily privacy
 * budget, for one UTC day. Immutable: {@link #charge} returns the ledger after the charge, so whoever
 * keeps it can persist the new one before the answer it pays for leaves.
 *
 * <p>Amounts are kept in whole units (micro-ε, 10⁻¹⁵ δ) and every charge is rounded up to a unit, so
 * ten charges of 0.1 spend exactly 1.0 and floating-point sums never let a query slip past the budget.
 * A day earlier than the ledger's (a clock set back) is charged to the ledger's day: the budget never
 * refills by moving the clock backwards.
 */
public record PrivacyLedger(LocalDate day, Map<String, Spent> spent) {
    /** Units per ε and per δ (divided by, not multiplied by their reciprocals: 900000 / 1e6 is 0.9, 900000 * 1e-6 is not). */
    static final double EPSILON_UNITS = 1e6;
    static final double DELTA_UNITS = 1e15;

    /** One analyst's spending, in units. */
    public record Spent(long microEpsilon, long femtoDelta) {
        public Spent {
            if (microEpsilon < 0 || femtoDelta < 0) {
                throw new IllegalArgumentException("spending is never negative, got " + microEpsilon + ", " + femtoDelta);
            }
        }

        public PrivacyCost cost() {
            return new PrivacyCost(microEpsilon / EPSILON_UNITS, femtoDelta / DELTA_UNITS);
        }

        Spent plus(Spent other) {
            return new Spent(Math.addExact(microEpsilon, other.microEpsilon), Math.addExact(femtoDelta, other.femtoDelta));
        }

        boolean within(Spent limit) {
            return microEpsilon <= limit.microEpsilon && femtoDelta <= limit.femtoDelta;
        }

        /** A cost rounded up to whole units (a budget is rounded down: see {@link #limitOf}). */
        static Spent chargeOf(PrivacyCost c) {
            return new Spent(up(c.epsilon() * EPSILON_UNITS), up(c.delta() * DELTA_UNITS));
        }

        static Spent limitOf(PrivacyCost c) {
            return new Spent(down(c.epsilon() * EPSILON_UNITS), down(c.delta() * DELTA_UNITS));
        }

        // tolerate the last-bit error of the scaling (a cost of 0.1 may come to 100000.00000000001 units), nothing more
        private static long up(double units) {
            return (long) Math.ceil(units - 1e-6);
        }

        private static long down(double units) {
            return (long) Math.floor(units + 1e-6);
        }
    }

    public PrivacyLedger {
        Objects.requireNonNull(day, "day");
        spent = Map.copyOf(spent);
    }

    public static PrivacyLedger empty(LocalDate day) {
        return new PrivacyLedger(day, Map.of());
    }

    /** What {@code analyst} has spent on {@code today} (nothing on a day after the ledger's). */
    public PrivacyCost spent(String analyst, LocalDate today) {
        return onDay(today).spent.getOrDefault(analyst, new Spent(0, 0)).cost();
    }

    /**
     * The ledger with {@code cost} charged to {@code analyst}.
     *
     * @throws PortraitException {@code privacy_budget_exhausted} when the charge would take the analyst
     *         past {@code budget} today; nothing is charged then
     */
    public PrivacyLedger charge(String analyst, PrivacyCost cost, PrivacyCost budget, LocalDate today) {
        Objects.requireNonNull(analyst, "analyst");
        PrivacyLedger current = onDay(today);
        Spent before = current.spent.getOrDefault(analyst, new Spent(0, 0));
        Spent after = before.plus(Spent.chargeOf(cost));
        if (!after.within(Spent.limitOf(budget))) {
            throw new PortraitException("privacy_budget_exhausted", String.format(java.util.Locale.ROOT,
                    "this key's differential-privacy budget for %s (UTC) is spent: %s of %s used, this query needs %s; "
                            + "it refills at %sT00:00:00Z", current.day, describe(before.cost()), describe(budget),
                    describe(cost), current.day.plusDays(1)), "epsilon");
        }
        Map<String, Spent> next = new HashMap<>(current.spent);
        next.put(analyst, after);
        return new PrivacyLedger(current.day, next);
    }

    private PrivacyLedger onDay(LocalDate today) {
        return today.isAfter(day) ? empty(today) : this;
    }

    private static String describe(PrivacyCost c) {
        return c.delta() == 0 ? "ε=" + round(c.epsilon()) : "ε=" + round(c.epsilon()) + ", δ=" + c.delta();
    }

    private static String round(double x) {
        return String.valueOf(Math.round(x * 1e6) / 1e6);
    }
}
