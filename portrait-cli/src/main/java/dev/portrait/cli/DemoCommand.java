package dev.portrait.cli;

import dev.portrait.cli.DataDirectory.Definition;
import dev.portrait.cli.PortraitCli.UsageProblem;
import dev.portrait.server.PortraitServer;
import dev.portrait.server.http.HttpConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.Comparator;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

@Command(name = "demo", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Starts a server on a fresh temporary data directory with generated keys and streams a synthetic "
                + "shop into it over HTTP (people browse, search, buy, switch devices; half of them change their "
                + "favourite category 10-20 minutes in). Prints what to look at, and serves until Ctrl-C."})
final class DemoCommand implements Callable<Integer> {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final long WAIT_FOR_A_USER_MS = 30_000;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--port", paramLabel = "N", defaultValue = "8080",
            description = "The port (default ${DEFAULT-VALUE}; 0 lets the system choose).")
    int port;

    @Option(names = "--host", paramLabel = "H", defaultValue = "127.0.0.1",
            description = "The interface to bind (default ${DEFAULT-VALUE}, this machine only).")
    String host;

    @Option(names = "--users", paramLabel = "N", defaultValue = "10000",
            description = "People in the synthetic population (default ${DEFAULT-VALUE}).")
    int users;

    @Option(names = "--rate", paramLabel = "N", defaultValue = "200",
            description = "The most events per second to send (default ${DEFAULT-VALUE}).")
    double rate;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "42",
            description = "The generator's seed (default ${DEFAULT-VALUE}).")
    long seed;

    @Override
    public Integer call() throws IOException, InterruptedException {
        if (users < 1) {
            throw new UsageProblem("--users " + users + " must be at least 1");
        }
        if (!(rate > 0) || rate > 1_000_000) {
            throw new UsageProblem("--rate " + rate + " must be above 0 and at most 1000000 events/s");
        }
        if (port < 0 || port > 65_535) {
            throw new UsageProblem("--port " + port + " is not a TCP port (0-65535)");
        }
        PrintWriter out = spec.commandLine().getOut();
        Path tmp = Files.createTempDirectory("portrait-demo-");
        String write = key("wk_");
        String read = key("rk_");
        String admin = key("ak_");
        DataDirectory dir = DataDirectory.createIfMissing(tmp);
        Definition d = dir.definition(null);
        PortraitServer server;
        try {
            server = ServeCommand.start(dir, d, new HttpConfig(host, port,
                    new HttpConfig.ApiKeys(Set.of(write), Set.of(read), Set.of(admin)), HttpConfig.Limits.DEFAULT)
                    .withOpenMetrics(true)); // a demo shows its figures to anyone on the machine
        } catch (RuntimeException e) {
            delete(tmp);
            throw e;
        }
        String base = ServeCommand.url(host, server.port());
        out.printf(Locale.ROOT, "Portrait demo listening on %s (data in %s, deleted when the demo stops)%n", base, tmp);
        out.println("keys of this run:");
        out.println("  write  " + write + "   sends events (/v1/batch, /v1/track, /v1/identify, ...)");
        out.println("  read   " + read + "   reads profiles and segments");
        out.println("  admin  " + admin + "   reads, forgets people, lists and re-drives the quarantine");
        out.printf(Locale.ROOT, "streaming a synthetic shop: %,d people, up to %,.0f events/s, with 0.5%% duplicates "
                + "and 0.5%% malformed events%n%n", users, rate);
        out.flush();

        DemoTraffic traffic = new DemoTraffic(URI.create(base), write,
                DemoTraffic.calibrated(seed, users, rate, Instant.now()), rate, Clock.systemUTC());
        traffic.start();
        Optional<String> user = Optional.empty();
        long deadline = System.currentTimeMillis() + WAIT_FOR_A_USER_MS;
        while (user.isEmpty() && System.currentTimeMillis() < deadline) {
            Thread.sleep(250);
            user = traffic.busiestUser(3);
        }
        String auth = "-u " + read + ":";
        if (user.isPresent()) {
            out.println("a profile (run it again in a minute: windows, interests and segments move):");
            out.println("  curl -s " + auth + " " + base + "/v1/profiles/user_id/" + user.get());
        } else {
            out.println("no identified user has sent three events yet; pick one from the segment below:");
            out.println("  curl -s " + auth + " " + base + "/v1/profiles/profile_id/PROFILE_ID");
        }
        out.println("a segment (people who viewed a product in the last 24 hours):");
        out.println("  curl -s " + auth + " " + base + "/v1/segments/active_viewer/members");
        out.println("every segment and its size:");
        out.println("  curl -s " + auth + " " + base + "/v1/segments");
        out.println("what was quarantined, and why:");
        out.println("  curl -s -u " + admin + ": " + base + "/v1/quarantine");
        out.println("an event of your own:");
        out.println("  curl -s -u " + write + ": -H 'Content-Type: application/json' " + base + "/v1/track -d '{\"userId\":"
                + "\"me\",\"event\":\"Product Viewed\",\"properties\":{\"product_id\":\"p1\",\"category\":\"books\"}}'");
        out.println("stop with Ctrl-C");
        out.flush();

        Thread status = new Thread(() -> report(traffic, out), "portrait-demo-status");
        status.setDaemon(true);
        status.start();
        ServeCommand.awaitShutdown(traffic, server, () -> delete(tmp));
        return 0;
    }

    /** A line a minute, so a terminal left open shows the stream is alive. */
    private static void report(DemoTraffic traffic, PrintWriter out) {
        try {
            while (true) {
                Thread.sleep(60_000);
                out.printf(Locale.ROOT, "demo: %,d events sent: %,d stored, %,d duplicates, %,d quarantined%s%n",
                        traffic.sent(), traffic.stored(), traffic.duplicates(), traffic.rejected(),
                        traffic.failedBatches() == 0 ? "" : "; " + traffic.failedBatches() + " batches failed, last: "
                                + traffic.lastFailure());
                out.flush();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A random key of visible ASCII (URL-safe base64: no ':' and nothing a header would mangle). */
    static String key(String prefix) {
        byte[] bytes = new byte[18];
        RANDOM.nextBytes(bytes);
        return prefix + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    static void delete(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) all.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete the demo's data directory " + dir, e);
        }
    }
}
