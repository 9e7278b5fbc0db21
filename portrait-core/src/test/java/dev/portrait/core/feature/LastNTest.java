package dev.portrait.core.feature;

import dev.portrait.core.event.Event;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static dev.portrait.core.feature.FeatureContractTest.fold;
import static dev.portrait.core.feature.TestEvents.T0;
import static dev.portrait.core.feature.TestEvents.viewed;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LastNTest {
    private static Event product(String id, long at) {
        return viewed(at, Map.of("product_id", id));
    }

    private static Map<String, Object> entry(String item, long at) {
        return Map.of("item", item, "at", at);
    }

    @Test
    void theMostRecentDistinctItemsComeFirstWithTheTimeEachWasLastSeen() {
        Feature<Object> f = Specs.feature("{kind: last_n, property: product_id, n: 3}");
        Object s = fold(f, List.of(product("p1", T0), product("p2", T0 + 10), product("p1", T0 + 20),
                product("p3", T0 + 30), product("p4", T0 + 40)));
        assertThat(f.read(s, T0)).isEqualTo(List.of(entry("p4", T0 + 40), entry("p3", T0 + 30), entry("p1", T0 + 20)));
    }

    @Test
    void aLateEventNeitherMovesAnItemBackNorBringsBackOneThatWasPushedOut() {
        Feature<Object> f = Specs.feature("{kind: last_n, property: product_id, n: 2}");
        Object s = fold(f, List.of(product("p1", T0 + 50), product("p2", T0 + 60), product("p3", T0 + 70),
                product("p2", T0), product("p1", T0 + 55)));
        assertThat(f.read(s, T0)).isEqualTo(List.of(entry("p3", T0 + 70), entry("p2", T0 + 60)));
    }

    @Test
    void itemsSeenAtTheSameMomentRankByItem() {
        Feature<Object> f = Specs.feature("{kind: last_n, property: product_id, n: 2}");
        Object s = fold(f, List.of(product("b", T0), product("c", T0), product("a", T0)));
        assertThat(f.read(s, T0)).isEqualTo(List.of(entry("a", T0), entry("b", T0)));
    }

    @Test
    void timesAreEncodedAsSmallDeltasFromTheNewest() {
        Feature<Object> f = Specs.feature("{kind: last_n, property: product_id}");
        Object s = fold(f, List.of(product("p1", T0), product("p2", T0 + 1_000), product("p3", T0 + 2_000)));
        // version, size, then ("p3", 6-byte zig-zag time), ("p2", 2-byte delta), ("p1", 2-byte delta)
        assertThat(FeatureContractTest.encode(f, s)).hasSize(1 + 1 + (3 + 6) + (3 + 2) + (3 + 2));
    }

    @Test
    void nMustBeBetweenOneAndAThousand() {
        assertThatThrownBy(() -> Specs.feature("{kind: last_n, property: product_id, n: 0}"))
                .hasMessage("features[3].n: 0 is outside [1, 1000]");
    }
}
