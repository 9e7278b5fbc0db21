package dev.portrait.core.feature;

import dev.portrait.core.definition.DefinitionException;
import dev.portrait.core.event.Event;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static dev.portrait.core.feature.FeatureContractTest.fold;
import static dev.portrait.core.feature.TestEvents.DAY;
import static dev.portrait.core.feature.TestEvents.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The merge laws and the recount are in {@link FeatureContractTest}; these are what is particular to the kind. */
class MembershipsTest {
    @Test
    void aMembershipsFeatureFoldsGroupCallsAndListsTheirGroupsMostRecentFirst() {
        Feature<Object> f = Specs.feature("{kind: memberships}");
        List<Event> calls = TestEvents.groups(10 * DAY, 3).events(new SplittableRandom(7), 20);
        Object s = fold(f, calls);

        assertThat(f.events()).containsExactly("group");
        assertThat(Memberships.isMemberships(f)).isTrue();
        List<String> groups = Memberships.groups(f, s);
        assertThat(groups).containsExactlyInAnyOrder("g0", "g1", "g2");
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> value = (List<Map<String, Object>>) f.read(s, T0);
        assertThat(value).extracting(e -> e.get("item")).containsExactlyElementsOf(groups);
    }

    @Test
    void itsEventsAreGroupCallsAndCannotBeChosen() {
        assertThatThrownBy(() -> Specs.feature("{kind: memberships, events: [Order Completed]}"))
                .isInstanceOf(DefinitionException.class)
                .hasMessage("features[3].events: does not apply: memberships fold group calls only");
    }

    @Test
    void otherKindsAreNotMemberships() {
        Feature<Object> lastN = Specs.feature("{kind: last_n, property: product_id}");
        assertThat(Memberships.isMemberships(lastN)).isFalse();
        assertThatThrownBy(() -> Memberships.groups(lastN, lastN.empty())).isInstanceOf(IllegalArgumentException.class);
    }
}
