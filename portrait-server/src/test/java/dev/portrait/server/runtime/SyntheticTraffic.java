package dev.portrait.server.runtime;

import dev.portrait.server.port.IncomingEvent;
import dev.portrait.synth.SyntheticConfig;
import dev.portrait.synth.SyntheticEvent;
import dev.portrait.synth.SyntheticStream;

import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/** Batches of the synthetic shop stream as ingest takes them, each received at the stream's own clock. */
final class SyntheticTraffic {
    /** A clock a test moves by hand. */
    static final class HandClock implements InstantSource {
        private final AtomicLong millis;

        HandClock(Instant start) {
            this.millis = new AtomicLong(start.toEpochMilli());
        }

        void set(Instant t) {
            millis.set(t.toEpochMilli());
        }

        void advance(long ms) {
            millis.addAndGet(ms);
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis.get());
        }

        @Override
        public long millis() {
            return millis.get();
        }
    }

    /** A batch and the stream's clock after its last event. */
    record Batch(List<IncomingEvent> events, Instant clock) {
    }

    private SyntheticTraffic() {
    }

    static List<Batch> batches(long seed, int users, int events, int perBatch) {
        SyntheticStream stream = SyntheticStream.of(SyntheticConfig.defaults(seed).withUsers(users));
        List<Batch> out = new ArrayList<>();
        List<IncomingEvent> batch = new ArrayList<>();
        for (int i = 0; i < events; i++) {
            SyntheticEvent e = stream.next();
            batch.add(new IncomingEvent(e.json(), e.toJsonLine(), stream.clock(), batch.size()));
            if (batch.size() == perBatch || i == events - 1) {
                out.add(new Batch(batch, stream.clock()));
                batch = new ArrayList<>();
            }
        }
        return out;
    }

    static Instant start(long seed) {
        return SyntheticConfig.defaults(seed).start();
    }
}
