package dev.portrait.cli;

import dev.portrait.core.PortraitException;

/** What the JVM must offer before the core runs. */
final class Jvm {
    static final String FOREIGN_MODULE = "jdk.incubator.foreign";

    private Jvm() {
    }

    /**
     * DataSketches 7 reaches memory through Java 17's incubating foreign-memory API, which the JVM only
     * resolves when started with {@code --add-modules}; without it the first sketch fails deep inside a
     * feature update with a NoClassDefFoundError. Checking up front turns that into one clear line.
     */
    static void requireForeignMemoryModule() {
        if (ModuleLayer.boot().findModule(FOREIGN_MODULE).isEmpty()) {
            throw new PortraitException("jvm_option_missing", "this JVM was started without --add-modules="
                    + FOREIGN_MODULE + ", which Portrait needs on Java 17 (DataSketches uses the incubating "
                    + "foreign-memory API): run ./portrait, or java --add-modules=" + FOREIGN_MODULE
                    + " -jar portrait-cli/target/portrait.jar …", null);
        }
    }
}
