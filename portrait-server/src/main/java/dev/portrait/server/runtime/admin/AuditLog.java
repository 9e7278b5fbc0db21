package dev.portrait.server.runtime.admin;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Objects;

/**
 * Who forgot whom and who read what the admin API shows (the quarantine holds raw events): one line
 * per action on the {@code portrait.audit} logger, which an operator routes to its own file or
 * collector, and the latest {@value #KEPT} in memory for the process's own checks.
 *
 * <p>A line names the actor by key id (a hash prefix, never the key), the action, the identifier
 * <em>type</em> and the forget's random id, never an identifier's value: the audit log must not become
 * the one place where a forgotten person's e-mail address is still written down.
 */
public final class AuditLog {
    static final int KEPT = 1_000;
    private static final Logger LOG = LoggerFactory.getLogger("portrait.audit");
    private final ArrayDeque<Entry> recent = new ArrayDeque<>();

    /**
     * One audited action.
     *
     * @param at     when
     * @param actor  the key id ({@code key:} + 8 hex digits of its SHA-256), or {@code local} for the CLI
     * @param action {@code forget}, {@code forget_done}, {@code suppression_lifted}, {@code quarantine_read},
     *               {@code quarantine_redrive}, {@code backup}, {@code audience_saved}, {@code audience_deleted}
     * @param detail what it was about, without any identifier value ({@code idType=email forget=f_…})
     */
    public record Entry(Instant at, String actor, String action, String detail) {
        public Entry {
            Objects.requireNonNull(at, "at");
            actor = actor == null || actor.isBlank() ? "unknown" : actor;
            Objects.requireNonNull(action, "action");
            detail = detail == null ? "" : detail;
        }

        @Override
        public String toString() {
            return "at=" + at + " actor=" + actor + " action=" + action + (detail.isEmpty() ? "" : " " + detail);
        }
    }

    void record(Instant at, String actor, String action, String detail) {
        Entry e = new Entry(at, actor, action, detail);
        LOG.info("{}", e);
        synchronized (recent) {
            if (recent.size() == KEPT) {
                recent.removeFirst();
            }
            recent.addLast(e);
        }
    }

    /** The latest entries, oldest first. */
    public List<Entry> recent() {
        synchronized (recent) {
            return List.copyOf(recent);
        }
    }
}
