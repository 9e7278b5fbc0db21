package dev.portrait.server.http;

import dev.portrait.core.PortraitException;
import dev.portrait.core.clean.CleanResult;
import dev.portrait.core.clean.Cleaner;
import dev.portrait.core.definition.DefinitionLoader;
import dev.portrait.server.port.AdminPort;
import dev.portrait.server.port.ChangeView;
import dev.portrait.server.port.IncomingEvent;
import dev.portrait.server.port.IngestOutcome;
import dev.portrait.server.port.IngestPort;
import dev.portrait.server.port.Page;
import dev.portrait.core.profile.ProfileView;
import dev.portrait.server.port.QuarantineView;
import dev.portrait.server.port.QueryPort;
import dev.portrait.server.port.SegmentSummary;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The three ports in memory, for testing the HTTP adapter: the real core {@link Cleaner} under the
 * default e-commerce definition decides stored or quarantined, a set of message ids decides
 * duplicates, and everything the adapter passed in is recorded. Profiles, changes and segments are
 * whatever a test puts in. The real runtime replaces this in end-to-end tests.
 */
final class InMemoryRuntime implements IngestPort, QueryPort, AdminPort, dev.portrait.server.port.HealthPort {
    /** What readiness reports; a test adds reasons to make the runtime not ready. */
    final List<String> notReady = new java.util.concurrent.CopyOnWriteArrayList<>();

    @Override
    public List<String> notReady() {
        return List.copyOf(notReady);
    }

    static final Set<String> ID_TYPES = Set.of("profile_id", "user_id", "anonymous_id", "email");

    private final Cleaner cleaner = new Cleaner(DefinitionLoader.defaultEcommerce());
    private final Set<String> seen = new HashSet<>();
    private final List<QuarantineView> quarantine = new ArrayList<>();
    private long sequence;

    /** Every event the adapter handed to {@link #ingest}, in order. */
    final List<IncomingEvent> given = new ArrayList<>();
    /** Profiles by {@code idType + "/" + id}. */
    final Map<String, ProfileView> profiles = new HashMap<>();
    final Map<String, List<ChangeView>> changes = new HashMap<>();
    final List<SegmentSummary> segments = new ArrayList<>();
    final Map<String, List<String>> members = new LinkedHashMap<>();

    /** What the last query or listing call was given. */
    Instant lastAt;
    String lastCursor;
    int lastLimit;
    Collection<Long> lastRedrive;

    /** When set, {@link #ingest} throws it instead of working. */
    RuntimeException ingestFailure;

    @Override
    public synchronized List<IngestOutcome> ingest(List<IncomingEvent> events) {
        if (ingestFailure != null) {
            throw ingestFailure;
        }
        given.addAll(events);
        List<IngestOutcome> outcomes = new ArrayList<>();
        for (IncomingEvent e : events) {
            CleanResult r = e.verdict(cleaner);
            if (r instanceof CleanResult.Accepted a) {
                String id = a.event().messageId();
                outcomes.add(seen.add(id) ? new IngestOutcome.Stored(id, ++sequence) : new IngestOutcome.Duplicate(id));
            } else {
                CleanResult.Rejected x = (CleanResult.Rejected) r;
                long qid = quarantine.size() + 1;
                quarantine.add(new QuarantineView(qid, x.code(), x.message(), x.path(), e.receivedAt(),
                        new String(e.raw(), StandardCharsets.UTF_8)));
                outcomes.add(new IngestOutcome.Quarantined(qid, x.code(), x.message(), x.path()));
            }
        }
        return outcomes;
    }

    synchronized List<IncomingEvent> given() {
        return List.copyOf(given);
    }

    @Override
    public synchronized Optional<ProfileView> profile(String idType, String id, Instant at) {
        checkType(idType);
        lastAt = at;
        return Optional.ofNullable(profiles.get(idType + "/" + id));
    }

    @Override
    public synchronized Optional<Page<ChangeView>> changes(String idType, String id, String cursor, int limit) {
        checkType(idType);
        lastCursor = cursor;
        lastLimit = limit;
        if (!profiles.containsKey(idType + "/" + id)) {
            return Optional.empty();
        }
        return Optional.of(page(changes.getOrDefault(idType + "/" + id, List.of()), cursor, limit));
    }

    @Override
    public synchronized List<SegmentSummary> segments() {
        return List.copyOf(segments);
    }

    @Override
    public synchronized Page<String> segmentMembers(String segment, String cursor, int limit) {
        lastCursor = cursor;
        lastLimit = limit;
        List<String> all = members.get(segment);
        if (all == null) {
            throw new PortraitException("unknown_segment", "no segment " + segment, null);
        }
        return page(all, cursor, limit);
    }

    @Override
    public synchronized boolean forget(String idType, String id) {
        checkType(idType);
        return profiles.remove(idType + "/" + id) != null;
    }

    /** Forgets stay pending until a test marks them done; the suppression list holds idType/id. */
    final Map<String, dev.portrait.server.port.ForgetStatus> forgets = new LinkedHashMap<>();
    final Set<String> suppressed = new HashSet<>();
    final List<String> actors = new ArrayList<>();

    @Override
    public synchronized dev.portrait.server.port.ForgetStatus startForget(String idType, String id, String actor) {
        actors.add(actor);
        if (!forget(idType, id)) {
            return null;
        }
        suppressed.add(idType + "/" + id);
        String fid = "f_" + (forgets.size() + 1);
        Instant at = Instant.parse("2024-05-01T12:00:00Z");
        dev.portrait.server.port.ForgetStatus s = new dev.portrait.server.port.ForgetStatus(fid, false, at,
                at.plusSeconds(600), null, 2, 3, 0);
        forgets.put(fid, s);
        return s;
    }

    synchronized void compacted(String forgetId) {
        dev.portrait.server.port.ForgetStatus s = forgets.get(forgetId);
        forgets.put(forgetId, new dev.portrait.server.port.ForgetStatus(s.id(), true, s.requestedAt(), s.deadline(),
                s.requestedAt().plusSeconds(5), s.identifiers(), s.dataKeys(), s.quarantined()));
    }

    @Override
    public synchronized Optional<dev.portrait.server.port.ForgetStatus> forgetStatus(String forgetId) {
        return Optional.ofNullable(forgets.get(forgetId));
    }

    @Override
    public synchronized boolean liftSuppression(String idType, String id, String actor) {
        actors.add(actor);
        return suppressed.remove(idType + "/" + id);
    }

    @Override
    public synchronized Page<QuarantineView> quarantine(String cursor, int limit) {
        lastCursor = cursor;
        lastLimit = limit;
        return page(quarantine, cursor, limit);
    }

    @Override
    public synchronized RedriveReport redrive(Collection<Long> ids) {
        lastRedrive = List.copyOf(ids);
        return new RedriveReport(0, 0, ids.isEmpty() ? quarantine.size() : ids.size());
    }

    /** Cursors are positions, as text. */
    private static <T> Page<T> page(List<T> all, String cursor, int limit) {
        int from = cursor == null ? 0 : Integer.parseInt(cursor);
        int to = Math.min(all.size(), from + limit);
        return new Page<>(all.subList(from, to), to < all.size() ? Integer.toString(to) : null);
    }

    private static void checkType(String idType) {
        if (!ID_TYPES.contains(idType)) {
            throw new PortraitException("unknown_identifier_type", "no identifier type " + idType, "idType");
        }
    }
}
