package dev.portrait.server.runtime.read;

import dev.portrait.core.PortraitException;
import dev.portrait.core.privacy.PrivacyCost;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.UncheckedIOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The budget ledger survives a restart, refills at UTC midnight, and refuses to start from a broken file. */
class PrivacyBudgetsTest {
    private static final PrivacyCost BUDGET = new PrivacyCost(1.0, 1e-5);
    private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-12-03T23:00:00Z"));
    private final InstantSource clock = now::get;

    @TempDir
    Path dir;

    @Test
    void aRestartDoesNotRefillTheBudget() {
        Path file = dir.resolve("privacy-budget.json");
        PrivacyBudgets budgets = new PrivacyBudgets(file, clock);
        budgets.charge("key_a", PrivacyCost.pure(0.75), BUDGET);

        PrivacyBudgets reopened = new PrivacyBudgets(file, clock);
        assertThat(reopened.spentToday("key_a").epsilon()).isEqualTo(0.75);
        assertThatThrownBy(() -> reopened.charge("key_a", PrivacyCost.pure(0.5), BUDGET))
                .isInstanceOf(PortraitException.class)
                .extracting(e -> ((PortraitException) e).code()).isEqualTo("privacy_budget_exhausted");
        assertThat(new PrivacyBudgets(file, clock).spentToday("key_a").epsilon()).as("a refused charge is not written")
                .isEqualTo(0.75);
    }

    @Test
    void theBudgetRefillsAtMidnightUtc() {
        PrivacyBudgets budgets = new PrivacyBudgets(dir.resolve("b.json"), clock);
        budgets.charge("key_a", PrivacyCost.pure(1.0), BUDGET);
        now.set(now.get().plus(Duration.ofHours(1)));
        assertThat(budgets.spentToday("key_a").epsilon()).isZero();
        budgets.charge("key_a", PrivacyCost.pure(1.0), BUDGET);
        assertThat(new PrivacyBudgets(dir.resolve("b.json"), clock).spentToday("key_a").epsilon()).isEqualTo(1.0);
    }

    @Test
    void theLedgerFileIsReadableByItsOwnerOnlyAndHoldsNoKey() throws Exception {
        Path file = dir.resolve("b.json");
        new PrivacyBudgets(file, clock).charge("key_0123456789abcdef01234567", PrivacyCost.pure(0.1), BUDGET);
        if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        }
        assertThat(Files.readString(file)).contains("\"day\":\"2026-12-03\"").contains("\"microEpsilon\":100000");
        assertThat(dir.resolve("b.json.tmp")).doesNotExist();
    }

    @Test
    void aBrokenLedgerFileStopsTheStartRatherThanRefillingEveryBudget() throws Exception {
        Path file = dir.resolve("b.json");
        Files.writeString(file, "{\"day\":\"not a day\"");
        assertThatThrownBy(() -> new PrivacyBudgets(file, clock)).isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining("refills today's budgets");
    }
}
