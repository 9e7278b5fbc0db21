package dev.portrait.server.http;

import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Token buckets per API key and route class, and per remote address for callers without a known key.
 *
 * <p>Each bucket is the generic cell rate algorithm (GCRA, as in ATM networks and the Redis cell module):
 * one {@code long}, the "theoretical arrival time" at which the bucket would be full again. A call at
 * {@code now} is admitted when that time is at most {@code (burst - 1) × interval} ahead of {@code now}, and
 * moves it one interval further; otherwise the caller is told how long until it would be admitted. That is a
 * token bucket of {@code burst} tokens refilled at {@code perSecond}, kept in one word and updated with one
 * compare-and-set, so the keyed path costs an array index and a CAS: no map lookup, no lock, no allocation.
 * Keyed buckets are made up front, one per known key and route class (keys are few and fixed at start).
 *
 * <p>Callers without a known key are counted per remote address in a map, which an attacker could try to
 * grow with many addresses: past {@link #MAX_ADDRESSES} entries, buckets that have refilled (they carry no
 * information any more) are dropped; if none has, the map is cleared, which at worst forgives everyone's debt
 * once. Behind a reverse proxy every caller has the proxy's address, so the unauthenticated limit then
 * applies to all of them together (docs/SECURITY.md).
 *
 * <p>Time comes from a nanosecond ticker passed in, so tests move it by hand.
 */
final class RateLimits {
    static final int MAX_ADDRESSES = 100_000;

    private final HttpConfig.Rates rates;
    private final LongSupplier nanos;
    /** [caller index][scope ordinal]; {@code null} where the rate is off. */
    private final Bucket[][] keyed;
    private final Map<String, Bucket> byAddress = new ConcurrentHashMap<>();

    RateLimits(HttpConfig.Rates rates, int callers, LongSupplier nanos) {
        this.rates = rates;
        this.nanos = nanos;
        this.keyed = new Bucket[callers][Scope.values().length];
        for (Bucket[] row : keyed) {
            for (Scope s : Scope.values()) {
                HttpConfig.Rate r = rate(s);
                row[s.ordinal()] = r.off() ? null : new Bucket(r);
            }
        }
    }

    /**
     * Admits a call by a known key to a route of this class.
     *
     * @throws ApiError.RateLimited when its bucket is empty
     */
    void admit(Keyring.Caller caller, Scope routeClass) {
        Bucket b = keyed[caller.index()][routeClass.ordinal()];
        if (b != null) {
            b.take(nanos.getAsLong(), "this key's " + routeClass.name().toLowerCase(java.util.Locale.ROOT));
        }
    }

    /**
     * Admits a call without a known key (none, a wrong one, or an open route) from this address.
     *
     * @throws ApiError.RateLimited when this address's bucket is empty
     */
    void admitUnauthenticated(String remoteAddress) {
        HttpConfig.Rate r = rates.unauthenticated();
        if (r.off()) {
            return;
        }
        long now = nanos.getAsLong();
        Bucket b = byAddress.get(remoteAddress);
        if (b == null) {
            if (byAddress.size() >= MAX_ADDRESSES) {
                evictRefilled(now);
            }
            b = byAddress.computeIfAbsent(remoteAddress, a -> new Bucket(r));
        }
        b.take(now, "unauthenticated calls from this address");
    }

    /** How many addresses have a bucket (for tests). */
    int addresses() {
        return byAddress.size();
    }

    private void evictRefilled(long now) {
        for (Iterator<Bucket> it = byAddress.values().iterator(); it.hasNext(); ) {
            if (it.next().full(now)) {
                it.remove();
            }
        }
        if (byAddress.size() >= MAX_ADDRESSES) {
            byAddress.clear();
        }
    }

    private HttpConfig.Rate rate(Scope s) {
        switch (s) {
            case INGEST:
                return rates.ingest();
            case QUERY:
                return rates.query();
            case ADMIN:
                return rates.admin();
            default:
                throw new IllegalArgumentException("no rate for " + s);
        }
    }

    /** One bucket: the time (in ticker nanoseconds) at which it would be full again. */
    private static final class Bucket {
        private final long interval;
        private final long tolerance;
        private final AtomicLong fullAt = new AtomicLong(Long.MIN_VALUE);

        Bucket(HttpConfig.Rate rate) {
            this.interval = Math.max(1, Math.round(1e9 / rate.perSecond()));
            this.tolerance = interval * (rate.burst() - 1L);
        }

        void take(long now, String what) {
            while (true) {
                long seen = fullAt.get();
                long start = Math.max(seen, now);
                long ahead = start - now;
                if (ahead > tolerance) {
                    long waitNanos = ahead - tolerance;
                    throw ApiError.rateLimited("too many calls: " + what + " limit is spent; retry after the "
                            + "Retry-After seconds", Math.max(1, (waitNanos + 999_999_999L) / 1_000_000_000L));
                }
                if (fullAt.compareAndSet(seen, start + interval)) {
                    return;
                }
            }
        }

        boolean full(long now) {
            return fullAt.get() <= now;
        }
    }
}
