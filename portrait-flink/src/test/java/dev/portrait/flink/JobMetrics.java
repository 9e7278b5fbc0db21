package dev.portrait.flink;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.MetricConfig;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.reporter.MetricReporter;
import org.apache.flink.metrics.reporter.MetricReporterFactory;

import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The benchmark's view of a MiniCluster job's own metrics, through an in-process metric reporter:
 * busy time per task (Flink's {@code accumulateBusyTimeMs}, summed over subtasks: time spent working,
 * neither idle nor back-pressured) per folded event, and the last completed checkpoint's size and
 * duration. {@link #enable} adds the reporter to a job's configuration.
 */
public final class JobMetrics implements MetricReporter, MetricReporterFactory {
    private static final Map<String, Registered> METRICS = new ConcurrentHashMap<>();

    private record Registered(Metric metric, Map<String, String> variables) {
    }

    public JobMetrics() {
    }

    static void enable(Configuration conf) {
        conf.setString("metrics.reporter.bench.factory.class", JobMetrics.class.getName());
    }

    @Override
    public MetricReporter createMetricReporter(Properties properties) {
        return this;
    }

    @Override
    public void open(MetricConfig config) {
    }

    @Override
    public void close() {
    }

    @Override
    public void notifyOfAddedMetric(Metric metric, String name, MetricGroup group) {
        METRICS.put(group.getMetricIdentifier(name), new Registered(metric, group.getAllVariables()));
    }

    @Override
    public void notifyOfRemovedMetric(Metric metric, String name, MetricGroup group) {
        // kept: the benchmark reads them after the job has been cancelled
    }

    static void print(long events) {
        Map<String, Double> tasks = new TreeMap<>();
        Map<String, Number> job = new TreeMap<>();
        for (Map.Entry<String, Registered> e : METRICS.entrySet()) {
            String id = e.getKey();
            String task = e.getValue().variables().get("<task_name>");
            if (task != null && id.endsWith(".accumulateBusyTimeMs") && e.getValue().variables().get("<operator_name>") == null) {
                tasks.merge(task, value(e.getValue().metric()), Double::sum);
            }
            for (String checkpointMetric : new String[] {"lastCheckpointSize", "lastCheckpointFullSize",
                    "lastCheckpointDuration", "numberOfCompletedCheckpoints"}) {
                if (id.endsWith("." + checkpointMetric)) {
                    job.put(checkpointMetric, value(e.getValue().metric()));
                }
            }
        }
        System.out.println("busy time per task (sum over subtasks), per folded event:");
        for (Map.Entry<String, Double> t : tasks.entrySet()) {
            System.out.printf("  %-100s busy %,9.0f ms  %7.1f µs/event%n", t.getKey(), t.getValue(),
                    t.getValue() * 1000 / events);
        }
        System.out.println("checkpoints: " + job);
    }

    private static double value(Metric m) {
        if (m instanceof Counter c) {
            return c.getCount();
        }
        if (m instanceof Gauge<?> g && g.getValue() instanceof Number n) {
            return n.doubleValue();
        }
        return Double.NaN;
    }
}
