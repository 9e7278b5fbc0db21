package dev.portrait.core.model;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class PrequentialErrorsTest {
    @Test
    void figuresOfAHandWorkedStream() {
        PrequentialErrors e = new PrequentialErrors();
        assertThat(e.rmse()).isNaN();
        assertThat(e.baselineRmse()).isNaN();
        e.record(1, 2);
        e.record(3, 4);
        e.record(8, 6);
        // errors −1, −1, +2; the running mean predicts 0, 2, 3 for 2, 4, 6: errors −2, −2, −3
        assertThat(e.count()).isEqualTo(3);
        assertThat(e.rmse()).isCloseTo(Math.sqrt(6.0 / 3), within(1e-15));
        assertThat(e.mae()).isCloseTo(4.0 / 3, within(1e-15));
        assertThat(e.bias()).isCloseTo(0, within(1e-15));
        assertThat(e.baselineRmse()).isCloseTo(Math.sqrt(17.0 / 3), within(1e-15));
    }

    @Test
    void addingTwoPartitionsSumsTheirModelErrors() {
        PrequentialErrors a = new PrequentialErrors();
        PrequentialErrors b = new PrequentialErrors();
        PrequentialErrors whole = new PrequentialErrors();
        for (int i = 0; i < 10; i++) {
            (i % 2 == 0 ? a : b).record(i, i * 1.5);
            whole.record(i, i * 1.5);
        }
        a.add(b);
        assertThat(a.count()).isEqualTo(10);
        assertThat(a.rmse()).isCloseTo(whole.rmse(), within(1e-12));
        assertThat(a.mae()).isCloseTo(whole.mae(), within(1e-12));
        assertThat(a.bias()).isCloseTo(whole.bias(), within(1e-12));
        // each partition's baseline learned its own mean, so only the model's figures are the whole's
        assertThat(a.baselineRmse()).isNotNaN();
        a.add(new PrequentialErrors());
        assertThat(a.count()).isEqualTo(10);
    }

    @Test
    void encodingRoundTrips() {
        PrequentialErrors e = new PrequentialErrors();
        e.record(1.25, -3);
        e.record(7, 2);
        byte[] bytes = Seeds.bytes(e::encode);
        PrequentialErrors decoded = Seeds.decode(bytes, PrequentialErrors::decode);
        assertThat(Seeds.bytes(decoded::encode)).isEqualTo(bytes);
        decoded.record(1, 1);
        e.record(1, 1);
        assertThat(decoded.baselineRmse()).isEqualTo(e.baselineRmse());
    }

    @Test
    void nonFiniteFiguresAreRefused() {
        assertThatThrownBy(() -> new PrequentialErrors().record(Double.NaN, 1))
                .hasMessage("a prediction and its target must be finite, got NaN for 1.0");
    }
}
