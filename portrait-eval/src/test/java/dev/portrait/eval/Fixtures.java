package dev.portrait.eval;

import java.net.URISyntaxException;
import java.nio.file.Path;

/** The hand-made data sets under src/test/resources/eval (none of their rows come from the real data). */
final class Fixtures {
    private Fixtures() {
    }

    static Path fixture(String name) {
        try {
            return Path.of(Fixtures.class.getResource("/eval/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
