package dev.portrait.server.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The server as a separate process, killed with SIGKILL while a client ingests; restarted each time.
 * The client retries a batch that got no answer (as SDKs do, with the same message ids), so in the
 * end every event it sent must be applied exactly once: each user's view count equals what was sent
 * for them — nothing acknowledged is lost, nothing retried or replayed is applied twice. One event in a
 * hundred is malformed (no event name): each is answered quarantined, by index, and never counted.
 */
class CrashRecoveryIT {
    private static final String WRITE = "w-crash";
    private static final String READ = "r-crash";
    private static final int USERS = 20;

    @TempDir
    Path dir;

    private Process server;
    private volatile Client client;

    private void startServer() throws Exception {
        Path portFile = dir.resolve("port");
        Files.deleteIfExists(portFile);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-Xmx512m",
                "-cp", System.getProperty("java.class.path"), "dev.portrait.server.PortraitServer",
                "--data", dir.resolve("data").toString(), "--port", "0", "--port-file", portFile.toString(),
                "--write-key", WRITE, "--read-key", READ);
        pb.redirectErrorStream(true);
        pb.redirectOutput(dir.resolve("server.log").toFile());
        server = pb.start();
        long deadline = System.currentTimeMillis() + 60_000;
        while (!Files.exists(portFile)) {
            assertThat(server.isAlive()).as("server died at start: %s", log()).isTrue();
            assertThat(System.currentTimeMillis()).as("server start timed out: %s", log()).isLessThan(deadline);
            Thread.sleep(50);
        }
        client = new Client(Integer.parseInt(Files.readString(portFile).trim()));
    }

    private String log() throws Exception {
        File f = dir.resolve("server.log").toFile();
        return f.exists() ? Files.readString(f.toPath()) : "";
    }

    @Test
    void everyAcknowledgedEventIsAppliedExactlyOnceAcrossKills() throws Exception {
        long seed = 20261122L;
        SplittableRandom random = new SplittableRandom(seed);
        int[] sent = new int[USERS];
        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.concurrent.atomic.AtomicLong acknowledged = new java.util.concurrent.atomic.AtomicLong();
        java.util.concurrent.atomic.AtomicLong retries = new java.util.concurrent.atomic.AtomicLong();
        java.util.concurrent.atomic.AtomicLong quarantined = new java.util.concurrent.atomic.AtomicLong();
        java.util.concurrent.atomic.AtomicReference<Throwable> clientFailure = new java.util.concurrent.atomic.AtomicReference<>();
        SplittableRandom batches = random.split();
        // The client: sends batches one after another; a batch that gets no answer (the server died
        // under it) is sent again, unchanged, until some server answers it.
        Thread sender = new Thread(() -> {
            int next = 0;
            try {
                while (!stop.get()) {
                    int[] counts = new int[USERS];
                    java.util.Set<Integer> malformed = new java.util.TreeSet<>();
                    StringBuilder b = new StringBuilder("{\"batch\":[");
                    int size = 1 + batches.nextInt(50);
                    for (int i = 0; i < size; i++) {
                        int user = batches.nextInt(USERS);
                        // one event in a hundred has no event name: quarantined, never counted as a view
                        boolean bad = next % 100 == 7;
                        if (bad) {
                            malformed.add(i);
                        } else {
                            counts[user]++;
                        }
                        b.append(i == 0 ? "" : ",").append("{\"type\":\"track\",\"messageId\":\"c").append(next++)
                                .append("\",\"userId\":\"u").append(user).append(bad ? "\"," : "\",\"event\":\"Product Viewed\",")
                                .append("\"properties\":{\"product_id\":\"p").append(i).append("\"},\"timestamp\":\"")
                                .append(Instant.now()).append("\"}");
                    }
                    String body = b.append("]}").toString();
                    while (true) {
                        Client c = client;
                        try {
                            Client.Answer a = c == null ? null : c.post("/v1/batch", WRITE, body);
                            if (a != null && a.status() == 200) {
                                // each malformed event is answered quarantined, and nothing else is
                                java.util.Set<Integer> rejected = new java.util.TreeSet<>();
                                for (JsonNode r : a.body().get("rejected")) {
                                    rejected.add(r.get("index").asInt());
                                    if (!"missing_event_name".equals(r.get("code").asText())) {
                                        throw new AssertionError("event " + r + " rejected for another reason");
                                    }
                                }
                                if (!rejected.equals(malformed)) {
                                    throw new AssertionError("malformed " + malformed + " but rejected " + rejected);
                                }
                                quarantined.addAndGet(malformed.size());
                                break;
                            }
                        } catch (java.io.IOException e) {
                            // the server is down: wait for the next one
                        }
                        retries.incrementAndGet();
                        Thread.sleep(20);
                    }
                    synchronized (sent) {
                        for (int u = 0; u < USERS; u++) {
                            sent[u] += counts[u];
                        }
                    }
                    acknowledged.addAndGet(size);
                }
            } catch (Throwable t) {
                clientFailure.set(t);
            }
        }, "crash-test-client");
        int kills = 3;
        try {
            startServer();
            sender.start();
            for (int k = 0; k < kills; k++) {
                Thread.sleep(800 + random.nextInt(2000));
                client = null;
                server.destroyForcibly().waitFor(); // SIGKILL, mid-request more often than not
                startServer();
            }
            long before = acknowledged.get();
            long deadline = System.currentTimeMillis() + 20_000;
            while (acknowledged.get() < before + 200 && System.currentTimeMillis() < deadline) {
                Thread.sleep(50);
            }
            stop.set(true);
            sender.join(30_000);
            assertThat(clientFailure.get()).as("seed=%d client failed", seed).isNull();
            assertThat(sender.isAlive()).as("seed=%d client stuck", seed).isFalse();
            assertThat(acknowledged.get()).as("seed=%d events acknowledged", seed).isGreaterThan(200);
            assertThat(quarantined.get()).as("seed=%d malformed events answered quarantined", seed).isPositive();

            Map<Integer, Long> expected = new TreeMap<>();
            synchronized (sent) {
                for (int u = 0; u < USERS; u++) {
                    expected.put(u, (long) sent[u]);
                }
            }
            Map<Integer, Long> actual = new TreeMap<>();
            deadline = System.currentTimeMillis() + 30_000;
            do {
                Thread.sleep(200);
                for (int u = 0; u < USERS; u++) {
                    Client.Answer p = client.get("/v1/profiles/user_id/u" + u, READ);
                    JsonNode f = p.status() != 200 || p.body() == null ? null : p.body().get("features");
                    actual.put(u, f == null ? 0 : f.get("views_30d").asLong());
                }
            } while (!actual.equals(expected) && System.currentTimeMillis() < deadline);
            assertThat(actual).as("seed=%d per-user views after %d kills (%d events acknowledged, %d retries)", seed,
                    kills, acknowledged.get(), retries.get()).isEqualTo(expected);
        } finally {
            stop.set(true);
            if (server != null) {
                server.destroyForcibly().waitFor();
            }
        }
    }
}
