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
    private static final HttpConfig.ApiKeys KEYS = new HttpConfig.ApiKeys(Set.of("wk_1_0123456789abcdefghijklm"), Set.of("rk_dash_0123456789abcdefghij", "rk_partner_0123456789abcdefgh"),
            Set.of("ak_ops_0123456789abcdefghijk"));

    @TempDir
    Path dir;

    @Test
    void aFileWithoutAPrivacyBlockGetsTheDefaults() throws Exception {
        Path file = dir.resolve("portrait.yaml");
        Files.writeString(file, "data: ./data\nreadKeys: [rk_dash_0123456789abcdefghij]\n");
        assertThat(PrivacySettings.load(file, KEYS)).isEqualTo(PrivacyConfig.DEFAULT);
        assertThat(ServeConfig.load(file).data()).isNotNull();
    }

    @Test
    void aReadKeyMarkedDpGetsItsOwnBudgetAndTheServeConfigAcceptsTheBlock() throws Exception {
        Path file = dir.resolve("portrait.yaml");
        Files.writeString(file, """
                data: ./data
                readKeys: [rk_dash_0123456789abcdefghij, rk_partner_0123456789abcdefgh]
                privacy:
                  epsilonPerDay: 2.0
                  suppressBelow: 20
                  dpKeys:
                    - {key: rk_partner_0123456789abcdefgh, epsilonPerDay: 0.5}
                """);
        PrivacyConfig c = PrivacySettings.load(file, KEYS);
        assertThat(c.dailyBudget()).isEqualTo(new PrivacyCost(2.0, 1e-5));
        assertThat(c.suppressBelow()).isEqualTo(20);
        assertThat(c.forcedKeys()).containsOnlyKeys("rk_partner_0123456789abcdefgh");
        assertThat(c.forcedKeys().get("rk_partner_0123456789abcdefgh").epsilon()).isEqualTo(0.5);
        assertThat(c.toString()).doesNotContain("rk_partner_0123456789abcdefgh");
        assertThat(ServeConfig.load(file).readKeys()).contains("rk_partner_0123456789abcdefgh");
    }

    @Test
    void aKeyCanBeLimitedToPurposes() throws Exception {
        PrivacyConfig c = parse("{keyPurposes: [{key: rk_dash_0123456789abcdefghij, purposes: [analytics]}, {key: ak_ops_0123456789abcdefghijk, purposes: []}]}");
        assertThat(c.keyPurposes()).containsEntry("rk_dash_0123456789abcdefghij", Set.of("analytics")).containsEntry("ak_ops_0123456789abcdefghijk", Set.of());
        assertThatThrownBy(() -> parse("{keyPurposes: [{key: wk_1_0123456789abcdefghijklm, purposes: [analytics]}]}"))
                .hasMessageContaining("privacy.keyPurposes[0].key").hasMessageNotContaining("wk_1_0123456789abcdefghijklm");
        assertThatThrownBy(() -> parse("{keyPurposes: [{key: rk_dash_0123456789abcdefghij, purposes: analytics}]}"))
                .hasMessageContaining("privacy.keyPurposes[0]");
        assertThatThrownBy(() -> c.requireDeclared(dev.portrait.core.definition.Purposes.NONE))
                .hasMessageContaining("\"analytics\"");
    }

    @Test
    void errorsNameTheirPathAndNeverTheKey() {
        assertThatThrownBy(() -> parse("{dpKeys: [{key: rk_unknown_0123456789abcdefgh}]}")).hasMessageContaining("privacy.dpKeys[0].key")
                .hasMessageNotContaining("rk_unknown_0123456789abcdefgh");
        assertThatThrownBy(() -> parse("{dpKeys: [{key: ak_ops_0123456789abcdefghijk}]}")).hasMessageContaining("privacy.dpKeys[0].key");
        assertThatThrownBy(() -> parse("{epsilonPerDay: lots}")).hasMessageContaining("privacy.epsilonPerDay");
        assertThatThrownBy(() -> parse("{epsilonPerDay: 0}")).hasMessageContaining("epsilon");
        assertThatThrownBy(() -> parse("{epsilonPerDay: 1000}")).hasMessageContaining("at most 100");
        assertThatThrownBy(() -> parse("{suppressBelow: -1}")).hasMessageContaining("privacy.suppressBelow");
        assertThatThrownBy(() -> parse("{epsilon: 1}")).hasMessageContaining("privacy.epsilon\"");
        assertThatThrownBy(() -> parse("{dpKeys: [{key: rk_partner_0123456789abcdefgh, epsilonPerDay: -1}]}"))
                .hasMessageContaining("privacy.dpKeys[0]");
    }

    private static PrivacyConfig parse(String yaml) throws Exception {
        JsonNode node = new YAMLMapper().readTree(yaml);
        return PrivacySettings.parse(node, KEYS, "portrait.yaml");
    }

    @Test
    void forgetWithinIsReadFromThePrivacyBlockWithItsPathInEveryError() throws Exception {
        Path file = dir.resolve("portrait.yaml");
        java.time.Duration fallback = java.time.Duration.ofMinutes(10);
        Files.writeString(file, "data: ./data\nreadKeys: [rk_dash_0123456789abcdefghij]\nprivacy:\n  forgetWithin: 2m\n");
        assertThat(PrivacySettings.forgetWithin(file, fallback)).isEqualTo(java.time.Duration.ofMinutes(2));
        assertThat(PrivacySettings.load(file, KEYS)).isEqualTo(PrivacyConfig.DEFAULT); // the block is accepted
        Files.writeString(file, "data: ./data\nprivacy:\n  forgetWithin: PT90S\n");
        assertThat(PrivacySettings.forgetWithin(file, fallback)).isEqualTo(java.time.Duration.ofSeconds(90));
        Files.writeString(file, "data: ./data\n");
        assertThat(PrivacySettings.forgetWithin(file, fallback)).isEqualTo(fallback);
        Files.writeString(file, "data: ./data\nprivacy:\n  forgetWithin: soon\n");
        assertThatThrownBy(() -> PrivacySettings.forgetWithin(file, fallback))
                .hasMessageContaining("privacy.forgetWithin").hasMessageContaining("\"soon\" is not a duration");
        Files.writeString(file, "data: ./data\nprivacy:\n  forgetWithin: 0s\n");
        assertThatThrownBy(() -> PrivacySettings.forgetWithin(file, fallback))
                .hasMessageContaining("privacy.forgetWithin must be positive");
    }
}
