package dev.portrait.core.model;

import dev.portrait.core.identity.ProfileIdKey;
import org.junit.jupiter.api.Test;

import java.util.Base64;
import java.util.HashSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RecommendationIdsTest {
    private final RecommendationIds ids = new RecommendationIds(ProfileIdKey.ofText("a profile id secret of ours"));

    @Test
    void anIdReadsBackAsWhatWasServed() {
        RecommendationIds.Served served = ids.issue(1_770_000_000_000L, 42, "home", 1, 0);
        assertThat(ids.read(served.id())).isEqualTo(served);
        RecommendationIds.Served outside = ids.issue(1_770_000_000_000L, 43, "default", -1, -1);
        assertThat(ids.read(outside.id())).isEqualTo(outside);
        assertThat(outside.inExperiment()).isFalse();
        assertThat(served.id()).startsWith("rec_").hasSizeLessThan(80);
    }

    @Test
    void idsOfOneTimeDifferBySerial() {
        Set<String> seen = new HashSet<>();
        for (long serial = 0; serial < 10_000; serial++) {
            assertThat(seen.add(ids.issue(1_770_000_000_000L, serial, "home", -1, -1).id())).isTrue();
        }
    }

    @Test
    void anAlteredIdOrAnotherInstallationsIdIsNotRead() {
        String id = ids.issue(1_770_000_000_000L, 7, "home", 0, 1).id();
        byte[] raw = Base64.getUrlDecoder().decode(id.substring(4));
        for (int i = 0; i < raw.length; i++) {
            byte[] altered = raw.clone();
            altered[i] ^= 0x01;
            assertThat(ids.read("rec_" + Base64.getUrlEncoder().withoutPadding().encodeToString(altered)))
                    .as("byte %d flipped", i).isNull();
        }
        RecommendationIds theirs = new RecommendationIds(ProfileIdKey.ofText("another installation's secret"));
        assertThat(theirs.read(id)).isNull();
    }

    @Test
    void whatIsNotAnIdReadsAsNull() {
        assertThat(ids.read(null)).isNull();
        assertThat(ids.read(17)).isNull();
        assertThat(ids.read("")).isNull();
        assertThat(ids.read("rec_")).isNull();
        assertThat(ids.read("rec_!!!")).isNull();
        assertThat(ids.read("rec_" + "A".repeat(300))).isNull();
        assertThat(ids.read("r1_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")).isNull();
    }

    @Test
    void placementsAreShortNames() {
        assertThat(RecommendationIds.isPlacement("home")).isTrue();
        assertThat(RecommendationIds.isPlacement("product-page.sidebar_2")).isTrue();
        assertThat(RecommendationIds.isPlacement("")).isFalse();
        assertThat(RecommendationIds.isPlacement("a b")).isFalse();
        assertThat(RecommendationIds.isPlacement("x".repeat(41))).isFalse();
        assertThatThrownBy(() -> ids.issue(0, 0, "a\nb", -1, -1)).hasMessageContaining("not a placement name");
    }
}
