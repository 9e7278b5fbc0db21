package dev.portrait.eval;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FloorsTest {
    private static MetricTable table() {
        return new MetricTable("retail").put("repeat30d", "online-ftrl", "AUC", 0.7);
    }

    @Test
    void aMetricAtOrAboveItsFloorPassesAndOtherDataSetsFloorsDoNotApply() {
        MetricTable t = table();
        assertThat(Floors.check(Map.of("retail.repeat30d.online-ftrl.AUC", 0.7, "movielens.temporal.ease.HR@10", 2.0), t))
                .isTrue();
        assertThat(t.toJson()).contains("\"ok\" : true").doesNotContain("movielens");
    }

    @Test
    void aMetricBelowItsFloorFails() {
        MetricTable t = table();
        assertThat(Floors.check(Map.of("retail.repeat30d.online-ftrl.AUC", 0.71), t)).isFalse();
        assertThat(t.toJson()).contains("\"ok\" : false");
    }

    @Test
    void aFloorForAMetricTheRunDidNotProduceFailsRatherThanPassingSilently() {
        assertThat(Floors.check(Map.of("retail.repeat30d.renamed-model.AUC", 0.1), table())).isFalse();
    }

    @Test
    void aFloorThatIsNotANumberNamesTheKey(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("floors.properties");
        Files.writeString(file, "retail.repeat30d.online-ftrl.AUC = high\n");
        assertThatThrownBy(() -> Floors.read(file)).hasMessageContaining("retail.repeat30d.online-ftrl.AUC")
                .hasMessageContaining("high");
    }
}
