package dev.portrait.flink;

import dev.portrait.core.identity.Identifier;
import dev.portrait.core.identity.ProfileIdKey;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ProfileIdSecretSettingTest {
    private static final Identifier ADA = new Identifier("user_id", "ada");

    @Test
    void theJobNamesProfilesUnderTheConfiguredSecretAndNeverPrintsIt() {
        JobSettings s = JobSettings.defaults("localhost:9092").withProfileIdSecret("a long enough job secret");
        assertThat(s.profileIdKey().profileId(ADA)).isEqualTo(ProfileIdKey.ofText("a long enough job secret").profileId(ADA))
                .isNotEqualTo(ProfileIdKey.publicTestKey().profileId(ADA));
        assertThat(s.withParallelism(2).profileIdSecret()).as("kept by the other settings").isEqualTo("a long enough job secret");
        assertThat(s.toString()).doesNotContain("enough").contains("profileIdSecret=set");
    }

    @Test
    void aShortSecretIsRefusedWhenTheSettingsAreMade() {
        assertThatThrownBy(() -> JobSettings.defaults("localhost:9092").withProfileIdSecret("short"))
                .hasMessageContaining("at least 16 bytes");
    }

    @Test
    void theJobRefusesToStartWithoutASecret() {
        org.junit.jupiter.api.Assumptions.assumeTrue(System.getenv("PORTRAIT_PROFILE_ID_SECRET") == null);
        assertThatThrownBy(() -> PortraitJob.main(new String[] {"--bootstrap", "localhost:1"}))
                .hasMessageContaining("profile id secret");
    }
}
