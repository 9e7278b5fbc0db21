package dev.portrait.server.runtime.admin;

import dev.portrait.server.port.ForgetStatus;
import dev.portrait.store.ForgetReport;
import dev.portrait.store.PortraitStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Forgets until their bytes have physically left the data directory.
 *
 * <p>A forget deletes and shreds in one durable store write, but RocksDB only drops deleted values and
 * tombstones from its files when it compacts them, so until then the bytes of a deleted profile and of
 * the shredded keys are still on disk. Each forget therefore wakes one compaction thread, which runs a
 * full compaction while the store counts forgets it has not yet covered
 * ({@link PortraitStore#forgetsCompacted()} &lt; {@link PortraitStore#forgets()}); forgets that arrive during
 * a compaction share the next one. A forget is {@code done} once a compaction that started after it
 * has finished. The counts live in the store, so a compaction owed when the process stopped is run at
 * the next start ({@link #start}).
 *
 * <p>Statuses are kept in memory (the last {@value #KEPT}) under random ids that name no one; the
 * store's counts are the durable truth. The deadline each status reports is the setting
 * ({@code within}: {@code RuntimeOptions.forgetWithin}, from {@code privacy.forgetWithin} in a serve config): a compaction on this machine takes seconds to minutes depending on the store's size,
 * and a status past its deadline says so ({@link ForgetStatus#overdue}).
 */
public final class ForgetLedger implements AutoCloseable {
    /** Statuses kept for {@code GET /v1/forgets/{id}}. */
    static final int KEPT = 10_000;
    private static final Logger LOG = LoggerFactory.getLogger(ForgetLedger.class);

    private final PortraitStore store;
    private final InstantSource clock;
    private final Duration within;
    private final AuditLog audit;
    private final SecureRandom random = new SecureRandom();
    private final Map<String, Pending> statuses = new LinkedHashMap<>();
    private final Thread compactor;
    private boolean wake;
    private volatile boolean closed;

    private record Pending(long number, ForgetStatus status) {
    }

    ForgetLedger(PortraitStore store, InstantSource clock, Duration within, AuditLog audit) {
        if (within == null || within.isNegative() || within.isZero()) {
            throw new IllegalArgumentException("the forget compaction bound must be positive, got " + within);
        }
        this.store = store;
        this.clock = clock;
        this.within = within;
        this.audit = audit;
        this.compactor = new Thread(this::compactLoop, "portrait-forget-compaction");
        compactor.setDaemon(true);
    }

    /** Starts the compaction thread; it first runs a compaction a previous process still owed. */
    void start() {
        synchronized (this) {
            wake = store.forgetsCompacted() < store.forgets();
        }
        compactor.start();
    }

    /** Records a forget the store has just made durably (its number is {@code store.forgets()} now). */
    ForgetStatus forgotten(ForgetReport report, long number) {
        byte[] raw = new byte[8];
        random.nextBytes(raw);
        String id = "f_" + HexFormat.of().formatHex(raw);
        Instant now = clock.instant();
        ForgetStatus s = new ForgetStatus(id, false, now, now.plus(within), null, report.identifiers(),
                report.dataKeys(), report.quarantined());
        synchronized (this) {
            if (statuses.size() >= KEPT) {
                statuses.remove(statuses.keySet().iterator().next());
            }
            statuses.put(id, new Pending(number, s));
            wake = true;
            notifyAll();
        }
        return s;
    }

    Optional<ForgetStatus> status(String id) {
        synchronized (this) {
            Pending p = statuses.get(id);
            return p == null ? Optional.empty() : Optional.of(p.status);
        }
    }

    private void compactLoop() {
        while (!closed) {
            synchronized (this) {
                while (!wake && !closed) {
                    try {
                        wait();
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                wake = false;
            }
            if (closed) {
                return;
            }
            try {
                store.compact();
                markDone(store.forgetsCompacted());
            } catch (RuntimeException e) {
                // The store may be closing, or a disk failed: the count still says what is owed; retry later.
                LOG.warn("compaction after a forget failed; the forget stays pending and is retried: {}", e.toString());
                synchronized (this) {
                    try {
                        wait(Math.min(within.toMillis() / 4, 30_000));
                    } catch (InterruptedException ie) {
                        return;
                    }
                    wake = true;
                }
            }
        }
    }

    private void markDone(long compacted) {
        Instant now = clock.instant();
        synchronized (this) {
            for (Map.Entry<String, Pending> e : statuses.entrySet()) {
                Pending p = e.getValue();
                if (!p.status.done() && p.number <= compacted) {
                    ForgetStatus s = p.status;
                    e.setValue(new Pending(p.number, new ForgetStatus(s.id(), true, s.requestedAt(), s.deadline(), now,
                            s.identifiers(), s.dataKeys(), s.quarantined())));
                    audit.record(now, "portrait", "forget_done", "forget=" + s.id() + " took="
                            + Duration.between(s.requestedAt(), now).toMillis() + "ms");
                }
            }
        }
    }

    @Override
    public void close() {
        synchronized (this) {
            closed = true;
            notifyAll();
        }
        try {
            compactor.join(60_000); // a compaction in progress finishes before the store closes
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
