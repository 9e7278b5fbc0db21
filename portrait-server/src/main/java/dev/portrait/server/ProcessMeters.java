package dev.portrait.server;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.core.instrument.config.MeterFilter;

import java.lang.management.ManagementFactory;

/**
 * The JVM and process figures an operator expects on {@code /metrics} beside Portrait's own, from
 * Micrometer's standard binders, so the usual JVM dashboards work unchanged: heap and non-heap by pool
 * ({@code jvm_memory_used_bytes}), collections and pauses ({@code jvm_gc_pause_seconds}), threads,
 * loaded classes, CPU ({@code process_cpu_usage}, {@code system_cpu_count}), uptime and open files
 * ({@code process_files_open_files}). Close it with the server: the GC binder listens to the JVM's
 * collection notifications until closed.
 */
public final class ProcessMeters implements AutoCloseable {
    private final JvmGcMetrics gc;

    private ProcessMeters(JvmGcMetrics gc) {
        this.gc = gc;
    }

    /**
     * Registers the binders' meters on {@code registry}. Call it before anything else registers a meter
     * there: the two renames below are meter filters, which apply only to meters registered after them.
     */
    public static ProcessMeters bindTo(MeterRegistry registry) {
        // promtool check metrics refuses two of the binders' names: process_cpu_time_ns_total ("metric
        // names should not contain abbreviated units") and system_cpu_count (a gauge "should not have
        // _count suffix"). The first is replaced by Prometheus's own name for the same figure,
        // process_cpu_seconds_total (what its Java client and Go's process collector export); the second
        // becomes system_cpu_processors.
        registry.config().meterFilter(MeterFilter.deny(id -> id.getName().equals("process.cpu.time")));
        registry.config().meterFilter(new MeterFilter() {
            @Override
            public Meter.Id map(Meter.Id id) {
                return id.getName().equals("system.cpu.count") ? id.withName("system.cpu.processors") : id;
            }
        });
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            FunctionCounter.builder("process.cpu", os, o -> o.getProcessCpuTime() / 1e9)
                    .baseUnit("seconds")
                    .description("CPU time the process has used").register(registry);
        }
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);
        JvmGcMetrics gc = new JvmGcMetrics();
        gc.bindTo(registry);
        return new ProcessMeters(gc);
    }

    @Override
    public void close() {
        gc.close();
    }
}
