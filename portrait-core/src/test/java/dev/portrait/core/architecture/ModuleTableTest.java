package dev.portrait.core.architecture;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import javax.xml.parsers.DocumentBuilderFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The module table of DESIGN.md, as a rule of the build: every module the parent pom lists must be
 * in the table, may depend only on the Portrait modules and outside artifacts the table allows, and
 * puts classes (main and test) only in its own packages, so no module reaches into another's
 * package-private code by sharing its package. (The core's bytecode is checked separately by {@link
 * CoreIsPureTest}.)
 */
class ModuleTableTest {
    /** Module → the Portrait modules it may depend on. */
    private static final Map<String, Set<String>> MAY_DEPEND_ON = new LinkedHashMap<>();
    /** Module → outside artifacts (groupId:artifactId prefixes) it may depend on; null = anything. */
    private static final Map<String, List<String>> MAY_USE = new LinkedHashMap<>();
    /** Artifacts a module must never have, and why. */
    private static final Map<String, Map<String, String>> NEVER = new LinkedHashMap<>();

    static {
        MAY_DEPEND_ON.put("portrait-core", Set.of());
        MAY_USE.put("portrait-core", List.of("com.fasterxml.jackson", "dev.cel:", "com.dynatrace.hash4j:",
                "org.roaringbitmap:"));
        MAY_DEPEND_ON.put("portrait-synth", Set.of("portrait-core"));
        MAY_USE.put("portrait-synth", List.of());
        MAY_DEPEND_ON.put("portrait-eval", Set.of("portrait-core", "portrait-synth"));
        MAY_USE.put("portrait-eval", List.of("org.ejml:", "com.fasterxml.jackson"));
        MAY_DEPEND_ON.put("portrait-store", Set.of("portrait-core"));
        MAY_USE.put("portrait-store", List.of("org.rocksdb:", "com.google.crypto.tink:", "com.github.luben:zstd-jni",
                "at.yawk.lz4:lz4-java"));
        MAY_DEPEND_ON.put("portrait-server", Set.of("portrait-core", "portrait-store"));
        MAY_USE.put("portrait-server", List.of("io.javalin:", "io.micrometer:", "com.fasterxml.jackson",
                "org.slf4j:", "com.google.crypto.tink:", "org.apache.kafka:"));
        MAY_DEPEND_ON.put("portrait-cli", Set.of("portrait-core", "portrait-synth", "portrait-eval",
                "portrait-store", "portrait-server"));
        MAY_USE.put("portrait-cli", List.of("info.picocli:", "org.slf4j:", "com.fasterxml.jackson"));
        MAY_DEPEND_ON.put("portrait-flink", Set.of("portrait-core"));
        MAY_USE.put("portrait-flink", List.of("org.apache.flink:", "org.apache.kafka:", "org.slf4j:",
                "com.fasterxml.jackson"));
        NEVER.put("portrait-flink", Map.of("portrait-store", "Flink ships its own RocksDB fork",
                "org.rocksdb:rocksdbjni", "Flink ships its own RocksDB fork (org.rocksdb classes would clash)"));
        MAY_DEPEND_ON.put("portrait-bench", Set.of("portrait-core", "portrait-synth", "portrait-eval", "portrait-store",
                "portrait-server", "portrait-cli", "portrait-flink"));
        MAY_USE.put("portrait-bench", null);
    }

    /** Module → the package prefix it owns; every class of the module, main or test, lives under it. */
    private static final Map<String, String> OWNS = new LinkedHashMap<>();

    static {
        OWNS.put("portrait-core", "dev.portrait.core");
        OWNS.put("portrait-synth", "dev.portrait.synth");
        OWNS.put("portrait-store", "dev.portrait.store");
        OWNS.put("portrait-server", "dev.portrait.server");
        OWNS.put("portrait-eval", "dev.portrait.eval");
        OWNS.put("portrait-cli", "dev.portrait.cli");
        OWNS.put("portrait-flink", "dev.portrait.flink");
        OWNS.put("portrait-bench", "dev.portrait.bench");
    }

    private static final Set<String> TEST_SCOPES = Set.of("test");

    private static final Pattern PACKAGE = Pattern.compile("^\\s*package\\s+([\\w.]+)\\s*;", Pattern.MULTILINE);

    @Test
    void everyModuleFollowsTheModuleTable() throws Exception {
        Path root = Paths.get("..").toAbsolutePath().normalize();
        Document parent = parse(root.resolve("pom.xml"));
        List<String> modules = texts(parent.getDocumentElement(), "module");
        assertThat(modules).as("modules of the parent pom").contains("portrait-core");
        List<String> problems = new ArrayList<>();
        for (String module : modules) {
            if (!MAY_DEPEND_ON.containsKey(module)) {
                problems.add(module + " is not in DESIGN.md's module table");
                continue;
            }
            problems.addAll(check(module, parse(root.resolve(module).resolve("pom.xml"))));
        }
        assertThat(problems).isEmpty();
    }

    @Test
    void everyModulePutsItsClassesInItsOwnPackagesOnly() throws Exception {
        Path root = Paths.get("..").toAbsolutePath().normalize();
        List<String> modules = texts(parse(root.resolve("pom.xml")).getDocumentElement(), "module");
        assertThat(OWNS.keySet()).as("every module of the table owns a package").containsAll(MAY_DEPEND_ON.keySet());
        List<String> problems = new ArrayList<>();
        long files = 0;
        for (String module : modules) {
            assertThat(OWNS).as("the package %s owns", module).containsKey(module);
            problems.addAll(packageProblems(root, module));
            files += javaFiles(root.resolve(module)).size();
        }
        assertThat(files).as("source files scanned").isGreaterThan(100);
        assertThat(problems).isEmpty();
    }

    @Test
    void thePackageCheckCatchesABenchmarkInTheServersPackageAndATestInAnotherModules(@TempDir Path root)
            throws Exception {
        // the layout this check was written against: bench reached the server's package-private parser by
        // sharing its package, and the synthetic streams' tests once sat in the core's tree
        write(root.resolve("portrait-bench/src/main/java/dev/portrait/server/http/IngestBodyProbe.java"),
                "package dev.portrait.server.http;\n\npublic final class IngestBodyProbe {\n}\n");
        write(root.resolve("portrait-bench/src/main/java/dev/portrait/bench/LoadGenerator.java"),
                "/** a comment: package dev.portrait.server; is not a declaration */\npackage dev.portrait.bench;\n");
        write(root.resolve("portrait-core/src/test/java/dev/portrait/core/synth/CatalogueTest.java"),
                "package dev.portrait.synth;\n");
        write(root.resolve("portrait-core/src/test/java/dev/portrait/coreutils/Helper.java"),
                "package dev.portrait.coreutils;\n");
        write(root.resolve("portrait-core/src/main/java/Orphan.java"), "final class Orphan {\n}\n");
        assertThat(packageProblems(root, "portrait-bench")).singleElement().asString()
                .contains("IngestBodyProbe.java", "dev.portrait.server.http", "dev.portrait.bench");
        assertThat(packageProblems(root, "portrait-core")).hasSize(3)
                .anyMatch(p -> p.contains("CatalogueTest.java") && p.contains("dev.portrait.synth"))
                .anyMatch(p -> p.contains("Helper.java") && p.contains("dev.portrait.coreutils"))
                .anyMatch(p -> p.contains("Orphan.java") && p.contains("no package"));
    }

    /** Source files of {@code module} (main and test trees) whose package is not under the one it owns. */
    static List<String> packageProblems(Path root, String module) throws IOException {
        String owned = OWNS.get(module);
        List<String> problems = new ArrayList<>();
        for (Path file : javaFiles(root.resolve(module))) {
            Matcher m = PACKAGE.matcher(withoutComments(Files.readString(file)));
            String where = root.relativize(file).toString();
            if (!m.find()) {
                problems.add(where + " has no package declaration; " + module + " owns " + owned);
                continue;
            }
            String pkg = m.group(1);
            if (!pkg.equals(owned) && !pkg.startsWith(owned + ".")) {
                problems.add(where + " is in package " + pkg + ", but " + module + " owns " + owned
                        + " (no module puts classes in another module's packages)");
            }
        }
        return problems;
    }

    private static List<Path> javaFiles(Path moduleDir) throws IOException {
        List<Path> out = new ArrayList<>();
        for (String tree : List.of("src/main/java", "src/test/java")) {
            Path dir = moduleDir.resolve(tree);
            if (Files.isDirectory(dir)) {
                try (Stream<Path> files = Files.walk(dir)) {
                    files.filter(f -> f.toString().endsWith(".java")).sorted().forEach(out::add);
                }
            }
        }
        return out;
    }

    private static String withoutComments(String source) {
        return source.replaceAll("(?s)/\\*.*?\\*/", "").replaceAll("(?m)//.*$", "");
    }

    private static void write(Path file, String text) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
    }

    @Test
    void theCheckCatchesAFlinkModuleThatDependsOnTheStore() throws Exception {
        String pom = "<project><artifactId>portrait-flink</artifactId><dependencies>"
                + "<dependency><groupId>dev.portrait</groupId><artifactId>portrait-store</artifactId></dependency>"
                + "<dependency><groupId>org.rocksdb</groupId><artifactId>rocksdbjni</artifactId></dependency>"
                + "</dependencies></project>";
        Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new java.io.ByteArrayInputStream(pom.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        assertThat(check("portrait-flink", doc))
                .anyMatch(p -> p.contains("portrait-store") && p.contains("may not depend"))
                .anyMatch(p -> p.contains("rocksdbjni") && p.contains("RocksDB fork"));
    }

    static List<String> check(String module, Document pom) {
        List<String> problems = new ArrayList<>();
        NodeList deps = pom.getElementsByTagName("dependency");
        for (int i = 0; i < deps.getLength(); i++) {
            Element d = (Element) deps.item(i);
            if (d.getParentNode() == null || !"dependencies".equals(d.getParentNode().getNodeName())
                    || d.getParentNode().getParentNode() == null
                    || "dependencyManagement".equals(d.getParentNode().getParentNode().getNodeName())) {
                continue;
            }
            String group = text(d, "groupId");
            String artifact = text(d, "artifactId");
            String scope = text(d, "scope");
            String coordinate = group + ":" + artifact;
            Map<String, String> never = NEVER.getOrDefault(module, Map.of());
            for (Map.Entry<String, String> n : never.entrySet()) {
                if (coordinate.contains(n.getKey())) {
                    problems.add(module + " may not depend on " + coordinate + ": " + n.getValue());
                }
            }
            if (scope != null && TEST_SCOPES.contains(scope)) {
                continue;
            }
            if ("dev.portrait".equals(group)) {
                if (!MAY_DEPEND_ON.get(module).contains(artifact)) {
                    problems.add(module + " may not depend on " + artifact + " (DESIGN.md's module table)");
                }
                continue;
            }
            List<String> allowed = MAY_USE.get(module);
            if (allowed != null && allowed.stream().noneMatch(coordinate::startsWith)) {
                problems.add(module + " may not depend on " + coordinate + " (not in its row of the module table)");
            }
        }
        return problems;
    }

    private static Document parse(Path pom) throws Exception {
        assertThat(pom).as("pom").exists();
        return DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(Files.newInputStream(pom));
    }

    private static List<String> texts(Element root, String tag) {
        List<String> out = new ArrayList<>();
        NodeList nodes = root.getElementsByTagName(tag);
        for (int i = 0; i < nodes.getLength(); i++) {
            out.add(nodes.item(i).getTextContent().trim());
        }
        return out;
    }

    private static String text(Element e, String tag) {
        NodeList n = e.getElementsByTagName(tag);
        return n.getLength() == 0 ? null : n.item(0).getTextContent().trim();
    }
}
