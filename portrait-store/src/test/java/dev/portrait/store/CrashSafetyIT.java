package dev.portrait.store;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A process appending with fsync is killed with SIGKILL at a random moment, several times over the
 * same data directory. After each kill, every record the process acknowledged is in the log at the
 * sequence it was given and reads back intact, no message id is in the log twice (dedup held across
 * the crashes), and the sequences have no gaps.
 */
class CrashSafetyIT {
    private static final long SEED = 20_260_301L;
    private static final int ROUNDS = 6;

    @TempDir
    Path dir;

    @Test
    void everyAcknowledgedRecordSurvivesAKillNineAndNoneIsStoredTwice() throws Exception {
        long started = System.nanoTime();
        SplittableRandom random = new SplittableRandom(SEED);
        Map<String, Long> acknowledged = new HashMap<>();
        Set<String> refusedAsDuplicates = new HashSet<>();
        Set<Long> sequences = new HashSet<>();
        for (int round = 0; round < ROUNDS; round++) {
            long killAfterMs = 150 + random.nextInt(1_200);
            List<String> lines = runAndKill(round, random.nextLong(), killAfterMs);
            int acks = 0;
            for (String line : lines) {
                String[] parts = line.split(" ");
                if (parts[0].equals("ack")) {
                    long sequence = Long.parseLong(parts[2]);
                    assertThat(sequences.add(sequence)).as("sequence %d acknowledged twice (seed %d, round %d)",
                            sequence, SEED, round).isTrue();
                    assertThat(acknowledged.put(parts[1], sequence)).as("%s acknowledged twice (seed %d, round %d)",
                            parts[1], SEED, round).isNull();
                    acks++;
                } else if (parts[0].equals("dup")) {
                    refusedAsDuplicates.add(parts[1]);
                }
            }
            assertThat(acks).as("round %d acknowledged something before the kill (seed %d)", round, SEED).isPositive();
            verify(acknowledged, refusedAsDuplicates, round);
            System.out.printf("round %d: killed after %d ms, %d acknowledged this round, %d in total%n", round,
                    killAfterMs, acks, acknowledged.size());
        }
        assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started)).isLessThan(60);
    }

    private List<String> runAndKill(int round, long seed, long killAfterMs) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-Xmx256m",
                "-cp", System.getProperty("java.class.path"), CrashingAppender.class.getName(),
                dir.toString(), Long.toString(seed), Integer.toString(round));
        pb.redirectError(ProcessBuilder.Redirect.INHERIT);
        Process child = pb.start();
        List<String> lines = new ArrayList<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(child.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                    synchronized (lines) {
                        lines.add(line);
                    }
                }
            } catch (IOException e) {
                // the pipe breaks when the child dies; what was read is what counts
            }
        });
        reader.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            synchronized (lines) {
                if (lines.stream().anyMatch(l -> l.startsWith("ack "))) {
                    break;
                }
            }
            if (!child.isAlive()) {
                throw new AssertionError("the appender died on its own in round " + round + " (seed " + SEED + ")");
            }
            Thread.sleep(5);
        }
        Thread.sleep(killAfterMs);
        child.destroyForcibly();
        assertThat(child.waitFor(20, TimeUnit.SECONDS)).isTrue();
        reader.join(10_000);
        synchronized (lines) {
            // Only whole lines count: the last one may have been cut short by the kill.
            List<String> whole = new ArrayList<>();
            for (String l : lines) {
                if (l.endsWith(" .")) {
                    whole.add(l.substring(0, l.length() - 2));
                }
            }
            return whole;
        }
    }

    private void verify(Map<String, Long> acknowledged, Set<String> refusedAsDuplicates, int round) {
        try (PortraitStore store = PortraitStore.open(dir, StoreOptions.defaults())) {
            long last = store.events().lastSequence();
            Map<String, Long> inLog = new HashMap<>();
            long expected = 1;
            LogCursor cursor = store.events().replay(1);
            while (cursor.hasNext()) {
                LogEntry e = cursor.next();
                assertThat(e.sequence()).as("no gap before %d (seed %d, round %d)", e.sequence(), SEED, round)
                        .isEqualTo(expected++);
                String id = e.decode().messageId();
                assertThat(inLog.put(id, e.sequence())).as("%s stored twice (seed %d, round %d)", id, SEED, round)
                        .isNull();
            }
            assertThat(expected - 1).isEqualTo(last);
            for (Map.Entry<String, Long> a : acknowledged.entrySet()) {
                assertThat(inLog.get(a.getKey())).as("acknowledged %s (seed %d, round %d)", a.getKey(), SEED, round)
                        .isEqualTo(a.getValue());
            }
            // A refusal as a duplicate is only right for an id that is in the log.
            for (String id : refusedAsDuplicates) {
                assertThat(inLog).as("refused %s as a duplicate (seed %d, round %d)", id, SEED, round).containsKey(id);
            }
        }
    }
}
