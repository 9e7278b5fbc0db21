package dev.portrait.cli;

import dev.portrait.core.definition.DefinitionLoader;
import dev.portrait.synth.SyntheticConfig;
import dev.portrait.server.PortraitServer;
import dev.portrait.server.http.HttpConfig;
import dev.portrait.core.profile.ProfileView;
import dev.portrait.server.runtime.RuntimeOptions;
import dev.portrait.store.StoreOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class DemoTrafficIT {
    @TempDir
    Path tmp;

    @Test
    void theDemoStreamReachesTheServerOverHttpAtNoMoreThanTheRequestedRate() throws Exception {
        HttpConfig http = new HttpConfig("127.0.0.1", 0, new HttpConfig.ApiKeys(Set.of("wk"), Set.of("rk"), Set.of()),
                HttpConfig.Limits.DEFAULT);
        double rate = 400;
        try (PortraitServer server = PortraitServer.start(new PortraitServer.Settings(tmp, DefinitionLoader.defaultEcommerce(),
                http, RuntimeOptions.defaults(), StoreOptions.defaults()), Clock.systemUTC())) {
            SyntheticConfig config = DemoTraffic.calibrated(3, 500, rate, Instant.now()).withFlaws(0, 0);
            DemoTraffic traffic = new DemoTraffic(URI.create("http://127.0.0.1:" + server.port()), "wk", config, rate,
                    Clock.systemUTC());
            long started = System.nanoTime();
            traffic.start();
            Optional<String> user = Optional.empty();
            while (System.nanoTime() - started < Duration.ofSeconds(20).toNanos() && (traffic.stored() < 300 || user.isEmpty())) {
                Thread.sleep(100);
                user = traffic.busiestUser(2);
            }
            traffic.close();
            double seconds = (System.nanoTime() - started) / 1e9;
            assertThat(traffic.failedBatches()).as(String.valueOf(traffic.lastFailure())).isZero();
            assertThat(traffic.stored()).isGreaterThanOrEqualTo(300);
            // one batch may be gathered ahead of the limit
            assertThat(traffic.sent()).isLessThanOrEqualTo((long) (rate * seconds) + 100);
            assertThat(traffic.rejected()).as("event times never run ahead of the clock").isZero();
            assertThat(user).isPresent();
            server.runtime().flush();
            Optional<ProfileView> profile = server.runtime().profile("user_id", user.get(), null);
            assertThat(profile).isPresent();
            assertThat(profile.get().version()).isGreaterThanOrEqualTo(2);
        }
    }

    @Test
    void theCalibratedGeneratorsSimulatedRateIsAboveTheRequestedOne() {
        Instant now = Instant.parse("2026-01-01T00:00:00Z");
        SyntheticConfig config = DemoTraffic.calibrated(5, 10_000, 200, now);
        var stream = dev.portrait.synth.SyntheticStream.of(config).limit(20_000);
        while (stream.hasNext()) {
            stream.next();
        }
        double simulatedRate = 20_000 / ((stream.clock().toEpochMilli() - now.toEpochMilli()) / 1000.0);
        // the rate limit, not the simulated clock, should bound the stream, and not by much
        assertThat(simulatedRate).isBetween(200.0, 400.0);
        assertThat(config.driftWindow()).isEqualTo(DemoTraffic.DRIFT_WINDOW);
    }
}
