package dev.portrait.core.model;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.portrait.core.model.Seeds.DAY;
import static dev.portrait.core.model.Seeds.HOUR;
import static dev.portrait.core.model.Seeds.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DelayedLabelsTest {
    private static final String ORDER = "Order Completed";
    private static final String VIEW = "Product Viewed";
    private final DelayedLabels labels = new DelayedLabels(DelayedLabels.Config.defaults());

    @Test
    void anExampleIsPositiveWhenTheTargetFollowsWithinTheDelay() {
        DelayedLabels.Pending p = labels.empty();
        assertThat(labels.open(p, T0, Map.of("views_7d", 3.0))).isTrue();
        assertThat(labels.observe(p, VIEW, T0 + DAY)).isEmpty();
        List<LabelledExample> settled = labels.observe(p, ORDER, T0 + 7 * DAY - 1);
        assertThat(settled).containsExactly(new LabelledExample(T0, Map.of("views_7d", 3.0), true, T0 + 7 * DAY - 1));
        assertThat(p.size()).isZero();
    }

    @Test
    void anExampleIsNegativeOnceTheDelayPassesEvenIfTheTargetComesExactlyThen() {
        DelayedLabels.Pending p = labels.empty();
        labels.open(p, T0, Map.of("x", 1.0));
        assertThat(labels.expire(p, T0 + 7 * DAY - 1)).isEmpty();
        assertThat(labels.observe(p, ORDER, T0 + 7 * DAY))
                .containsExactly(new LabelledExample(T0, Map.of("x", 1.0), false, T0 + 7 * DAY));

        DelayedLabels.Pending q = labels.empty();
        labels.open(q, T0, Map.of());
        assertThat(labels.nextDeadline(q)).isEqualTo(T0 + 7 * DAY);
        assertThat(labels.expire(q, T0 + 30 * DAY)).extracting(LabelledExample::label, LabelledExample::labelledAt)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(false, T0 + 7 * DAY));
        assertThat(labels.nextDeadline(q)).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void anOrderThatOpensAnExampleDoesNotLabelItButTheNextOrderDoes() {
        DelayedLabels.Pending p = labels.empty();
        // the runtime's order per event: settle first, then open
        assertThat(labels.observe(p, ORDER, T0)).isEmpty();
        labels.open(p, T0, Map.of("orders", 1.0));
        assertThat(p.size()).isEqualTo(1);
        assertThat(labels.observe(p, ORDER, T0 + 2 * DAY)).extracting(LabelledExample::label).containsExactly(true);
    }

    @Test
    void aLateTargetEventDoesNotLabelANewerExample() {
        DelayedLabels.Pending p = labels.empty();
        labels.open(p, T0, Map.of());
        assertThat(labels.observe(p, ORDER, T0 - HOUR)).isEmpty();
        assertThat(p.size()).isEqualTo(1);
    }

    @Test
    void examplesAreSpacedAndAtMostMaxPendingWait() {
        DelayedLabels tight = new DelayedLabels(new DelayedLabels.Config(ORDER, 7 * DAY, 3, HOUR, 4));
        DelayedLabels.Pending p = tight.empty();
        int opened = 0;
        for (long t = T0; t < T0 + DAY; t += 10 * 60_000) {
            opened += tight.open(p, t, Map.of("t", (double) t)) ? 1 : 0;
            assertThat(p.size()).isLessThanOrEqualTo(3);
        }
        assertThat(opened).isEqualTo(3);
        assertThat(tight.nextDeadline(p)).isEqualTo(T0 + 7 * DAY);
        // once they settle, room opens again
        assertThat(tight.observe(p, ORDER, T0 + DAY)).hasSize(3);
        assertThat(tight.open(p, T0 + DAY, Map.of())).isTrue();
        assertThatThrownBy(() -> tight.open(p, T0 + 2 * DAY, Map.of("a", 1.0, "b", 1.0, "c", 1.0, "d", 1.0, "e", 1.0)))
                .hasMessage("an example may carry 4 features, got 5");
        // bytes grow with at most 3 examples of 4 features, whatever happened before
        assertThat(Seeds.bytes(p::encode).length).isLessThanOrEqualTo(1 + 1 + 10 + 1 + 3 * (10 + 1 + 4 * (10 + 8)));
    }

    @Test
    void everyExampleGetsExactlyOneLabelWhateverTheStream() {
        Seeds.forEach("one label each", 20, random -> {
            DelayedLabels.Pending p = labels.empty();
            List<long[]> opened = new ArrayList<>(); // {event index, time}
            List<long[]> orders = new ArrayList<>();
            List<LabelledExample> settled = new ArrayList<>();
            long t = T0;
            for (int e = 0; e < 300; e++) {
                t += random.nextInt(4) == 0 ? 0 : random.nextLong(0, 12 * HOUR);
                String key = random.nextInt(30) == 0 ? ORDER : VIEW;
                settled.addAll(labels.observe(p, key, t));
                if (key.equals(ORDER)) {
                    orders.add(new long[] {e, t});
                }
                if (labels.open(p, t, Map.of("e", (double) e))) {
                    opened.add(new long[] {e, t});
                }
            }
            settled.addAll(labels.expire(p, t + 8 * DAY));
            assertThat(settled).extracting(LabelledExample::createdAt)
                    .containsExactlyInAnyOrderElementsOf(opened.stream().map(o -> o[1]).toList());
            for (LabelledExample x : settled) {
                long openedBy = x.features().get("e").longValue();
                // positive iff an order comes after the opening event in the log, within the delay of its time
                boolean expected = orders.stream().anyMatch(o -> o[0] > openedBy && o[1] >= x.createdAt()
                        && o[1] < x.createdAt() + 7 * DAY);
                assertThat(x.label()).as("example opened by event %d at %d", openedBy, x.createdAt()).isEqualTo(expected);
            }
        });
    }

    @Test
    void mergingTwoProfilesKeepsTheOldestExamplesInEitherOrder() {
        DelayedLabels tight = new DelayedLabels(new DelayedLabels.Config(ORDER, 7 * DAY, 3, HOUR, 4));
        DelayedLabels.Pending a = tight.empty();
        DelayedLabels.Pending b = tight.empty();
        tight.open(a, T0, Map.of("side", 1.0));
        tight.open(a, T0 + 2 * DAY, Map.of("side", 1.0));
        tight.open(b, T0, Map.of("side", 2.0));
        tight.open(b, T0 + DAY, Map.of("side", 2.0));
        DelayedLabels.Pending ab = tight.merge(a, b);
        assertThat(Seeds.bytes(ab::encode)).isEqualTo(Seeds.bytes(tight.merge(b, a)::encode));
        assertThat(ab.size()).isEqualTo(3);
        assertThat(tight.expire(ab, T0 + 30 * DAY)).extracting(LabelledExample::createdAt)
                .containsExactly(T0, T0, T0 + DAY);
        assertThat(tight.open(tight.merge(a, b), T0 + 2 * DAY + 1, Map.of())).as("spacing from the later side").isFalse();
    }

    @Test
    void pendingExamplesRoundTrip() {
        DelayedLabels.Pending p = labels.empty();
        assertThat(Seeds.decode(Seeds.bytes(p::encode), DelayedLabels.Pending::decode).size()).isZero();
        labels.open(p, T0, Map.of("b", 2.0, "a", Double.NaN));
        labels.open(p, T0 + 2 * DAY, Map.of("c", -1.5));
        byte[] bytes = Seeds.bytes(p::encode);
        DelayedLabels.Pending decoded = Seeds.decode(bytes, DelayedLabels.Pending::decode);
        assertThat(Seeds.bytes(decoded::encode)).isEqualTo(bytes);
        assertThat(labels.open(decoded, T0 + 2 * DAY + HOUR, Map.of())).as("spacing survives the round trip").isFalse();
        assertThat(labels.expire(decoded, T0 + 30 * DAY)).isEqualTo(labels.expire(p, T0 + 30 * DAY));
    }
}
