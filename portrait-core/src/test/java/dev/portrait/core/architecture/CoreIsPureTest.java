package dev.portrait.core.architecture;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * DESIGN.md: {@code portrait-core} may use the JDK, Jackson (data binding), CEL, hash4j (sketches), RoaringBitmap (segment bitmaps), and
 * no I/O, no threads, no clock, no framework. This reads every compiled class of the core and fails
 * naming the class and the reference that breaks the rule.
 */
class CoreIsPureTest {
    /** Packages the core may refer to. CEL's API exposes Guava and protobuf types, so they come with it. */
    private static final List<String> ALLOWED_PACKAGES = List.of(
            "java/lang/", "java/util/", "java/math/", "java/time/", "java/text/", "java/security/",
            "java/nio/charset/", "java/nio/ByteBuffer", "java/nio/ByteOrder", "java/io/",
            "com/fasterxml/jackson/", "dev/cel/", "com/google/common/", "com/google/protobuf/",
            "com/dynatrace/hash4j/", "org/roaringbitmap/", "dev/portrait/core/");

    /** Inside the allowed packages, what is still forbidden, and why. */
    private static final List<String[]> FORBIDDEN_CLASSES = List.of(
            new String[] {"java/io/File*", "file I/O"},
            new String[] {"java/io/RandomAccessFile", "file I/O"},
            new String[] {"java/nio/file/", "file I/O"},
            new String[] {"java/net/", "network I/O"},
            new String[] {"java/nio/channels/", "file or network I/O"},
            new String[] {"java/lang/Thread*", "threads"},
            new String[] {"java/lang/ProcessBuilder", "processes"},
            new String[] {"java/lang/Runtime", "processes"},
            new String[] {"java/util/Timer*", "threads"},
            new String[] {"java/util/concurrent/Executor*", "executors"},
            new String[] {"java/util/concurrent/ForkJoinPool", "executors"},
            new String[] {"java/util/concurrent/CompletableFuture", "executors"},
            new String[] {"java/util/concurrent/ThreadPoolExecutor", "executors"},
            new String[] {"java/util/concurrent/ScheduledExecutorService", "executors"},
            new String[] {"java/time/Clock", "the wall clock"},
            new String[] {"java/time/InstantSource", "the wall clock"},
            new String[] {"java/io/FileDescriptor", "file I/O"},
            new String[] {"java/io/Console", "I/O"});

    private static final List<String[]> FORBIDDEN_METHODS = List.of(
            new String[] {"java/lang/System.currentTimeMillis", "the wall clock"},
            new String[] {"java/lang/System.nanoTime", "the wall clock"},
            new String[] {"java/lang/System.getenv", "the environment"},
            new String[] {"java/lang/System.exit", "the process"},
            new String[] {"java/time/Instant.now", "the wall clock"},
            new String[] {"java/time/LocalDateTime.now", "the wall clock"},
            new String[] {"java/time/LocalDate.now", "the wall clock"},
            new String[] {"java/time/LocalTime.now", "the wall clock"},
            new String[] {"java/time/ZonedDateTime.now", "the wall clock"},
            new String[] {"java/time/OffsetDateTime.now", "the wall clock"},
            new String[] {"java/time/Year.now", "the wall clock"},
            new String[] {"java/util/Date.<init>()V", "the wall clock"},
            new String[] {"java/util/UUID.randomUUID", "unseeded randomness"},
            new String[] {"java/lang/Math.random", "unseeded randomness"},
            new String[] {"java/util/Random.<init>()V", "unseeded randomness"},
            new String[] {"java/util/SplittableRandom.<init>()V", "unseeded randomness"},
            new String[] {"java/util/concurrent/ThreadLocalRandom.current", "unseeded randomness"});

    @Test
    void coreClassesUseNoIoThreadsClockOrFramework() throws IOException {
        Path classes = Paths.get("target", "classes");
        assertThat(classes).as("compiled core classes").isDirectory();
        List<String> violations = new ArrayList<>();
        int checked = 0;
        try (Stream<Path> files = Files.walk(classes)) {
            for (Path file : (Iterable<Path>) files.filter(p -> p.toString().endsWith(".class"))::iterator) {
                String name = classes.relativize(file).toString().replace('\\', '/').replace(".class", "");
                try (InputStream in = Files.newInputStream(file)) {
                    violations.addAll(violations(ClassReferences.read(name, in)));
                }
                checked++;
            }
        }
        assertThat(checked).as("classes checked").isGreaterThan(20);
        assertThat(violations).as("forbidden references in portrait-core").isEmpty();
    }

    @Test
    void theCheckCatchesAClassThatReadsTheClock() throws IOException {
        String self = CoreIsPureTest.Offender.class.getName().replace('.', '/');
        try (InputStream in = getClass().getResourceAsStream("/" + self + ".class")) {
            List<String> found = violations(ClassReferences.read(self, in));
            assertThat(found).anyMatch(v -> v.contains("Instant.now") && v.contains("the wall clock"))
                    .anyMatch(v -> v.contains("java/nio/file/") && v.contains("file I/O"))
                    .anyMatch(v -> v.contains("org/junit/") && v.contains("not an allowed dependency"));
        }
    }

    static List<String> violations(ClassReferences refs) {
        List<String> out = new ArrayList<>();
        for (String c : refs.classes()) {
            if (ALLOWED_PACKAGES.stream().noneMatch(c::startsWith)) {
                out.add(refs.className() + " refers to " + c + ": not an allowed dependency of portrait-core");
            }
            for (String[] f : FORBIDDEN_CLASSES) {
                if (matches(c, f[0]) && !c.equals("java/io/FileNotFoundException")) {
                    out.add(refs.className() + " refers to " + c + ": " + f[1] + " is not allowed in portrait-core");
                }
            }
        }
        for (String m : refs.methods()) {
            for (String[] f : FORBIDDEN_METHODS) {
                if (m.startsWith(f[0])) {
                    out.add(refs.className() + " calls " + m + ": " + f[1] + " is not allowed in portrait-core");
                }
            }
        }
        return out;
    }

    /** {@code pkg/} matches a package, {@code Name*} a name prefix, anything else one class and its nested ones. */
    private static boolean matches(String className, String rule) {
        if (rule.endsWith("/")) {
            return className.startsWith(rule);
        }
        if (rule.endsWith("*")) {
            return className.startsWith(rule.substring(0, rule.length() - 1));
        }
        return className.equals(rule) || className.startsWith(rule + "$");
    }

    /** A deliberately impure class, to show that the check is not blind. */
    @SuppressWarnings("unused")
    static final class Offender {
        Object clock() {
            return java.time.Instant.now();
        }

        Object file() {
            return java.nio.file.Paths.get("x");
        }

        Object framework() {
            return org.junit.jupiter.api.Assertions.class;
        }
    }
}
