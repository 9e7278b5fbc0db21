package dev.portrait.flink;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * CPU time per Flink task of a MiniCluster job in this JVM, from the task threads' own CPU clocks
 * ({@link ThreadMXBean#getThreadCpuTime}). Unlike Flink's busy time, which is wall time while working,
 * a thread's CPU time does not grow while the thread waits for a core, so on a shared, loaded machine it
 * still says what each operator costs. Read it while the job runs: a task's thread ends with the job.
 */
final class TaskCpu {
    /** A task thread's name: the task's name, then "(subtask/parallelism)#attempt". */
    private static final Pattern TASK_THREAD = Pattern.compile("(.+) \\((\\d+)/(\\d+)\\)#(\\d+)");

    private TaskCpu() {
    }

    /** Prints each task's CPU time (summed over its subtasks) and per event. */
    static void print(long events) {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        Map<String, Long> nanos = new TreeMap<>();
        for (ThreadInfo t : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (t == null) {
                continue;
            }
            Matcher m = TASK_THREAD.matcher(t.getThreadName());
            long cpu = threads.getThreadCpuTime(t.getThreadId());
            if (m.matches() && cpu > 0) {
                nanos.merge(m.group(1), cpu, Long::sum);
            }
        }
        System.out.println("CPU time per task (task threads' CPU clocks, sum over subtasks), per folded event:");
        for (Map.Entry<String, Long> e : nanos.entrySet()) {
            String name = e.getKey().length() > 60 ? e.getKey().substring(0, 57) + "..." : e.getKey();
            System.out.printf("  %-60s cpu %,9.0f ms  %7.1f µs/event%n", name, e.getValue() / 1e6,
                    e.getValue() / 1e3 / events);
        }
    }
}
