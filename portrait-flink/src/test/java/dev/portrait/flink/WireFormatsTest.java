package dev.portrait.flink;

import dev.portrait.core.identity.AttachedIdentifier;
import dev.portrait.core.identity.Identifier;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WireFormatsTest {
    @Test
    void aTransferSurvivesItsBinaryFormWithAndWithoutAProfile() {
        Transfer full = Transfer.fromBytes(new Transfer("p_w", "p_l", new byte[] {1, 2, 3}).toBytes());
        assertThat(full.winner).isEqualTo("p_w");
        assertThat(full.loser).isEqualTo("p_l");
        assertThat(full.profile).containsExactly(1, 2, 3);
        assertThat(Transfer.fromBytes(new Transfer("p_w", "p_l", null).toBytes()).profile).isNull();
    }

    @Test
    void anIdentifierListKeepsItsOrderAndTheProfilesCreationTime() {
        List<AttachedIdentifier> ids = List.of(new AttachedIdentifier(new Identifier("anonymous_id", "a-1"), 5),
                new AttachedIdentifier(new Identifier("user_id", "u-1"), 9));
        byte[] bytes = AttachedIdentifiers.encode(3, ids);
        assertThat(AttachedIdentifiers.decode(bytes)).isEqualTo(ids);
        assertThat(AttachedIdentifiers.createdAt(bytes)).isEqualTo(3);
        assertThat(AttachedIdentifiers.decode(null)).isEmpty();
    }

    @Test
    void settingsRefuseValuesThatCannotWorkAndNameThem() {
        JobSettings s = JobSettings.defaults("localhost:9092");
        assertThatThrownBy(() -> s.withParallelism(0)).hasMessageContaining("parallelism").hasMessageContaining("0");
        assertThatThrownBy(() -> s.withLateness(Duration.ofSeconds(-1))).hasMessageContaining("lateness");
        assertThatThrownBy(() -> JobSettings.defaults(" ")).hasMessageContaining("bootstrap");
        assertThat(s.withTopicPrefix("t-").topic(JobSettings.PROFILES)).isEqualTo("t-profiles");
    }
}
