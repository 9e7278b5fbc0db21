package dev.portrait.store;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static dev.portrait.store.TestEvents.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What every store's per-profile history (the log-position index) must do. */
abstract class ProfileHistoryContractTest {
    protected PortraitStore store;

    /** A fresh, empty store on each call. */
    protected abstract PortraitStore newStore(StoreOptions options);

    @BeforeEach
    void openStore() {
        store = newStore(StoreOptions.defaults());
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    /** Appends {@code n} events to the log so that write-backs may commit at positions up to it. */
    private void logEvents(int n) {
        List<EventRecord> records = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            records.add(TestEvents.record("m" + i, "u" + i, T0 + i));
        }
        store.events().append(records);
    }

    @Test
    void entriesOfSeveralWriteBacksReadBackOldestFirst() {
        logEvents(20);
        store.writeBack().appendHistory("p1", new HistoryBuffer().event(3).event(7).timer(T0 + 5)).commit(7);
        store.writeBack().appendHistory("p1", new HistoryBuffer().merge(9, "p2").event(9).event(15))
                .appendHistory("p12", new HistoryBuffer().event(11)).commit(15);

        assertThat(store.history().entries("p1")).containsExactly(new HistoryEntry.Event(3), new HistoryEntry.Event(7),
                new HistoryEntry.Timer(T0 + 5), new HistoryEntry.Merge(9, "p2"), new HistoryEntry.Event(9),
                new HistoryEntry.Event(15));
        assertThat(store.history().entries("p12")).containsExactly(new HistoryEntry.Event(11));
        assertThat(store.history().entries("p2")).isEmpty();
    }

    @Test
    void twoWriteBacksAtTheSamePositionKeepBothChunks() {
        logEvents(5);
        store.writeBack().appendHistory("p1", new HistoryBuffer().event(5)).commit(5);
        store.writeBack().appendHistory("p1", new HistoryBuffer().timer(T0 + 60_000)).commit(5); // a timer, no event

        assertThat(store.history().entries("p1")).containsExactly(new HistoryEntry.Event(5),
                new HistoryEntry.Timer(T0 + 60_000));
    }

    @Test
    void packedEntriesRoundTripWhateverTheirMix() {
        long seed = new SplittableRandom().nextLong();
        SplittableRandom random = new SplittableRandom(seed);
        HistoryBuffer buffer = new HistoryBuffer();
        List<HistoryEntry> expected = new ArrayList<>();
        long sequence = 1;
        for (int i = 0; i < 2_000; i++) {
            int kind = random.nextInt(10);
            if (kind < 7) {
                sequence += random.nextInt(3) == 0 ? random.nextLong(1, 1L << 40) : random.nextInt(0, 300);
                buffer.event(sequence);
                expected.add(new HistoryEntry.Event(sequence));
            } else if (kind < 9) {
                long time = random.nextLong(-1L << 45, 1L << 45);
                buffer.timer(time);
                expected.add(new HistoryEntry.Timer(time));
            } else {
                sequence += random.nextInt(0, 5);
                String loser = "loser-" + random.nextInt(1000);
                buffer.merge(sequence, loser);
                expected.add(new HistoryEntry.Merge(sequence, loser));
            }
        }
        assertThat(buffer.decoded()).as("seed %d", seed).isEqualTo(expected);
        assertThat(buffer.entries()).isEqualTo(expected.size());
    }

    @Test
    void anEventCostsAByteOrTwoInABusyLog() {
        HistoryBuffer buffer = new HistoryBuffer();
        long sequence = 10_000_000;
        for (int i = 0; i < 1_000; i++) {
            sequence += 1 + (i * 7919L) % 3_000; // a profile touched every few thousand events of the log
            buffer.event(sequence);
        }
        assertThat(buffer.bytes().length).isLessThanOrEqualTo(2 * 1_000 + 4);
    }

    @Test
    void sequencesMustRunForward() {
        HistoryBuffer buffer = new HistoryBuffer().event(10);
        assertThatThrownBy(() -> buffer.event(9)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("9 after 10");
        assertThatThrownBy(() -> new HistoryBuffer().event(0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void clearingDerivedStateClearsEveryHistory() {
        logEvents(3);
        store.writeBack().appendHistory("p1", new HistoryBuffer().event(1)).appendHistory("p2", new HistoryBuffer().event(2))
                .commit(3);

        store.clearDerivedState();

        assertThat(store.history().entries("p1")).isEmpty();
        assertThat(store.history().entries("p2")).isEmpty();
    }

    @Test
    void aWriteBackThatFailsLeavesNoHistory() {
        logEvents(3);
        WriteBack wb = store.writeBack().appendHistory("p1", new HistoryBuffer().event(1));

        assertThatThrownBy(() -> wb.commit(99)).isInstanceOf(StoreException.class);

        assertThat(store.history().entries("p1")).isEmpty();
    }
}
