package dev.portrait.store;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The child process of {@link CrashSafetyIT}: appends batches with fsync as fast as it can and prints
 * what was acknowledged, one line per record, only after {@code appendIfNew} has returned:
 * {@code ack <messageId> <sequence> .} or {@code dup <messageId> .}. Some batches re-send ids from earlier
 * rounds to exercise the dedup index across crashes. It runs until it is killed.
 */
public final class CrashingAppender {
    private CrashingAppender() {
    }

    public static void main(String[] args) {
        Path dir = Path.of(args[0]);
        long seed = Long.parseLong(args[1]);
        int round = Integer.parseInt(args[2]);
        SplittableRandom random = new SplittableRandom(seed);
        PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), false);
        try (PortraitStore store = PortraitStore.open(dir, StoreOptions.defaults())) {
            out.println("open " + store.events().lastSequence());
            out.flush();
            for (int n = 0; ; ) {
                int size = 1 + random.nextInt(64);
                List<EventRecord> batch = new ArrayList<>(size);
                for (int i = 0; i < size; i++) {
                    String id = round > 0 && random.nextInt(10) == 0
                            ? "r" + random.nextInt(round) + "-" + random.nextInt(50)
                            : "r" + round + "-" + n++;
                    batch.add(TestEvents.record(id, "u" + random.nextInt(100), TestEvents.T0 + n));
                }
                long[] sequences = store.events().appendIfNew(batch);
                StringBuilder lines = new StringBuilder();
                for (int i = 0; i < size; i++) {
                    String id = batch.get(i).messageId();
                    // The trailing " ." lets the reader tell a whole line from one the kill cut short.
                    lines.append(sequences[i] == EventLog.DUPLICATE ? "dup " + id : "ack " + id + " " + sequences[i])
                            .append(" .\n");
                }
                out.print(lines);
                out.flush();
            }
        }
    }
}
