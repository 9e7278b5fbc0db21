package dev.portrait.cli;

import dev.portrait.cli.DataDirectory.Definition;
import dev.portrait.core.PortraitException;
import dev.portrait.server.PortraitServer;
import dev.portrait.server.http.HttpConfig;
import dev.portrait.server.http.PrivacyConfig;
import dev.portrait.server.runtime.RuntimeOptions;
import dev.portrait.store.StoreOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.net.BindException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

@Command(name = "serve", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Runs the embedded runtime and its HTTP API on a data directory until Ctrl-C or SIGTERM.",
                "Keys come from the flags and the --config file together; at least one is needed, each at least "
                        + "24 characters. Prefer the config file's apiKeys: with {env: NAME}, {file: PATH} or "
                        + "{sha256: HEX} entries: a key given as a flag shows in `ps` to every user of the machine."})
final class ServeCommand implements Callable<Integer> {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--data", paramLabel = "DIR", description = "The data directory (created if missing).")
    Path data;

    @Option(names = "--port", paramLabel = "N", description = "The port (default 8080; 0 lets the system choose).")
    Integer port;

    @Option(names = "--host", paramLabel = "H", description = "The interface to bind (default 0.0.0.0, all of them).")
    String host;

    @Option(names = "--definition", paramLabel = "FILE",
            description = "The profile definition (default: the one the data directory was built with, else the "
                    + "shipped e-commerce definition).")
    Path definition;

    @Option(names = "--config", paramLabel = "FILE",
            description = "YAML with data:, port:, host:, definition:, apiKeys:, tls:, rateLimits:, readTimeout: "
                    + "(docs/SECURITY.md). Flags win; keys from both count.")
    Path config;

    @Option(names = "--write-key", paramLabel = "K",
            description = "A key that may send events (repeatable). Visible in `ps`: prefer the config file.")
    List<String> writeKeys = new ArrayList<>();

    @Option(names = "--read-key", paramLabel = "K",
            description = "A key that may read profiles (repeatable). Visible in `ps`: prefer the config file.")
    List<String> readKeys = new ArrayList<>();

    @Option(names = "--admin-key", paramLabel = "K",
            description = "A key that may read, forget people and re-drive the quarantine (repeatable). Visible in "
                    + "`ps`: prefer the config file.")
    List<String> adminKeys = new ArrayList<>();

    @Option(names = "--kafka", paramLabel = "BOOTSTRAP",
            description = "Kafka mode: ingest to the events topic of this Kafka, serve profiles from the profiles "
                    + "topic the Flink job writes (no data directory; docs/SCALE-OUT.md).")
    String kafka;

    @Option(names = "--topic-prefix", paramLabel = "P", description = "Kafka mode: the job's --topic-prefix.")
    String topicPrefix;

    /** The flags over the config file, checked. */
    ServeConfig.Settled settings() {
        ServeConfig flags = new ServeConfig(data, port, host, definition, writeKeys, readKeys, adminKeys);
        ServeConfig file = config == null ? ServeConfig.EMPTY : ServeConfig.load(config);
        return flags.over(file).settle();
    }

    @Override
    public Integer call() throws InterruptedException {
        if (kafka != null) {
            return KafkaServe.run(this);
        }
        ServeConfig.Settled s = settings();
        DataDirectory dir = DataDirectory.createIfMissing(s.data());
        Definition d = dir.definition(s.definition());
        PrivacyConfig privacy = config == null ? PrivacyConfig.DEFAULT : PrivacySettings.load(config, s.keys());
        try {
            privacy.requireDeclared(d.definition().purposes());
        } catch (IllegalArgumentException e) {
            throw new PortraitCli.UsageProblem(config + ": " + e.getMessage(), e);
        }
        RuntimeOptions runtime = config == null ? RuntimeOptions.defaults()
                : RuntimeOptions.defaults().withForgetWithin(PrivacySettings.forgetWithin(config,
                RuntimeOptions.DEFAULT_FORGET_WITHIN));
        PortraitServer server = start(dir, d, s.http(), privacy, runtime);
        PrintWriter out = spec.commandLine().getOut();
        out.println("portrait listening on " + url(s.host(), server.port(), s.perimeter().tls() != null)
                + boundTo(s.host()));
        out.println("data: " + dir.path().toAbsolutePath() + " (definition: " + d.source() + "; "
                + server.runtime().recoveredEvents() + " logged events replayed at start)");
        out.println("keys: " + s.keys());
        out.println(System.getenv(dev.portrait.store.MasterKey.ENV) != null
                || System.getenv(dev.portrait.store.MasterKey.FILE_ENV) != null
                ? "keysets: encrypted under the master key from the environment"
                : "keysets: in clear in " + dir.path().resolve("keysets") + " (no master key: set "
                + dev.portrait.store.MasterKey.ENV + " or " + dev.portrait.store.MasterKey.FILE_ENV + "; docs/PRIVACY.md)");
        out.println("stop with Ctrl-C");
        out.flush();
        awaitShutdown(server);
        return 0;
    }

    /** Opens the store, recovers and starts HTTP, with the failures a user can fix explained. */
    static PortraitServer start(DataDirectory dir, Definition d, HttpConfig http) {
        return start(dir, d, http, PrivacyConfig.DEFAULT);
    }

    static PortraitServer start(DataDirectory dir, Definition d, HttpConfig http, PrivacyConfig privacy) {
        return start(dir, d, http, privacy, RuntimeOptions.defaults());
    }

    static PortraitServer start(DataDirectory dir, Definition d, HttpConfig http, PrivacyConfig privacy,
                                RuntimeOptions runtime) {
        PortraitServer server;
        try {
            server = PortraitServer.start(new PortraitServer.Settings(dir.path(), d.definition(), http,
                    runtime, StoreOptions.defaults(), privacy), dir.clock());
        } catch (PortraitException e) {
            throw dir.explain(e, d);
        } catch (RuntimeException e) {
            if (causedByBind(e)) {
                throw new PortraitException("port_in_use", "cannot listen on " + http.host() + ":" + http.port()
                        + ", the port is in use (another portrait?); pass --port N, or --port 0 for any free port",
                        null, e);
            }
            throw e;
        }
        dir.remember(d);
        return server;
    }

    private static boolean causedByBind(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof BindException || t.getClass().getSimpleName().contains("BindException")) {
                return true;
            }
        }
        return false;
    }

    /**
     * Blocks until the JVM shuts down (SIGINT, SIGTERM). The hook closes the server (HTTP first, then the
     * pipeline writes everything back, then the store), so a stop loses nothing that was acknowledged.
     */
    static void awaitShutdown(AutoCloseable... resources) throws InterruptedException {
        CountDownLatch closed = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                for (AutoCloseable r : resources) {
                    try {
                        r.close();
                    } catch (Exception e) {
                        System.err.println("portrait: while shutting down: " + e);
                    }
                }
            } finally {
                closed.countDown();
            }
        }, "portrait-shutdown"));
        closed.await();
    }

    /** A URL a person can paste: the bound address, or localhost when bound to every interface. */
    static String url(String host, int port) {
        return url(host, port, false);
    }

    static String url(String host, int port, boolean tls) {
        String shown = host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]") ? "localhost"
                : host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
        return (tls ? "https://" : "http://") + shown + ":" + port;
    }

    private static String boundTo(String host) {
        return host.equals("0.0.0.0") || host.equals("::") ? " (bound to " + host + ", every interface)" : "";
    }
}
