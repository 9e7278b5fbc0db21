package dev.portrait.server.runtime.worker;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The compact schedule against simple references: the heap against a sorted set of (time, number)
 * pairs, and the timers against the map-keyed schedule they replaced, over seeded random operations.
 */
class ProfileTimersTest {
    private static final long SEED = 20261203L;

    @Test
    void theHeapPollsInTheSameOrderAsASortedSet() {
        for (int round = 0; round < 200; round++) {
            long seed = SEED + round;
            SplittableRandom random = new SplittableRandom(seed);
            TimerQueue heap = new TimerQueue();
            TreeSet<long[]> reference = new TreeSet<>((a, b) -> a[0] != b[0] ? Long.compare(a[0], b[0])
                    : Long.compare(a[1], b[1]));
            int steps = random.nextInt(1, 2_000);
            int number = 0;
            for (int s = 0; s < steps; s++) {
                if (random.nextInt(3) > 0 || heap.isEmpty()) {
                    long at = random.nextLong(0, 50); // few distinct times: ties are common
                    int n = number++; // (time, number) pairs are distinct, as in the timers
                    heap.add(at, n);
                    reference.add(new long[] {at, n});
                } else {
                    long[] first = reference.pollFirst();
                    assertThat(new long[] {heap.peekTime(), heap.peekNumber()}).as("seed %d, step %d", seed, s)
                            .containsExactly(first);
                    heap.poll();
                }
                assertThat(heap.size()).as("seed %d", seed).isEqualTo(reference.size());
            }
            while (!reference.isEmpty()) {
                long[] first = reference.pollFirst();
                assertThat(new long[] {heap.peekTime(), heap.peekNumber()}).as("seed %d draining", seed)
                        .containsExactly(first);
                heap.poll();
            }
            assertThat(heap.isEmpty()).isTrue();
        }
    }

    @Test
    void timersFireTheSameProfilesAtTheSameTimesAsTheMapKeyedSchedule() {
        for (int round = 0; round < 200; round++) {
            long seed = SEED * 31 + round;
            SplittableRandom random = new SplittableRandom(seed);
            Numbers numbers = new Numbers();
            ProfileTimers timers = new ProfileTimers(numbers);
            MapKeyedTimers reference = new MapKeyedTimers();
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < random.nextInt(1, 60); i++) {
                ids.add("profile-" + Long.toHexString(random.nextLong()));
            }
            long now = 0;
            for (int s = 0; s < 1_500; s++) {
                String id = ids.get(random.nextInt(ids.size()));
                switch (random.nextInt(10)) {
                    case 0 -> {
                        timers.remove(id);
                        reference.remove(id);
                        if (random.nextBoolean()) { // merged away or forgotten: the number is retired
                            numbers.retire(id);
                        }
                    }
                    case 1, 2 -> {
                        now += random.nextLong(0, 20);
                        Map<String, Integer> fired = new TreeMap<>();
                        Map<String, Integer> expected = new TreeMap<>();
                        for (String f; (f = timers.nextDue(now)) != null; ) {
                            fired.merge(f, 1, Integer::sum);
                        }
                        for (String f; (f = reference.nextDue(now)) != null; ) {
                            expected.merge(f, 1, Integer::sum);
                        }
                        assertThat(fired).as("seed %d, step %d, now %d", seed, s, now).isEqualTo(expected);
                    }
                    default -> {
                        long at = random.nextInt(8) == 0 ? Long.MAX_VALUE : now + random.nextLong(0, 40);
                        timers.schedule(id, at);
                        reference.schedule(id, at);
                    }
                }
                assertThat(timers.profiles()).as("seed %d, step %d", seed, s).isEqualTo(reference.profiles());
                assertThat(timers.entries()).as("seed %d, step %d", seed, s).isEqualTo(reference.entries());
                assertThat(timers.nextAt()).as("seed %d, step %d", seed, s).isEqualTo(reference.nextAt());
            }
        }
    }

    @Test
    void anEntryLeftByARetiredNumberNeverFiresForAnyone() {
        Numbers numbers = new Numbers();
        ProfileTimers timers = new ProfileTimers(numbers);
        timers.schedule("a", 10);
        timers.remove("a");
        numbers.retire("a");
        timers.schedule("a", 20); // the same id again gets a new number
        assertThat(timers.nextDue(15)).isNull();
        assertThat(timers.nextDue(20)).isEqualTo("a");
        assertThat(timers.profiles()).isZero();
    }

    /** Numbers as {@link ProfileNumbers} gives them: dense, never reused. */
    private static final class Numbers implements ProfileTimers.Numbering {
        private final Map<String, Integer> numbers = new HashMap<>();
        private final List<String> ids = new ArrayList<>();

        @Override
        public int numberOf(String profileId) {
            return numbers.computeIfAbsent(profileId, id -> {
                ids.add(id);
                return ids.size() - 1;
            });
        }

        @Override
        public int existing(String profileId) {
            return numbers.getOrDefault(profileId, -1);
        }

        @Override
        public String profileId(int number) {
            return ids.get(number);
        }

        void retire(String profileId) {
            Integer n = numbers.remove(profileId);
            if (n != null) {
                ids.set(n, null);
            }
        }
    }

    /** The schedule as it was before it was made compact: a priority queue of records and a map of live times. */
    private static final class MapKeyedTimers {
        private record Timer(long at, String profileId) {
        }

        private final java.util.PriorityQueue<Timer> queue = new java.util.PriorityQueue<>((a, b) -> Long.compare(a.at, b.at));
        private final Map<String, Long> scheduled = new HashMap<>();

        void schedule(String profileId, long at) {
            if (at == Long.MAX_VALUE) {
                return;
            }
            Long live = scheduled.get(profileId);
            if (live != null && live <= at) {
                return;
            }
            scheduled.put(profileId, at);
            queue.add(new Timer(at, profileId));
        }

        String nextDue(long now) {
            while (!queue.isEmpty() && queue.peek().at() <= now) {
                Timer t = queue.poll();
                Long live = scheduled.get(t.profileId());
                if (live == null || live != t.at()) {
                    continue;
                }
                scheduled.remove(t.profileId());
                return t.profileId();
            }
            return null;
        }

        long nextAt() {
            return queue.isEmpty() ? Long.MAX_VALUE : queue.peek().at();
        }

        void remove(String profileId) {
            scheduled.remove(profileId);
        }

        int profiles() {
            return scheduled.size();
        }

        int entries() {
            return queue.size();
        }
    }
}
