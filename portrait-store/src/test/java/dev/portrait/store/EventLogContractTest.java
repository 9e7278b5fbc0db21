package dev.portrait.store;

import dev.portrait.core.event.Event;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static dev.portrait.store.TestEvents.T0;
import static dev.portrait.store.TestEvents.record;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What every event log must do; the in-memory and the RocksDB store each extend this. */
abstract class EventLogContractTest {
    private static final long DAY = Duration.ofDays(1).toMillis();

    protected PortraitStore store;
    protected EventLog log;

    /** A fresh, empty store on each call. */
    protected abstract PortraitStore newStore(StoreOptions options);

    @BeforeEach
    void openStore() {
        store = newStore(StoreOptions.defaults());
        log = store.events();
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    @Test
    void anEmptyLogHasNoRecordsAndPositionZero() {
        assertThat(log.lastSequence()).isZero();
        assertThat(log.read(1, 10)).isEmpty();
        assertThat(log.replay(1).hasNext()).isFalse();
    }

    @Test
    void appendedRecordsGetConsecutiveSequencesAndReadBackInOrder() {
        long[] first = log.append(List.of(record("m1", "u1", T0), record("m2", "u2", T0 + 1)));
        long[] second = log.append(List.of(record("m3", "u1", T0 + 2)));

        assertThat(first).containsExactly(1, 2);
        assertThat(second).containsExactly(3);
        assertThat(log.lastSequence()).isEqualTo(3);
        List<LogEntry> all = log.read(1, 10);
        assertThat(all).extracting(LogEntry::sequence).containsExactly(1L, 2L, 3L);
        assertThat(all).extracting(e -> e.decode().messageId()).containsExactly("m1", "m2", "m3");
        assertThat(all).extracting(LogEntry::receivedAt).containsExactly(T0, T0 + 1, T0 + 2);
    }

    @Test
    void aRecordReadsBackAsTheEventThatWasAppended() {
        EventRecord r = record("m1", "u1", T0);
        log.append(List.of(r));

        LogEntry back = log.read(1, 1).get(0);
        assertThat(back.event()).isEqualTo(dev.portrait.store.log.EventCompression.open(r.event(), 0, r.event().length));
        assertThat(back.decode()).isEqualTo(TestEvents.track("m1", "u1", null, "Product Viewed", T0, "product_id", "sku-m1"));
    }

    @Test
    void aGroupLargerThanABlockReadsBackFromAnyPositionInsideIt() {
        List<EventRecord> records = new ArrayList<>();
        int n = StoredEventLog.MAX_BLOCK_RECORDS * 2 + 17;
        for (int i = 1; i <= n; i++) {
            records.add(record("m" + i, "u" + (i % 13), T0 + i));
        }
        log.append(List.of(record("m0", "u0", T0)));
        log.append(records);

        for (long from : new long[] {1, 2, 3, 2048, 2049, 2050, 4097, n - 3}) {
            List<LogEntry> page = log.read(from, 5);
            assertThat(page).as("from %d", from).extracting(LogEntry::sequence)
                    .containsExactly(java.util.stream.LongStream.range(from, from + 5).boxed().toArray(Long[]::new));
            assertThat(page.get(0).decode().messageId()).isEqualTo("m" + (from - 1));
        }
        assertThat(log.read(n - 1, 100)).hasSize(3);
        assertThat(log.read(n + 2, 100)).isEmpty();
    }

    @Test
    void readStartsAtTheGivenSequenceAndReturnsAtMostMax() {
        List<EventRecord> records = new ArrayList<>();
        for (int i = 1; i <= 10; i++) {
            records.add(record("m" + i, "u" + i, T0 + i));
        }
        log.append(records);

        assertThat(log.read(4, 3)).extracting(LogEntry::sequence).containsExactly(4L, 5L, 6L);
        assertThat(log.read(9, 100)).extracting(LogEntry::sequence).containsExactly(9L, 10L);
        assertThat(log.read(11, 100)).isEmpty();
        assertThatThrownBy(() -> log.read(1, 0)).hasMessageContaining("asked for 0");
    }

    @Test
    void appendIfNewRefusesAMessageIdSeenWithinTheWindowAndStoresNothingForIt() {
        log.appendIfNew(List.of(record("m1", "u1", T0)));

        long[] again = log.appendIfNew(List.of(record("m1", "u1", T0 + DAY), record("m2", "u1", T0 + DAY)));

        assertThat(again).containsExactly(EventLog.DUPLICATE, 2);
        assertThat(log.lastSequence()).isEqualTo(2);
        assertThat(log.read(1, 10)).extracting(e -> e.decode().messageId()).containsExactly("m1", "m2");
    }

    @Test
    void aMessageIdRepeatedInsideOneBatchIsADuplicateOfItsFirstOccurrence() {
        long[] out = log.appendIfNew(List.of(record("m1", "u1", T0), record("m1", "u1", T0), record("m2", "u2", T0)));

        assertThat(out).containsExactly(1, EventLog.DUPLICATE, 2);
    }

    @Test
    void aBatchOfOnlyDuplicatesWritesNothing() {
        log.appendIfNew(List.of(record("m1", "u1", T0)));

        assertThat(log.appendIfNew(List.of(record("m1", "u1", T0 + 5)))).containsExactly(EventLog.DUPLICATE);
        assertThat(log.lastSequence()).isEqualTo(1);
    }

    @Test
    void aMessageIdSeenLongerAgoThanTheWindowIsNewAgain() {
        log.appendIfNew(List.of(record("m1", "u1", T0)));

        long[] out = log.appendIfNew(List.of(record("m1", "u1", T0 + 7 * DAY)));

        assertThat(out).containsExactly(2);
        // …and the new sighting starts a new window.
        assertThat(log.appendIfNew(List.of(record("m1", "u1", T0 + 8 * DAY)))).containsExactly(EventLog.DUPLICATE);
    }

    @Test
    void plainAppendNeitherChecksNorRecordsMessageIds() {
        log.append(List.of(record("m1", "u1", T0)));

        assertThat(log.append(List.of(record("m1", "u1", T0)))).containsExactly(2);
        assertThat(log.appendIfNew(List.of(record("m1", "u1", T0)))).containsExactly(3);
    }

    @Test
    void purgingForgetsOnlyIdsOlderThanTheWindow() {
        log.appendIfNew(List.of(record("old", "u1", T0), record("edge", "u1", T0 + DAY), record("new", "u1", T0 + 3 * DAY)));

        long purged = log.purgeDedup(T0 + 7 * DAY + DAY);

        assertThat(purged).isEqualTo(2);
        // Purged ids are forgotten even when a (misconfigured) caller sends a receive time inside the window.
        assertThat(log.appendIfNew(List.of(record("old", "u1", T0 + 1), record("edge", "u1", T0 + DAY),
                record("new", "u1", T0 + 3 * DAY)))).containsExactly(4, 5, EventLog.DUPLICATE);
        assertThat(log.purgeDedup(T0 + 7 * DAY + DAY)).isEqualTo(2);
    }

    @Test
    void replayYieldsEveryReadableRecordFromThePositionOn() {
        for (int i = 1; i <= 1200; i++) {
            log.append(List.of(record("m" + i, "u" + (i % 7), T0 + i)));
        }

        LogCursor cursor = log.replay(101);
        long expected = 101;
        while (cursor.hasNext()) {
            LogEntry e = cursor.next();
            assertThat(e.sequence()).isEqualTo(expected++);
            assertThat(cursor.position()).isEqualTo(e.sequence());
        }
        assertThat(expected).isEqualTo(1201);
        assertThat(cursor.forgotten()).isZero();
    }

    @Test
    void aForgottenSubjectsRecordsReadAsForgottenAndReplaySkipsThemCountingThem() {
        log.append(List.of(record("m1", "ada", T0), record("m2", "bob", T0), record("m3", "ada", T0),
                record("m4", "bob", T0)));

        int shredded = store.forgetSubjects(List.of(EventRecord.userSubject("ada")));

        assertThat(shredded).isEqualTo(1);
        assertThat(log.read(1, 10)).extracting(LogEntry::forgotten).containsExactly(true, false, true, false);
        LogCursor replay = log.replay(1);
        List<String> seen = new ArrayList<>();
        replay.forEachRemaining(e -> seen.add(e.decode().messageId()));
        assertThat(seen).containsExactly("m2", "m4");
        assertThat(replay.forgotten()).isEqualTo(2);
        assertThat(replay.position()).isEqualTo(4);
        assertThatThrownBy(() -> log.read(1, 1).get(0).decode()).hasMessageContaining("log record 1 was forgotten");
    }

    @Test
    void aForgottenSubjectInsideAMixedBlockReadsBackForgottenWhileTheOthersReadFine() {
        List<EventRecord> group = new ArrayList<>();
        String[] users = {"ada", "bob", "cy", "ada", "ada", "dee", "bob", "ada"};
        for (int i = 0; i < users.length; i++) {
            group.add(record("m" + i, users[i], T0 + i));
        }
        log.appendIfNew(group);
        store.forgetSubjects(List.of(EventRecord.userSubject("ada")));

        List<LogEntry> back = log.read(1, 100);
        assertThat(back).extracting(LogEntry::forgotten)
                .containsExactly(true, false, false, true, true, false, false, true);
        assertThat(back).extracting(LogEntry::receivedAt).as("receive times stay outside the seal")
                .containsExactly(T0, T0 + 1, T0 + 2, T0 + 3, T0 + 4, T0 + 5, T0 + 6, T0 + 7);
        assertThat(back).filteredOn(e -> !e.forgotten()).extracting(e -> e.decode().messageId() + "/" + e.decode().userId())
                .containsExactly("m1/bob", "m2/cy", "m5/dee", "m6/bob");
    }

    @Test
    void theDedupWindowIsExactAcrossBucketEdges() {
        // Sightings at every few hours over two windows: each repeat is a duplicate exactly when the last
        // stored sighting is less than the window before it, wherever the bucket edges fall.
        long window = Duration.ofDays(7).toMillis();
        long step = Duration.ofHours(5).toMillis() + 1;
        long lastStored = Long.MIN_VALUE;
        for (long t = T0; t < T0 + 2 * window + DAY; t += step) {
            long[] out = log.appendIfNew(List.of(record("same", "u1", t)));
            boolean duplicate = lastStored != Long.MIN_VALUE && t - lastStored < window;
            assertThat(out[0] == EventLog.DUPLICATE).as("at +%d ms", t - T0).isEqualTo(duplicate);
            if (!duplicate) {
                lastStored = t;
            }
        }
        assertThat(log.lastSequence()).isEqualTo(3);
    }

    @Test
    void aWindowShorterThanABucketIsStillExact() {
        try (PortraitStore short10s = newStore(StoreOptions.defaults().withDedupWindow(Duration.ofSeconds(10)))) {
            EventLog l = short10s.events();
            assertThat(l.appendIfNew(List.of(record("m1", "u1", T0)))).containsExactly(1);
            assertThat(l.appendIfNew(List.of(record("m1", "u1", T0 + 9_999)))).containsExactly(EventLog.DUPLICATE);
            assertThat(l.appendIfNew(List.of(record("m1", "u1", T0 + 10_000)))).containsExactly(2);
            assertThat(l.appendIfNew(List.of(record("m1", "u1", T0 + 19_999)))).containsExactly(EventLog.DUPLICATE);
            assertThat(l.appendIfNew(List.of(record("m1", "u1", T0 + 20_000)))).containsExactly(3);
            assertThat(l.purgeDedup(T0 + 30_000)).as("one id, however often it was seen").isEqualTo(1);
            assertThat(l.appendIfNew(List.of(record("m1", "u1", T0 + 30_000)))).containsExactly(4);
        }
    }

    @Test
    void aReceiveTimeEarlierThanTheLastSightingIsStillADuplicate() {
        log.appendIfNew(List.of(record("m1", "u1", T0 + 3 * DAY)));

        assertThat(log.appendIfNew(List.of(record("m1", "u1", T0)))).containsExactly(EventLog.DUPLICATE);
    }

    @Test
    void manyDistinctIdsAreAllNewAndAllDuplicatesTheSecondTime() {
        List<EventRecord> first = new ArrayList<>();
        for (int i = 0; i < 3_000; i++) {
            first.add(record("id-" + i, "u" + (i % 50), T0 + i * 1000L));
        }
        assertThat(log.appendIfNew(first)).doesNotContain(EventLog.DUPLICATE);
        List<EventRecord> again = new ArrayList<>();
        for (int i = 0; i < 3_000; i++) {
            again.add(record("id-" + i, "u" + (i % 50), T0 + DAY + i));
        }
        assertThat(log.appendIfNew(again)).containsOnly(EventLog.DUPLICATE);
    }

    @Test
    void aPersonWhoComesBackAfterBeingForgottenGetsANewKeyAndTheOldRecordsStayUnreadable() {
        log.append(List.of(record("m1", "ada", T0)));
        store.forgetSubjects(List.of(EventRecord.userSubject("ada")));

        log.append(List.of(record("m2", "ada", T0 + 1)));

        assertThat(log.read(1, 10)).extracting(LogEntry::forgotten).containsExactly(true, false);
    }

    @Test
    void userAndAnonymousSubjectsAreSeparateNamespaces() {
        Event anonymous = TestEvents.page("m1", "same-id", T0, "Home");
        log.append(List.of(EventRecord.of(anonymous, T0), record("m2", "same-id", T0)));

        store.forgetSubjects(List.of(EventRecord.anonymousSubject("same-id")));

        assertThat(log.read(1, 10)).extracting(LogEntry::forgotten).containsExactly(true, false);
        assertThat(store.forgetSubjects(List.of(EventRecord.anonymousSubject("same-id"), "user_id:nobody"))).isZero();
    }

    @Test
    void concurrentAppendersWithOverlappingMessageIdsAppendEachIdExactlyOnce() throws Exception {
        Seeds.forEachSeed(7_000, 3, random -> {
            store.close();
            store = newStoreAgain();
            log = store.events();
            int threads = 4;
            int idsPerThread = 300;
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            CountDownLatch start = new CountDownLatch(1);
            Map<String, Long> accepted = new ConcurrentHashMap<>();
            List<Future<Integer>> duplicates = new ArrayList<>();
            long[] seeds = new long[threads];
            for (int t = 0; t < threads; t++) {
                seeds[t] = random.nextLong();
            }
            for (int t = 0; t < threads; t++) {
                java.util.SplittableRandom mine = new java.util.SplittableRandom(seeds[t]);
                duplicates.add(pool.submit(() -> {
                    start.await();
                    int dups = 0;
                    for (int i = 0; i < idsPerThread; ) {
                        int size = Math.min(1 + mine.nextInt(20), idsPerThread - i);
                        List<EventRecord> batch = new ArrayList<>();
                        for (int j = 0; j < size; j++, i++) {
                            // Ids drawn from a pool shared by every thread, so they collide often.
                            String id = "m" + mine.nextInt(500);
                            batch.add(record(id, "u" + mine.nextInt(10), T0));
                        }
                        long[] out = log.appendIfNew(batch);
                        for (int j = 0; j < out.length; j++) {
                            if (out[j] == EventLog.DUPLICATE) {
                                dups++;
                            } else {
                                assertThat(accepted.put(batch.get(j).messageId(), out[j])).as("accepted twice").isNull();
                            }
                        }
                    }
                    return dups;
                }));
            }
            start.countDown();
            int dups = 0;
            for (Future<Integer> f : duplicates) {
                dups += f.get(60, TimeUnit.SECONDS);
            }
            pool.shutdown();

            assertThat(accepted.size() + dups).isEqualTo(threads * idsPerThread);
            assertThat(log.lastSequence()).isEqualTo(accepted.size());
            Set<String> inLog = new HashSet<>();
            for (LogEntry e : log.read(1, Integer.MAX_VALUE)) {
                String id = e.decode().messageId();
                assertThat(inLog.add(id)).as("message %s in the log twice", id).isTrue();
                assertThat(accepted.get(id)).isEqualTo(e.sequence());
            }
            assertThat(inLog).hasSize(accepted.size());
        });
    }

    @Test
    void aRandomMixOfAppendsMatchesASimpleModel() throws Exception {
        Seeds.forEachSeed(1_000, 5, random -> {
            store.close();
            store = newStoreAgain();
            log = store.events();
            Map<String, Long> lastSeen = new HashMap<>();
            List<String> model = new ArrayList<>();
            long now = T0;
            long window = StoreOptions.DEFAULT_DEDUP_WINDOW.toMillis();
            for (int round = 0; round < 40; round++) {
                now += random.nextLong(2 * DAY);
                List<EventRecord> batch = new ArrayList<>();
                int size = 1 + random.nextInt(15);
                for (int j = 0; j < size; j++) {
                    batch.add(record("m" + random.nextInt(60), "u" + random.nextInt(5), now));
                }
                boolean dedup = random.nextInt(4) > 0;
                long[] out = dedup ? log.appendIfNew(batch) : log.append(batch);
                Set<String> inBatch = new HashSet<>();
                for (int j = 0; j < size; j++) {
                    String id = batch.get(j).messageId();
                    boolean duplicate = dedup && (!inBatch.add(id)
                            || lastSeen.containsKey(id) && now - lastSeen.get(id) < window);
                    if (duplicate) {
                        assertThat(out[j]).isEqualTo(EventLog.DUPLICATE);
                    } else {
                        model.add(id);
                        assertThat(out[j]).isEqualTo(model.size());
                        if (dedup) {
                            lastSeen.put(id, now);
                        }
                    }
                }
            }
            assertThat(log.read(1, Integer.MAX_VALUE)).extracting(e -> e.decode().messageId())
                    .containsExactlyElementsOf(model);
        });
    }

    private PortraitStore newStoreAgain() {
        return newStore(StoreOptions.defaults());
    }
}
