package dev.portrait.core.identity;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class IdentityRecordsTest {
    @Test
    void anIdentifierNeedsATypeAndAValueAndSaysWhichIsMissing() {
        assertThatThrownBy(() -> new Identifier(null, "v")).hasMessage("identifier type must not be empty, got null");
        assertThatThrownBy(() -> new Identifier(" ", "v")).hasMessage("identifier type must not be empty, got \" \"");
        assertThatThrownBy(() -> new Identifier("email", "")).hasMessage("identifier of type email must have a value, got \"\"");
        assertThatThrownBy(() -> new Identifier("email", null)).hasMessage("identifier of type email must have a value, got null");
    }

    @Test
    void identifiersSortByTypeThenValue() {
        List<Identifier> ids = new ArrayList<>(List.of(new Identifier("user_id", "a"), new Identifier("email", "z"),
                new Identifier("email", "b")));
        ids.sort(null);

        assertThat(ids).containsExactly(new Identifier("email", "b"), new Identifier("email", "z"),
                new Identifier("user_id", "a"));
    }

    @Test
    void anUnattributedResolutionCannotCreateMergeOrAttach() {
        assertThatThrownBy(() -> new Resolution(null, true, List.of(), List.of(), List.of()))
                .hasMessageContaining("unattributed");
        assertThatThrownBy(() -> new Resolution(null, false, List.of(), List.of(new Identifier("t", "v")), List.of()))
                .hasMessageContaining("unattributed");
        assertThatThrownBy(() -> new Resolution("", false, List.of(), List.of(), List.of()))
                .hasMessageContaining("profileId");
    }

    @Test
    void aResolutionOnlyReportsMergesIntoItsOwnProfile() {
        IdentityMerge merge = new IdentityMerge("p_a", "p_b",
                List.of(new AttachedIdentifier(new Identifier("t", "v"), 0)), 0, "m", 0);

        assertThatThrownBy(() -> new Resolution("p_c", false, List.of(merge), List.of(), List.of()))
                .hasMessage("merge into p_a does not end in profile p_c");
        assertThat(new Resolution("p_a", false, List.of(merge), List.of(), List.of()).identified()).isTrue();
    }

    @Test
    void aNoticeNeedsACodeAndAMessage() {
        assertThatThrownBy(() -> new IdentityNotice("", "x")).hasMessageContaining("code");
        assertThatThrownBy(() -> new IdentityNotice("cap_per_profile", null)).hasMessageContaining("cap_per_profile");
    }
}
