package dev.portrait.core.privacy;

import dev.portrait.core.PortraitException;
import org.junit.jupiter.api.Test;

import java.time.LocalDate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

/** Sequential composition: costs add, the budget is a hard ceiling per analyst per UTC day. */
class PrivacyLedgerTest {
    private static final LocalDate DAY = LocalDate.of(2026, 12, 3);
    private static final PrivacyCost BUDGET = new PrivacyCost(1.0, 1e-5);

    @Test
    void tenChargesOfOneTenthSpendExactlyTheBudgetAndTheEleventhIsRefused() {
        PrivacyLedger ledger = PrivacyLedger.empty(DAY);
        for (int i = 0; i < 10; i++) {
            ledger = ledger.charge("k1", PrivacyCost.pure(0.1), BUDGET, DAY);
        }
        assertThat(ledger.spent("k1", DAY).epsilon()).isEqualTo(1.0);
        PrivacyLedger spent = ledger;
        assertThatThrownBy(() -> spent.charge("k1", PrivacyCost.pure(0.1), BUDGET, DAY))
                .isInstanceOf(PortraitException.class)
                .hasMessageContaining("ε=1.0 of ε=1.0")
                .hasMessageContaining("2026-12-04T00:00:00Z")
                .extracting(e -> ((PortraitException) e).code()).isEqualTo("privacy_budget_exhausted");
    }

    @Test
    void mixedChargesComposeBySummingEpsilonAndDelta() {
        PrivacyLedger ledger = PrivacyLedger.empty(DAY)
                .charge("k1", PrivacyCost.pure(0.25), BUDGET, DAY)
                .charge("k1", new PrivacyCost(0.5, 4e-6), BUDGET, DAY)
                .charge("k2", PrivacyCost.pure(0.9), BUDGET, DAY);
        assertThat(ledger.spent("k1", DAY).epsilon()).isEqualTo(0.75);
        assertThat(ledger.spent("k1", DAY).delta()).isCloseTo(4e-6, offset(1e-18));
        assertThat(ledger.spent("k2", DAY).epsilon()).isEqualTo(0.9);
        // δ runs out before ε does
        PrivacyLedger l = ledger.charge("k1", new PrivacyCost(0.01, 6e-6), BUDGET, DAY);
        assertThatThrownBy(() -> l.charge("k1", new PrivacyCost(0.01, 1e-9), BUDGET, DAY))
                .hasMessageContaining("δ=");
    }

    @Test
    void aRefusedChargeLeavesTheLedgerAsItWas() {
        PrivacyLedger ledger = PrivacyLedger.empty(DAY).charge("k1", PrivacyCost.pure(0.7), BUDGET, DAY);
        assertThatThrownBy(() -> ledger.charge("k1", PrivacyCost.pure(0.4), BUDGET, DAY));
        assertThat(ledger.spent("k1", DAY).epsilon()).isEqualTo(0.7);
        assertThat(ledger.charge("k1", PrivacyCost.pure(0.3), BUDGET, DAY).spent("k1", DAY).epsilon()).isEqualTo(1.0);
    }

    @Test
    void theNextDayRefillsButAClockSetBackDoesNot() {
        PrivacyLedger ledger = PrivacyLedger.empty(DAY).charge("k1", PrivacyCost.pure(1.0), BUDGET, DAY);
        PrivacyLedger tomorrow = ledger.charge("k1", PrivacyCost.pure(0.5), BUDGET, DAY.plusDays(1));
        assertThat(tomorrow.day()).isEqualTo(DAY.plusDays(1));
        assertThat(tomorrow.spent("k1", DAY.plusDays(1)).epsilon()).isEqualTo(0.5);
        assertThatThrownBy(() -> tomorrow.charge("k1", PrivacyCost.pure(0.6), BUDGET, DAY))
                .hasMessageContaining("2026-12-04");
    }

    @Test
    void chargesRoundUpToAMicroEpsilon() {
        PrivacyLedger ledger = PrivacyLedger.empty(DAY).charge("k1", PrivacyCost.pure(1e-9), BUDGET, DAY);
        assertThat(ledger.spent("k1", DAY).epsilon()).isEqualTo(1e-6);
    }
}
