package dev.portrait.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.portrait.core.privacy.PrivacyCost;
import dev.portrait.server.http.HttpConfig;
import dev.portrait.server.http.PrivacyConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The privacy block of a serve config: defaults, dp-only read keys, and errors that name their path. */
class PrivacySettingsTest {
    private static final HttpConfig.ApiKeys KEYS = new HttpConfig.ApiKeys(Set.of("wk_1"), Set.of("rk_dash", "rk_partner"),
            Set.of("ak_ops"));

    @TempDir
    Path dir;

    @Test
    void aFileWithoutAPrivacyBlockGetsTheDefaults() throws Exception {
        Path file = dir.resolve("portrait.yaml");
        Files.writeString(file, "data: ./data\nreadKeys: [rk_dash]\n");
        assertThat(PrivacySettings.load(file, KEYS)).isEqualTo(PrivacyConfig.DEFAULT);
        assertThat(ServeConfig.load(file).data()).isNotNull();
    }

    @Test
    void aReadKeyMarkedDpGetsItsOwnBudgetAndTheServeConfigAcceptsTheBlock() throws Exception {
        Path file = dir.resolve("portrait.yaml");
        Files.writeString(file, """
                data: ./data
                readKeys: [rk_dash, rk_partner]
                privacy:
                  epsilonPerDay: 2.0
                  suppressBelow: 20
                  dpKeys:
                    - {key: rk_partner, epsilonPerDay: 0.5}
                """);
        PrivacyConfig c = PrivacySettings.load(file, KEYS);
        assertThat(c.dailyBudget()).isEqualTo(new PrivacyCost(2.0, 1e-5));
        assertThat(c.suppressBelow()).isEqualTo(20);
        assertThat(c.forcedKeys()).containsOnlyKeys("rk_partner");
        assertThat(c.forcedKeys().get("rk_partner").epsilon()).isEqualTo(0.5);
        assertThat(c.toString()).doesNotContain("rk_partner");
        assertThat(ServeConfig.load(file).readKeys()).contains("rk_partner");
    }

    @Test
    void aKeyCanBeLimitedToPurposes() throws Exception {
        PrivacyConfig c = parse("{keyPurposes: [{key: rk_dash, purposes: [analytics]}, {key: ak_ops, purposes: []}]}");
        assertThat(c.keyPurposes()).containsEntry("rk_dash", Set.of("analytics")).containsEntry("ak_ops", Set.of());
        assertThatThrownBy(() -> parse("{keyPurposes: [{key: wk_1, purposes: [analytics]}]}"))
                .hasMessageContaining("privacy.keyPurposes[0].key").hasMessageNotContaining("wk_1");
        assertThatThrownBy(() -> parse("{keyPurposes: [{key: rk_dash, purposes: analytics}]}"))
                .hasMessageContaining("privacy.keyPurposes[0]");
        assertThatThrownBy(() -> c.requireDeclared(dev.portrait.core.definition.Purposes.NONE))
                .hasMessageContaining("\"analytics\"");
    }

    @Test
    void errorsNameTheirPathAndNeverTheKey() {
        assertThatThrownBy(() -> parse("{dpKeys: [{key: rk_unknown}]}")).hasMessageContaining("privacy.dpKeys[0].key")
                .hasMessageNotContaining("rk_unknown");
        assertThatThrownBy(() -> parse("{dpKeys: [{key: ak_ops}]}")).hasMessageContaining("privacy.dpKeys[0].key");
        assertThatThrownBy(() -> parse("{epsilonPerDay: lots}")).hasMessageContaining("privacy.epsilonPerDay");
        assertThatThrownBy(() -> parse("{epsilonPerDay: 0}")).hasMessageContaining("epsilon");
        assertThatThrownBy(() -> parse("{epsilonPerDay: 1000}")).hasMessageContaining("at most 100");
        assertThatThrownBy(() -> parse("{suppressBelow: -1}")).hasMessageContaining("privacy.suppressBelow");
        assertThatThrownBy(() -> parse("{epsilon: 1}")).hasMessageContaining("privacy.epsilon\"");
        assertThatThrownBy(() -> parse("{dpKeys: [{key: rk_partner, epsilonPerDay: -1}]}"))
                .hasMessageContaining("privacy.dpKeys[0]");
    }

    private static PrivacyConfig parse(String yaml) throws Exception {
        JsonNode node = new YAMLMapper().readTree(yaml);
        return PrivacySettings.parse(node, KEYS, "portrait.yaml");
    }
}
