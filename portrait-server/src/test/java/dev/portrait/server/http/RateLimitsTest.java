package dev.portrait.server.http;

import org.junit.jupiter.api.Test;

import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RateLimitsTest {
    private static final long SECOND = 1_000_000_000L;
    private final AtomicLong now = new AtomicLong(123 * SECOND);
    private final Keyring keyring = new Keyring(new HttpConfig.ApiKeys(Set.of("w1", "w2"), Set.of("r1"), Set.of()));

    private RateLimits limits(HttpConfig.Rate ingest, HttpConfig.Rate unauthenticated) {
        return new RateLimits(new HttpConfig.Rates(ingest, HttpConfig.Rate.OFF, HttpConfig.Rate.OFF, unauthenticated),
                keyring.size(), now::get);
    }

    @Test
    void aFullBucketAdmitsTheBurstThenOneCallPerInterval() {
        RateLimits limits = limits(new HttpConfig.Rate(2, 4), HttpConfig.Rate.OFF);
        Keyring.Caller w1 = keyring.find("w1");
        for (int i = 0; i < 4; i++) {
            limits.admit(w1, Scope.INGEST);
        }
        assertThatThrownBy(() -> limits.admit(w1, Scope.INGEST)).isInstanceOf(ApiError.RateLimited.class);
        now.addAndGet(SECOND / 2 - 1);
        assertThatThrownBy(() -> limits.admit(w1, Scope.INGEST)).as("one nanosecond short of an interval")
                .isInstanceOf(ApiError.RateLimited.class);
        now.addAndGet(1);
        limits.admit(w1, Scope.INGEST);
        assertThatThrownBy(() -> limits.admit(w1, Scope.INGEST)).isInstanceOf(ApiError.RateLimited.class);
    }

    @Test
    void retryAfterIsTheWholeSecondsUntilTheNextTokenAtLeastOne() {
        RateLimits limits = limits(new HttpConfig.Rate(0.1, 1), HttpConfig.Rate.OFF);
        Keyring.Caller w1 = keyring.find("w1");
        limits.admit(w1, Scope.INGEST);
        now.addAndGet(SECOND / 2);
        assertThatThrownBy(() -> limits.admit(w1, Scope.INGEST)).isInstanceOfSatisfying(ApiError.RateLimited.class,
                r -> assertThat(r.retryAfterSeconds()).as("9.5 s left, rounded up").isEqualTo(10));
        now.addAndGet(9 * SECOND + SECOND / 2 - 1);
        assertThatThrownBy(() -> limits.admit(w1, Scope.INGEST)).isInstanceOfSatisfying(ApiError.RateLimited.class,
                r -> assertThat(r.retryAfterSeconds()).as("1 ns left").isEqualTo(1));
    }

    @Test
    void eachKeyAndEachRouteClassHasItsOwnBucket() {
        RateLimits limits = new RateLimits(new HttpConfig.Rates(new HttpConfig.Rate(1, 1), new HttpConfig.Rate(1, 1),
                HttpConfig.Rate.OFF, HttpConfig.Rate.OFF), keyring.size(), now::get);
        limits.admit(keyring.find("w1"), Scope.INGEST);
        limits.admit(keyring.find("w2"), Scope.INGEST);
        limits.admit(keyring.find("r1"), Scope.QUERY);
        limits.admit(keyring.find("w1"), Scope.QUERY);
        assertThatThrownBy(() -> limits.admit(keyring.find("w2"), Scope.INGEST))
                .isInstanceOf(ApiError.RateLimited.class);
    }

    @Test
    void anOffRateNeverRefuses() {
        RateLimits limits = limits(HttpConfig.Rate.OFF, HttpConfig.Rate.OFF);
        for (int i = 0; i < 100_000; i++) {
            limits.admit(keyring.find("w1"), Scope.INGEST);
            limits.admitUnauthenticated("10.0.0.1");
        }
        assertThat(limits.addresses()).isZero();
    }

    @Test
    void overManyRequestsTheAdmittedCountNeverExceedsBurstPlusRateTimesElapsed() {
        for (long seed = 1; seed <= 20; seed++) {
            admittedStaysWithinTheRate(seed);
        }
    }

    private void admittedStaysWithinTheRate(long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        double perSecond = 1 + random.nextInt(50);
        int burst = 1 + random.nextInt(20);
        RateLimits limits = limits(new HttpConfig.Rate(perSecond, burst), HttpConfig.Rate.OFF);
        Keyring.Caller w1 = keyring.find("w1");
        now.addAndGet(1_000 * SECOND);
        long start = now.get();
        int admitted = 0;
        for (int i = 0; i < 10_000; i++) {
            now.addAndGet(random.nextLong(SECOND / (long) perSecond));
            try {
                limits.admit(w1, Scope.INGEST);
                admitted++;
            } catch (ApiError.RateLimited refused) {
                assertThat(refused.retryAfterSeconds()).as("seed %d", seed).isPositive();
            }
            double elapsed = (now.get() - start) / 1e9;
            assertThat(admitted).as("seed %d: %s/s, burst %d, after %.3f s", seed, perSecond, burst, elapsed)
                    .isLessThanOrEqualTo((int) Math.floor(burst + perSecond * elapsed + 1e-3));
        }
        double elapsed = (now.get() - start) / 1e9;
        assertThat(admitted).as("seed %d: a caller below the rate half the time is not starved", seed)
                .isGreaterThanOrEqualTo((int) (perSecond * elapsed * 0.9));
    }

    @Test
    void unauthenticatedCallersAreCountedPerAddress() {
        RateLimits limits = limits(HttpConfig.Rate.OFF, new HttpConfig.Rate(1, 2));
        limits.admitUnauthenticated("10.0.0.1");
        limits.admitUnauthenticated("10.0.0.1");
        assertThatThrownBy(() -> limits.admitUnauthenticated("10.0.0.1")).isInstanceOf(ApiError.RateLimited.class);
        limits.admitUnauthenticated("10.0.0.2");
        assertThat(limits.addresses()).isEqualTo(2);
    }

    @Test
    void theAddressMapDropsRefilledBucketsWhenFullAndNeverGrowsPastItsBound() {
        RateLimits limits = limits(HttpConfig.Rate.OFF, new HttpConfig.Rate(1, 1));
        for (int i = 0; i < RateLimits.MAX_ADDRESSES; i++) {
            limits.admitUnauthenticated("a" + i);
        }
        assertThat(limits.addresses()).isEqualTo(RateLimits.MAX_ADDRESSES);
        now.addAndGet(2 * SECOND);
        limits.admitUnauthenticated("b0");
        assertThat(limits.addresses()).as("every bucket had refilled, so all were dropped").isEqualTo(1);
        for (int i = 0; i < RateLimits.MAX_ADDRESSES + 20_000; i++) {
            limits.admitUnauthenticated("c" + i);
            if (i % 10_000 == 0) {
                assertThat(limits.addresses()).isLessThanOrEqualTo(RateLimits.MAX_ADDRESSES);
            }
        }
        assertThat(limits.addresses()).isLessThanOrEqualTo(RateLimits.MAX_ADDRESSES);
    }
}
