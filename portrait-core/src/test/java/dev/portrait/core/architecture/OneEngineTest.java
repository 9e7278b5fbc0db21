package dev.portrait.core.architecture;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * DESIGN.md: {@code ProfileEngine} is the only place where identity → merges → fold → segments → models
 * are strung together. The steps' own entry points (the updater's fold, merge and timer, the identity
 * graph's resolve) may therefore be called from the engine package only. Inside the core this reads
 * the bytecode; in the other modules (compiled after the core, so their classes are not here yet) it
 * reads the main sources for the calls that would start a second pipeline.
 */
class OneEngineTest {
    private static final List<String> STEPS = List.of(
            "dev/portrait/core/profile/ProfileUpdater.applyInPlace",
            "dev/portrait/core/profile/ProfileUpdater.apply",
            "dev/portrait/core/profile/ProfileUpdater.merge",
            "dev/portrait/core/profile/ProfileUpdater.advance",
            "dev/portrait/core/identity/IdentityGraph.resolve");
    /** What a second pipeline in another module's source would have to write. */
    private static final Pattern SOURCE_STEPS = Pattern.compile(
            "\\.applyInPlace\\(|new\\s+IdentityGraph\\(|updater\\(\\)\\.merge\\(|updater\\.merge\\(");

    @Test
    void onlyTheEnginePackageCallsTheStepsInTheCore() throws IOException {
        Path classes = Paths.get("target", "classes");
        List<String> violations = new ArrayList<>();
        try (Stream<Path> files = Files.walk(classes)) {
            for (Path file : (Iterable<Path>) files.filter(p -> p.toString().endsWith(".class"))::iterator) {
                String name = classes.relativize(file).toString().replace('\\', '/').replace(".class", "");
                if (name.startsWith("dev/portrait/core/engine/") || name.startsWith("dev/portrait/core/profile/ProfileUpdater")
                        || name.startsWith("dev/portrait/core/identity/IdentityGraph")) {
                    continue;
                }
                try (InputStream in = Files.newInputStream(file)) {
                    violations.addAll(stepCalls(ClassReferences.read(name, in)));
                }
            }
        }
        assertThat(violations).as("calls of the engine's steps outside dev.portrait.core.engine").isEmpty();
    }

    @Test
    void noOtherModuleStringsTheStepsTogether() throws IOException {
        Path root = Paths.get("..").toAbsolutePath().normalize();
        List<String> violations = new ArrayList<>();
        int read = 0;
        try (Stream<Path> modules = Files.list(root)) {
            // portrait-bench is exempt: it measures the steps one by one (the fold alone, the engine whole)
            for (Path module : (Iterable<Path>) modules.filter(m -> m.getFileName().toString().startsWith("portrait-")
                    && !m.getFileName().toString().equals("portrait-core")
                    && !m.getFileName().toString().equals("portrait-bench"))::iterator) {
                Path sources = module.resolve("src/main/java");
                if (!Files.isDirectory(sources)) {
                    continue;
                }
                try (Stream<Path> files = Files.walk(sources)) {
                    for (Path f : (Iterable<Path>) files.filter(p -> p.toString().endsWith(".java"))::iterator) {
                        read++;
                        String text = Files.readString(f);
                        var m = SOURCE_STEPS.matcher(text);
                        while (m.find()) {
                            violations.add(root.relativize(f) + ": " + m.group());
                        }
                    }
                }
            }
        }
        assertThat(read).as("main sources of the other modules read").isGreaterThan(50);
        assertThat(violations).as("other modules must call ProfileEngine, not its steps").isEmpty();
    }

    @Test
    void theCheckCatchesAClassThatFoldsByItself() throws IOException {
        String self = Offender.class.getName().replace('.', '/');
        try (InputStream in = getClass().getResourceAsStream("/" + self + ".class")) {
            assertThat(stepCalls(ClassReferences.read(self, in))).anyMatch(v -> v.contains("applyInPlace"))
                    .anyMatch(v -> v.contains("IdentityGraph.resolve"));
        }
        assertThat(SOURCE_STEPS.matcher("Profile p = x; updater.applyInPlace(p, e);").find()).isTrue();
        assertThat(SOURCE_STEPS.matcher("this.graph = new IdentityGraph(rules, store);").find()).isTrue();
    }

    private static List<String> stepCalls(ClassReferences refs) {
        List<String> out = new ArrayList<>();
        for (String m : refs.methods()) {
            for (String step : STEPS) {
                if (m.startsWith(step + "(") || m.equals(step)) {
                    out.add(refs.className() + " calls " + m);
                }
            }
        }
        return out;
    }

    /** A class that strings the steps itself, to show the check is not blind. */
    @SuppressWarnings("unused")
    static final class Offender {
        void fold(dev.portrait.core.identity.IdentityGraph g, dev.portrait.core.profile.ProfileUpdater u,
                  dev.portrait.core.profile.Profile p, dev.portrait.core.event.Event e) {
            g.resolve(e);
            u.applyInPlace(p, e);
        }
    }
}
