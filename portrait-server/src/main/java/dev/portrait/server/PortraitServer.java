package dev.portrait.server;

import dev.portrait.core.definition.DefinitionLoader;
import dev.portrait.core.definition.ProfileDefinition;
import dev.portrait.server.http.HttpApi;
import dev.portrait.server.http.HttpConfig;
import dev.portrait.server.http.PrivacyConfig;
import dev.portrait.server.runtime.read.PrivacyBudgets;
import dev.portrait.server.runtime.read.PrivateAggregates;
import dev.portrait.server.runtime.EmbeddedRuntime;
import dev.portrait.server.runtime.IngestCounters;
import dev.portrait.server.runtime.MemoryBudget;
import dev.portrait.server.runtime.RuntimeOptions;
import dev.portrait.store.PortraitStore;
import dev.portrait.store.StoreOptions;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;

/**
 * The embedded runtime behind its HTTP API: opens the data directory, recovers, and serves. What
 * {@code portrait serve} runs.
 */
public final class PortraitServer implements AutoCloseable {
    /**
     * Everything a server needs.
     *
     * @param dataDir    the data directory (created if missing)
     * @param definition the profile definition
     * @param http       port, keys and limits
     * @param runtime    group commit and write-back settings
     * @param store      retention and dedup settings
     * @param privacy    differentially private aggregate reads: budgets, suppression, dp-only keys
     */
    public record Settings(Path dataDir, ProfileDefinition definition, HttpConfig http, RuntimeOptions runtime,
                           StoreOptions store, PrivacyConfig privacy) {
        public Settings {
            Objects.requireNonNull(dataDir, "dataDir");
            Objects.requireNonNull(definition, "definition");
            Objects.requireNonNull(http, "http");
            Objects.requireNonNull(runtime, "runtime");
            Objects.requireNonNull(store, "store");
            Objects.requireNonNull(privacy, "privacy");
        }

        /** With the default privacy settings. */
        public Settings(Path dataDir, ProfileDefinition definition, HttpConfig http, RuntimeOptions runtime,
                        StoreOptions store) {
            this(dataDir, definition, http, runtime, store, PrivacyConfig.DEFAULT);
        }

        public Settings withPrivacy(PrivacyConfig newPrivacy) {
            return new Settings(dataDir, definition, http, runtime, store, newPrivacy);
        }
    }

    /** The privacy budget ledger's file in the data directory (today's spending per key; see PrivacyBudgets). */
    public static final String PRIVACY_LEDGER_FILE = "privacy-budget.json";

    private final PortraitStore store;
    private final EmbeddedRuntime runtime;
    private final HttpApi http;
    private final PrometheusMeterRegistry metrics;
    private final ProcessMeters process;

    private PortraitServer(PortraitStore store, EmbeddedRuntime runtime, HttpApi http, PrometheusMeterRegistry metrics,
                           ProcessMeters process) {
        this.store = store;
        this.runtime = runtime;
        this.http = http;
        this.metrics = metrics;
        this.process = process;
    }

    /** Opens the store and starts serving; recovery from the log runs meanwhile (readiness says so until it is done). */
    public static PortraitServer start(Settings settings, Clock clock) {
        // one budget bounds the process: -Xmx (the launcher's), RocksDB's cache and memtables, hot profiles, lag
        MemoryBudget memory = MemoryBudget.ofThisProcess().withRuntime(settings.runtime());
        System.out.println("portrait " + memory.describe());
        // The master key is read here, at the edge, from the environment; never from the data directory.
        PortraitStore store = PortraitStore.open(settings.dataDir(), settings.store(),
                dev.portrait.store.MasterKey.fromEnvironment(System.getenv()).orElse(null),
                dev.portrait.store.ProfileIdSecret.fromEnvironment(System.getenv()).orElse(null), memory.store());
        EmbeddedRuntime runtime;
        try {
            // the replay runs behind HTTP, so probes are answered (readiness: recovering) while a long log replays
            runtime = EmbeddedRuntime.startRecoveringInBackground(store, settings.definition(), clock, settings.runtime(),
                    IngestCounters.NONE);
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
        PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        ProcessMeters process = ProcessMeters.bindTo(metrics); // first: it renames through meter filters
        // names kept as they were (the load generator and dashboards read them); a HELP line for each
        Gauge.builder("portrait_pipeline_lag_events", runtime, EmbeddedRuntime::lag)
                .description("events in the log not yet folded into profiles").register(metrics);
        Gauge.builder("portrait_log_applied_sequence", runtime, EmbeddedRuntime::appliedSequence)
                .description("log position up to which events are folded into profiles").register(metrics);
        Gauge.builder("portrait_read_published_sequence", runtime, EmbeddedRuntime::publishedSequence)
                .description("log position up to which folded profiles are published to reads").register(metrics);
        FunctionCounter.builder("portrait_consent_withheld_updates", runtime, EmbeddedRuntime::withheldByConsent)
                .description("feature and trait updates events would have made, withheld because the person had "
                        + "not consented to their purposes (issue 13)").register(metrics);
        new StoreMeters(store).bindTo(metrics);
        HttpApi http;
        try {
            PrivateAggregates privacy = new PrivateAggregates(
                    new PrivacyBudgets(settings.dataDir().resolve(PRIVACY_LEDGER_FILE), clock),
                    settings.privacy().suppressBelow());
            http = HttpApi.start(settings.http(), runtime, runtime, runtime, metrics, clock, privacy, settings.privacy());
        } catch (RuntimeException e) {
            process.close();
            runtime.close();
            store.close();
            throw e;
        }
        return new PortraitServer(store, runtime, http, metrics, process);
    }

    public int port() {
        return http.port();
    }

    public EmbeddedRuntime runtime() {
        return runtime;
    }

    public PrometheusMeterRegistry metrics() {
        return metrics;
    }

    /** Stops HTTP, then the runtime (everything pending is written back), then closes the store. */
    @Override
    public void close() {
        try {
            http.close();
            process.close();
        } finally {
            try {
                runtime.close();
            } finally {
                store.close();
            }
        }
    }

    /**
     * A plain entry point for process-level tests and scripts (the {@code portrait} CLI is the one
     * users run): {@code --data DIR [--port N] [--definition FILE] [--write-key K]… [--read-key K]…
     * [--admin-key K]… [--port-file FILE]}. The chosen port is printed, and written to the port
     * file when given, once the server is ready.
     */
    public static void main(String[] args) throws IOException {
        Path data = null;
        Path definitionFile = null;
        Path portFile = null;
        int port = 8080;
        Set<String> write = new LinkedHashSet<>();
        Set<String> read = new LinkedHashSet<>();
        Set<String> admin = new LinkedHashSet<>();
        for (int i = 0; i < args.length; i++) {
            String flag = args[i];
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(flag + " needs a value");
            }
            String value = args[++i];
            switch (flag) {
                case "--data": data = Path.of(value); break;
                case "--port": port = Integer.parseInt(value); break;
                case "--definition": definitionFile = Path.of(value); break;
                case "--port-file": portFile = Path.of(value); break;
                case "--write-key": write.add(value); break;
                case "--read-key": read.add(value); break;
                case "--admin-key": admin.add(value); break;
                default: throw new IllegalArgumentException("unknown flag " + flag);
            }
        }
        if (data == null) {
            throw new IllegalArgumentException("--data DIR is required");
        }
        ProfileDefinition definition = definitionFile == null ? DefinitionLoader.defaultEcommerce()
                : DefinitionLoader.parse(Files.readString(definitionFile, StandardCharsets.UTF_8), definitionFile.toString());
        HttpConfig http = HttpConfig.of(port, new HttpConfig.ApiKeys(write, read, admin));
        PortraitServer server = start(new Settings(data, definition, http, RuntimeOptions.defaults(), StoreOptions.defaults()),
                Clock.systemUTC());
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "portrait-shutdown"));
        System.out.println("portrait listening on port " + server.port());
        if (portFile != null) {
            Path tmp = portFile.resolveSibling(portFile.getFileName() + ".tmp");
            Files.writeString(tmp, Integer.toString(server.port()));
            Files.move(tmp, portFile, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        }
    }
}
