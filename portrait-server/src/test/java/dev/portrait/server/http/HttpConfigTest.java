package dev.portrait.server.http;

import org.junit.jupiter.api.Test;

import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HttpConfigTest {
    private static final HttpConfig.ApiKeys KEYS = new HttpConfig.ApiKeys(Set.of("w"), Set.of("r"), Set.of("a"));

    @Test
    void theDefaultLimitsAreTheDocumentedOnes() {
        assertThat(HttpConfig.Limits.DEFAULT).isEqualTo(new HttpConfig.Limits(32_768, 4_194_304, 2_500));
        assertThat(HttpConfig.of(8080, KEYS).limits()).isEqualTo(HttpConfig.Limits.DEFAULT);
        assertThat(HttpConfig.Limits.DEFAULT.maxMergedBytes()).as("a batch stores at most 16 MiB").isEqualTo(16_777_216L);
    }

    @Test
    void aStoredTotalBelowTheEventLimitIsRefusedNamingIt() {
        assertThatThrownBy(() -> new HttpConfig.Limits(1000, 4000, 10, 999)).hasMessageContaining("maxMergedBytes 999");
        assertThat(new HttpConfig.Limits(1000, 4000, 10).withMaxMergedBytes(1000).batch())
                .isEqualTo(new dev.portrait.server.port.SegmentBatch.Limits(1000, 1000, 10));
    }

    @Test
    void aPortOutsideTheRangeIsRefusedNamingIt() {
        assertThatThrownBy(() -> HttpConfig.of(70_000, KEYS)).hasMessageContaining("http.port").hasMessageContaining("70000");
        assertThatThrownBy(() -> HttpConfig.of(-1, KEYS)).hasMessageContaining("http.port");
    }

    @Test
    void aRequestLimitBelowTheEventLimitIsRefused() {
        assertThatThrownBy(() -> new HttpConfig.Limits(1000, 999, 10)).hasMessageContaining("maxRequestBytes 999");
        assertThatThrownBy(() -> new HttpConfig.Limits(0, 999, 10)).hasMessageContaining("maxEventBytes");
        assertThatThrownBy(() -> new HttpConfig.Limits(10, 999, 0)).hasMessageContaining("maxBatchEvents");
    }

    @Test
    void aKeyWithAColonOrWhiteSpaceIsRefusedWithoutShowingTheKey() {
        assertThatThrownBy(() -> new HttpConfig.ApiKeys(Set.of("sec:ret"), Set.of(), Set.of()))
                .hasMessageContaining("write key").hasMessageContaining("':'").hasMessageNotContaining("sec:ret");
        assertThatThrownBy(() -> new HttpConfig.ApiKeys(Set.of(), Set.of("sec ret"), Set.of()))
                .hasMessageContaining("read key").hasMessageContaining("U+0020");
        assertThatThrownBy(() -> new HttpConfig.ApiKeys(Set.of(), Set.of(), Set.of(" ")))
                .hasMessageContaining("admin key is blank");
    }

    @Test
    void theKeysDoNotShowInToString() {
        assertThat(KEYS.toString()).doesNotContain("\"w\"").isEqualTo("ApiKeys[1 write, 1 read, 1 admin]");
        assertThat(HttpConfig.of(0, KEYS).toString()).doesNotContain("[w]");
    }
}
