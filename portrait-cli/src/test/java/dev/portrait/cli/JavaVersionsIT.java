package dev.portrait.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Portrait runs on every Java from 17 up with no JVM option: the shaded jar, started as a server on
 * each JDK installed on this machine (every home under {@code /usr/lib/jvm} with a {@code bin/java},
 * and the JDK running the build), takes an event and answers the profile it made, including the
 * distinct count whose sketch library once tied the product to Java 17. The launcher script is
 * checked on each JDK too: it starts, picks the collector it promises, and refuses a JDK that is too old.
 */
class JavaVersionsIT {
    private static final Pattern LISTENING = Pattern.compile("listening on http://([^:/\\s]+):(\\d+)");
    private static final Pattern VERSION = Pattern.compile("\"(1\\.)?(\\d+)[^\"]*\"");
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    Path tmp;

    /** A JDK home and its feature version (17, 21, 25). */
    record Jdk(Path home, int feature) {
        Path java() {
            return home.resolve("bin").resolve("java");
        }

        @Override
        public String toString() {
            return "Java " + feature + " at " + home;
        }
    }

    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void theJarServesAndTheLauncherStartsOnEveryInstalledJdkFrom17Up() throws Exception {
        List<Jdk> jdks = installedJdks().stream().filter(j -> j.feature() >= 17).toList();
        System.out.println("JavaVersionsIT: JDKs >= 17 found: " + jdks);
        assertThat(jdks).as("JDKs of Java 17 or later on this machine").isNotEmpty();
        boolean launcherCurrent = launcherNeedsNoBuild();
        for (Jdk jdk : jdks) {
            servesAnEventAndItsProfile(jdk);
            if (launcherCurrent) {
                launcherStartsWithTheRightCollector(jdk);
            }
            System.out.println("JavaVersionsIT: ran on " + jdk + (launcherCurrent ? " (jar and launcher)" : " (jar)"));
        }
        if (!launcherCurrent) {
            System.out.println("JavaVersionsIT: launcher not run: a source is newer than the jar, so it would rebuild");
        }
    }

    @Test
    void theLauncherRefusesAJdkOlderThan17ByName() throws Exception {
        Path old = tmp.resolve("jdk-11");
        Path java = Files.createDirectories(old.resolve("bin")).resolve("java");
        Files.writeString(java, "#!/bin/sh\necho 'openjdk version \"11.0.22\" 2024-01-16' >&2\n");
        assertThat(java.toFile().setExecutable(true)).isTrue();
        ProcessBuilder pb = new ProcessBuilder(ROOT.resolve("portrait").toString(), "--version").redirectErrorStream(true);
        pb.environment().put("JAVA_HOME", old.toString());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isEqualTo(2);
        assertThat(out).contains("portrait needs Java 17 or newer; found Java 11 at " + java);
    }

    private void servesAnEventAndItsProfile(Jdk jdk) throws Exception {
        Path data = tmp.resolve("data-" + jdk.feature() + "-" + Math.abs(jdk.home().hashCode()));
        Process server = new ProcessBuilder(jdk.java().toString(), "-Xmx256m", "-jar", jar().toString(), "serve",
                "--data", data.toString(), "--port", "0", "--host", "127.0.0.1", "--write-key", "wk-jv", "--read-key", "rk-jv")
                .redirectErrorStream(true).start();
        try {
            String base = "http://127.0.0.1:" + port(server, jdk);
            HttpResponse<String> track = http.send(HttpRequest.newBuilder(URI.create(base + "/v1/track"))
                    .header("Authorization", basic("wk-jv"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"userId\":\"jv-user\",\"event\":\"Product Viewed\","
                            + "\"messageId\":\"jv-1\",\"properties\":{\"product_id\":\"p1\",\"category\":\"books\"}}"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(track.statusCode()).as(jdk + ": " + track.body()).isEqualTo(200);

            // read-your-writes: the read carries the ingest answer's log position
            String position = track.headers().firstValue("X-Portrait-Position").orElseThrow();
            HttpResponse<String> profile = http.send(HttpRequest.newBuilder(
                            URI.create(base + "/v1/profiles/user_id/jv-user?position=" + position))
                    .header("Authorization", basic("rk-jv")).timeout(Duration.ofSeconds(10)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(profile.statusCode()).as(jdk + ": " + profile.body()).isEqualTo(200);
            JsonNode features = new ObjectMapper().readTree(profile.body()).path("features");
            assertThat(features.path("views_24h").asLong()).as(jdk + ": " + profile.body()).isEqualTo(1);
            assertThat(features.path("distinct_products_viewed").asLong()).as(jdk + ": " + profile.body()).isEqualTo(1);

            server.destroy();
            assertThat(server.waitFor(20, TimeUnit.SECONDS)).as(jdk + ": stopped after SIGTERM").isTrue();
        } finally {
            server.destroyForcibly();
        }
    }

    /** {@code ./portrait --version} with this JDK as JAVA_HOME, its collector logged. */
    private void launcherStartsWithTheRightCollector(Jdk jdk) throws Exception {
        String chosen = launch(jdk, "-Xlog:gc:stdout");
        String expected = jdk.feature() >= 21 ? "Using The Z Garbage Collector" : "Using G1";
        assertThat(chosen).as(jdk + ": ./portrait --version").contains(expected).doesNotContainIgnoringCase("warning");
        String named = launch(jdk, "-XX:+UseSerialGC -Xlog:gc:stdout");
        assertThat(named).as(jdk + ": a collector named in PORTRAIT_JAVA_OPTS").contains("Using Serial")
                .doesNotContainIgnoringCase("warning");
    }

    private String launch(Jdk jdk, String javaOpts) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(ROOT.resolve("portrait").toString(), "--version").redirectErrorStream(true);
        pb.environment().put("JAVA_HOME", jdk.home().toString());
        pb.environment().put("PORTRAIT_JAVA_OPTS", javaOpts);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as(jdk + ": launcher finished").isTrue();
        assertThat(p.exitValue()).as(jdk + ": " + out).isZero();
        return out;
    }

    /**
     * Every JDK home under /usr/lib/jvm and the running one, once each however many links lead to it
     * (Debian has java-17-openjdk-amd64 and java-1.17.0-openjdk-amd64 for one JDK).
     */
    static List<Jdk> installedJdks() throws IOException, InterruptedException {
        List<Path> homes = new ArrayList<>();
        Path jvm = Path.of("/usr/lib/jvm");
        if (Files.isDirectory(jvm)) {
            try (Stream<Path> dirs = Files.list(jvm)) {
                dirs.sorted().forEach(homes::add);
            }
        }
        homes.add(Path.of(System.getProperty("java.home")));
        Map<Path, Jdk> byRealPath = new LinkedHashMap<>();
        for (Path home : homes) {
            Path java = home.resolve("bin").resolve("java");
            if (!Files.isExecutable(java)) {
                continue;
            }
            Path real = home.toRealPath();
            if (!byRealPath.containsKey(real)) {
                byRealPath.put(real, new Jdk(real, feature(real)));
            }
        }
        return List.copyOf(byRealPath.values());
    }

    /** From the {@code release} file's JAVA_VERSION, else from {@code java -version}. */
    private static int feature(Path home) throws IOException, InterruptedException {
        String text = null;
        Path release = home.resolve("release");
        if (Files.exists(release)) {
            text = Files.readAllLines(release).stream().filter(l -> l.startsWith("JAVA_VERSION=")).findFirst().orElse(null);
        }
        if (text == null) {
            Process p = new ProcessBuilder(home.resolve("bin").resolve("java").toString(), "-version")
                    .redirectErrorStream(true).start();
            text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor(30, TimeUnit.SECONDS);
        }
        Matcher m = VERSION.matcher(text);
        assertThat(m.find()).as("a version in " + text).isTrue();
        return Integer.parseInt(m.group(2));
    }

    private static Path jar() {
        Path jar = Path.of(System.getProperty("portrait.jar", "target/portrait.jar"));
        assertThat(jar).as("the shaded jar (failsafe runs after package)").exists();
        return jar;
    }

    /**
     * The launcher rebuilds the jar when a pom or main source is newer than it (as after an edit in an
     * IDE); running it then would start a Maven build inside this one, so the launcher checks wait.
     */
    private static boolean launcherNeedsNoBuild() throws IOException {
        FileTime built = Files.getLastModifiedTime(ROOT.resolve("portrait-cli/target/portrait.jar"));
        if (newer(ROOT.resolve("pom.xml"), built)) {
            return false;
        }
        try (Stream<Path> modules = Files.list(ROOT)) {
            for (Path module : modules.filter(m -> m.getFileName().toString().startsWith("portrait-")).toList()) {
                if (newer(module.resolve("pom.xml"), built)) {
                    return false;
                }
                Path main = module.resolve("src/main");
                if (Files.isDirectory(main)) {
                    try (Stream<Path> sources = Files.walk(main)) {
                        if (sources.anyMatch(f -> Files.isRegularFile(f) && newer(f, built))) {
                            return false;
                        }
                    }
                }
            }
        }
        return true;
    }

    private static boolean newer(Path file, FileTime than) {
        try {
            return Files.exists(file) && Files.getLastModifiedTime(file).compareTo(than) > 0;
        } catch (IOException e) {
            return false;
        }
    }

    private static int port(Process server, Jdk jdk) throws Exception {
        BufferedReader out = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
        StringBuilder seen = new StringBuilder();
        CompletableFuture<Integer> port = CompletableFuture.supplyAsync(() -> {
            try {
                for (String line = out.readLine(); line != null; line = out.readLine()) {
                    seen.append(line).append('\n');
                    Matcher m = LISTENING.matcher(line);
                    if (m.find()) {
                        return Integer.parseInt(m.group(2));
                    }
                }
                throw new IllegalStateException(jdk + ": the server ended before it listened:\n" + seen);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        int p = port.get(60, TimeUnit.SECONDS);
        Thread drain = new Thread(() -> {
            try {
                while (out.readLine() != null) {
                    // discard, so the server never blocks on a full pipe
                }
            } catch (IOException ignored) {
                // the process ended
            }
        }, "drain");
        drain.setDaemon(true);
        drain.start();
        return p;
    }

    private static String basic(String key) {
        return "Basic " + Base64.getEncoder().encodeToString((key + ":").getBytes(StandardCharsets.UTF_8));
    }
}
