package dev.portrait.core.identity;

import dev.portrait.core.PortraitException;
import dev.portrait.core.definition.DefinitionException;
import dev.portrait.core.definition.IdentityRule;
import dev.portrait.core.event.Event;
import dev.portrait.core.identity.IdentifierReader.Candidate;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Decides which profile an event belongs to, creating and merging profiles as identifiers link them.
 *
 * <h2>How an event is resolved</h2>
 *
 * The event's identifiers are read per rule (the first present {@code from} path; trimmed; blocked
 * values dropped) and weighed in priority order, highest first. The graph builds a <em>claim</em>: the
 * set of existing profiles the event belongs to, plus the new identifiers it will attach. Each
 * identifier, in turn:
 * <ul>
 *   <li>unknown: joins the claim as a new identifier, unless the claim already holds
 *       {@code maxPerProfile} values of its type ({@code cap_per_profile});</li>
 *   <li>known, of a merging type: brings its profile into the claim, unless the profiles and new
 *       identifiers already claimed would then hold more values of some type than its cap
 *       ({@code merge_refused}); the identifier then stays where it is.</li>
 * </ul>
 * Identifiers of non-merging types ({@code device_id}) are weighed last: one can name the event's
 * profile when nothing else did, but never brings a second profile in ({@code conflicting_identifier}).
 *
 * <p>Weighing in priority order is what keeps a shared browser from gluing two people together. When
 * user B first logs in on a browser whose anonymous id belongs to user A, {@code user_id:B} is weighed
 * first and claimed as new; A's profile would then hold two user ids, so it is refused, and B gets a
 * profile of their own while the anonymous id stays with A. Had the graph looked up profiles first and
 * checked caps afterwards, B's event would have gone to A and B's user id would have been refused,
 * forever. A higher-priority identifier is never given up for a lower-priority one.
 *
 * <p>If the claim holds no profile, one is created, named after its highest-priority identifier
 * ({@code p_} and 16 hex digits of a keyed hash of {@code type:value}, {@link ProfileIdKey}, with
 * {@code _2}, {@code _3}, … if taken), so replaying the same events under the same key names profiles
 * the same, while nobody without the key can recompute a person's id from a guessed identifier. If it holds several, they are merged
 * into the one created first (ties: the smaller id): the oldest profile keeps its id, so links that
 * runtimes and products already hold to it stay valid longest. Each merge is returned as an
 * {@link IdentityMerge} log entry. New identifiers are then attached, subject to {@code maxPerWindow}.
 *
 * <h2>Caps</h2>
 *
 * {@code maxPerProfile} holds for every profile at all times: new identifiers and merges both respect
 * it. A profile that is over a cap because the rules were tightened later is not punished: a merge is
 * refused only when <em>both</em> sides bring values of the capped type. {@code maxPerWindow} limits how
 * many new values of a type a profile gains per window, counted in tumbling windows aligned to the
 * epoch by event time (attachment times survive merges). Tumbling rather than sliding windows so that
 * the bound holds exactly even when events arrive out of order. It governs attachment only: a merge
 * is a judgement that two profiles were one person all along, not new values.
 *
 * <h2>Determinism and the store</h2>
 *
 * Every choice is made from values (priorities, creation times, ids, identifier order), never from the
 * order in which a store happens to list things, so the same events in the same order give the same
 * profiles and merges with any {@link IdentityStore}. Within {@link #resolve} all reads come before any
 * write, so a runtime can collect the writes in one batch.
 *
 * <p>Not thread-safe: a runtime runs one graph per partition, with a single writer.
 */
public final class IdentityGraph {
    private final List<IdentityRule> rules;
    private final Map<String, CompiledRule> byType;
    private final IdentifierReader reader;
    private final IdentityStore store;
    private final ProfileIdKey ids;

    /**
     * A graph that names profiles under {@link ProfileIdKey#publicTestKey()}: for tests and tools that
     * keep no ids. Runtimes use {@link #IdentityGraph(List, IdentityStore, ProfileIdKey)}.
     */
    public IdentityGraph(List<IdentityRule> rules, IdentityStore store) {
        this(rules, store, ProfileIdKey.publicTestKey());
    }

    /**
     * @param rules one per identifier type; their {@code priority} orders them (ties: list order)
     * @param store where identities live
     * @param ids   the secret new profiles are named under (the store's)
     * @throws DefinitionException when a rule is unusable (the path names the rule)
     */
    public IdentityGraph(List<IdentityRule> rules, IdentityStore store, ProfileIdKey ids) {
        this.store = Objects.requireNonNull(store, "store");
        this.ids = Objects.requireNonNull(ids, "profile id key");
        this.rules = List.copyOf(Objects.requireNonNull(rules, "rules"));
        if (this.rules.isEmpty()) {
            throw new DefinitionException("identity", "at least one identity rule is needed, or no event is ever attributed");
        }
        List<CompiledRule> compiled = new ArrayList<>();
        Map<String, CompiledRule> types = new HashMap<>();
        for (int i = 0; i < this.rules.size(); i++) {
            CompiledRule r = new CompiledRule(this.rules.get(i), i);
            if (types.putIfAbsent(r.type(), r) != null) {
                throw new DefinitionException("identity[" + i + "].type", "identifier type " + r.type()
                        + " is declared twice");
            }
            compiled.add(r);
        }
        this.byType = Map.copyOf(types);
        this.reader = new IdentifierReader(compiled);
    }

    /**
     * The default rules: {@code user_id} (from {@code userId}; merges; 1 per profile; priority 0),
     * {@code email} (from {@code traits.email} or {@code context.traits.email}; merges; 3; priority 1),
     * {@code device_id} (from {@code context.device.id}; never merges; 20; priority 2) and
     * {@code anonymous_id} (from {@code anonymousId}; merges; 200, at most 50 new a day; priority 3),
     * each blocking {@link IdentityRule#DEFAULT_BLOCKED}.
     */
    public static List<IdentityRule> defaultRules() {
        Set<String> blocked = IdentityRule.DEFAULT_BLOCKED;
        Duration day = Duration.ofDays(1);
        return List.of(
                new IdentityRule("user_id", List.of("userId"), true, 1, 0, day, blocked, 0),
                new IdentityRule("email", List.of("traits.email", "context.traits.email"), true, 3, 0, day, blocked, 1),
                new IdentityRule("device_id", List.of("context.device.id"), false, 20, 0, day, blocked, 2),
                new IdentityRule("anonymous_id", List.of("anonymousId"), true, 200, 50, day, blocked, 3));
    }

    /** Every identifier the rules read from an event: see {@link EventIdentifiers#of}. */
    public List<Identifier> identifiersIn(Event event) {
        return EventIdentifiers.read(reader, byType.keySet(), event);
    }

    /** The rules this graph applies. */
    public List<IdentityRule> rules() {
        return rules;
    }

    /**
     * Attributes an event to a profile, creating, merging and attaching as its identifiers require.
     * Refusals are notices in the result, never exceptions.
     */
    public Resolution resolve(Event event) {
        Objects.requireNonNull(event, "event");
        List<IdentityNotice> notices = new ArrayList<>();
        List<Candidate> candidates = reader.read(event, store, notices);
        String[] found = new String[candidates.size()];
        String only = null;
        boolean sole = !candidates.isEmpty();
        for (int i = 0; i < found.length; i++) {
            found[i] = store.profileOf(candidates.get(i).identifier()).orElse(null);
            sole &= found[i] != null && (only == null || only.equals(found[i]));
            only = found[i] == null ? only : found[i];
        }
        if (sole) {
            // Every identifier already belongs to one profile (most events of a known person): the
            // passes below would join that profile, offer nothing and write nothing.
            return new Resolution(only, false, List.of(), List.of(), notices);
        }
        Map<Identifier, String> owners = new HashMap<>();
        for (int i = 0; i < found.length; i++) {
            if (found[i] != null) {
                owners.put(candidates.get(i).identifier(), found[i]);
            }
        }

        Claim claim = new Claim();
        for (Candidate c : candidates) {
            if (!c.rule().merges()) {
                continue;
            }
            String owner = owners.get(c.identifier());
            if (owner == null) {
                claim.offer(c, notices);
            } else if (!claim.holds(owner)) {
                ProfileView p = load(owner);
                String conflict = claim.conflictWith(p);
                if (conflict == null) {
                    claim.join(p);
                } else {
                    notices.add(new IdentityNotice(IdentityNotice.MERGE_REFUSED, "profile " + owner + ", reached through "
                            + c.identifier().type() + ", was not merged in: " + conflict));
                }
            }
        }
        for (Candidate c : candidates) {
            String owner = owners.get(c.identifier());
            if (c.rule().merges() || owner == null || claim.holds(owner)) {
                continue;
            }
            ProfileView p = claim.hasProfiles() ? null : load(owner);
            String conflict = p == null ? c.identifier().type() + " never merges profiles" : claim.conflictWith(p);
            if (conflict == null) {
                claim.join(p);
            } else {
                notices.add(new IdentityNotice(IdentityNotice.CONFLICTING_IDENTIFIER, c.identifier().type()
                        + " belongs to profile " + owner + " and stays there: " + conflict));
            }
        }
        for (Candidate c : candidates) {
            if (!c.rule().merges() && !owners.containsKey(c.identifier())) {
                claim.offer(c, notices);
            }
        }

        // Attach (and name a new profile) in priority order, whichever pass accepted an identifier.
        claim.pending.sort(Candidate.ORDER);
        if (!claim.hasProfiles() && claim.pending.isEmpty()) {
            notices.add(new IdentityNotice(IdentityNotice.NO_IDENTIFIER, "event " + event.messageId()
                    + " carries no usable identifier, so it belongs to no profile"));
            return new Resolution(null, false, List.of(), List.of(), notices);
        }
        return apply(event, claim, notices);
    }

    /** The writes, after every decision has been made from reads. */
    private Resolution apply(Event event, Claim claim, List<IdentityNotice> notices) {
        long time = event.time();
        String target;
        boolean created = !claim.hasProfiles();
        List<IdentityMerge> merges = new ArrayList<>();
        if (created) {
            target = newProfileId(claim.pending.get(0).identifier());
            store.createProfile(target, time);
        } else {
            List<ProfileView> profiles = new ArrayList<>(claim.profiles.values());
            profiles.sort(ProfileView.AGE);
            target = profiles.get(0).id;
            for (ProfileView loser : profiles.subList(1, profiles.size())) {
                for (AttachedIdentifier a : loser.identifiers) {
                    store.detach(loser.id, a.identifier());
                    store.attach(target, a.identifier(), a.attachedAt());
                }
                store.deleteProfile(loser.id);
                merges.add(new IdentityMerge(target, loser.id, loser.identifiers, time, event.messageId(),
                        loser.createdAt));
            }
        }

        List<Identifier> attached = new ArrayList<>();
        for (Candidate c : claim.pending) {
            CompiledRule rule = c.rule();
            int max = rule.rule.maxPerWindow();
            if (max > 0) {
                long window = Math.floorDiv(time, rule.windowMillis);
                int gained = 0;
                for (ProfileView p : claim.profiles.values()) {
                    for (AttachedIdentifier a : p.identifiers) {
                        if (a.identifier().type().equals(rule.type())
                                && Math.floorDiv(a.attachedAt(), rule.windowMillis) == window) {
                            gained++;
                        }
                    }
                }
                for (Identifier id : attached) {
                    gained += id.type().equals(rule.type()) ? 1 : 0;
                }
                if (gained >= max) {
                    notices.add(new IdentityNotice(IdentityNotice.CAP_PER_WINDOW, "profile " + target + " already gained "
                            + gained + " " + rule.type() + " values in this " + rule.rule.window()
                            + " window (max " + max + "); the new one is not attached"));
                    continue;
                }
            }
            store.attach(target, c.identifier(), time);
            attached.add(c.identifier());
        }
        return new Resolution(target, created, merges, attached, notices);
    }

    /**
     * Undoes the identity side of a merge: the loser profile comes back with its creation time and
     * every identifier it had, with their attachment times. Identifiers the winner gained after the
     * merge stay with the winner. Later merges into (or of) the winner must be reversed first, in
     * reverse log order.
     *
     * @throws PortraitException {@code merge_not_reversible} when the store is not in a state this
     *                           merge left behind (the winner is gone, the loser exists, or a moved
     *                           identifier is no longer on the winner); nothing is changed then
     */
    public void reverse(IdentityMerge merge) {
        Objects.requireNonNull(merge, "merge");
        String winner = merge.winner();
        if (!store.exists(winner)) {
            throw notReversible(merge, "the winner " + winner + " no longer exists (merged away or forgotten);"
                    + " reverse later merges first");
        }
        if (store.exists(merge.loser())) {
            throw notReversible(merge, "the loser " + merge.loser() + " exists again");
        }
        for (AttachedIdentifier a : merge.moved()) {
            String owner = store.profileOf(a.identifier()).orElse(null);
            if (!winner.equals(owner)) {
                throw notReversible(merge, "a moved " + a.identifier().type() + " identifier is now "
                        + (owner == null ? "on no profile" : "on profile " + owner));
            }
        }
        store.createProfile(merge.loser(), merge.loserCreatedAt());
        for (AttachedIdentifier a : merge.moved()) {
            store.detach(winner, a.identifier());
            store.attach(merge.loser(), a.identifier(), a.attachedAt());
        }
    }

    private static PortraitException notReversible(IdentityMerge merge, String why) {
        return new PortraitException("merge_not_reversible", "cannot reverse the merge of " + merge.loser()
                + " into " + merge.winner() + " caused by " + merge.causeMessageId() + ": " + why, null);
    }

    /**
     * Removes a profile and every identifier it holds, so no identifier leads to it any more. Forgetting
     * an unknown profile does nothing, so a retried request is harmless. The runtime must also delete
     * the profile's merge-log entries, which list identifiers.
     */
    public void forget(String profileId) {
        if (profileId == null || profileId.isEmpty()) {
            throw new IllegalArgumentException("profile id to forget must not be empty, got " + profileId);
        }
        for (AttachedIdentifier a : store.identifiersOf(profileId)) {
            store.detach(profileId, a.identifier());
        }
        if (store.exists(profileId)) {
            store.deleteProfile(profileId);
        }
    }

    private ProfileView load(String profileId) {
        long createdAt = store.createdAt(profileId).orElseThrow(() -> new IllegalStateException(
                "the store maps an identifier to profile " + profileId + ", which does not exist"));
        List<AttachedIdentifier> ids = new ArrayList<>(store.identifiersOf(profileId));
        ids.sort(AttachedIdentifier.ORDER);
        return new ProfileView(profileId, createdAt, List.copyOf(ids));
    }

    /** {@code p_} + 16 hex digits of the keyed hash of "type:value"; a numbered suffix in the unlikely case it is taken. */
    private String newProfileId(Identifier first) {
        String base = ids.profileId(first);
        String id = base;
        for (int n = 2; store.exists(id); n++) {
            id = base + "_" + n;
        }
        return id;
    }

    /** A profile as read at the start of a resolution. */
    private static final class ProfileView {
        /** The merge winner comes first: created earliest, then the smaller id. */
        static final Comparator<ProfileView> AGE = Comparator.<ProfileView>comparingLong(p -> p.createdAt)
                .thenComparing(p -> p.id);

        final String id;
        final long createdAt;
        final List<AttachedIdentifier> identifiers;

        ProfileView(String id, long createdAt, List<AttachedIdentifier> identifiers) {
            this.id = id;
            this.createdAt = createdAt;
            this.identifiers = identifiers;
        }
    }

    /** The profiles and new identifiers an event is attributed to so far, with their values per type. */
    private final class Claim {
        final Map<String, ProfileView> profiles = new LinkedHashMap<>();
        final List<Candidate> pending = new ArrayList<>();
        final Map<String, Set<String>> values = new HashMap<>();

        boolean holds(String profileId) {
            return profiles.containsKey(profileId);
        }

        boolean hasProfiles() {
            return !profiles.isEmpty();
        }

        void offer(Candidate c, List<IdentityNotice> notices) {
            String type = c.identifier().type();
            Set<String> have = values.computeIfAbsent(type, t -> new TreeSet<>());
            if (have.size() >= c.rule().maxPerProfile()) {
                notices.add(new IdentityNotice(IdentityNotice.CAP_PER_PROFILE, "the event's profile "
                        + (hasProfiles() ? "already holds " : "would already hold ") + have.size() + " " + type
                        + " values (max " + c.rule().maxPerProfile() + "); the new one is not attached"));
                return;
            }
            have.add(c.identifier().value());
            pending.add(c);
        }

        /** Why joining {@code p} would break a cap, or null if it would not. */
        String conflictWith(ProfileView p) {
            Map<String, Set<String>> theirs = new TreeMap<>();
            for (AttachedIdentifier a : p.identifiers) {
                theirs.computeIfAbsent(a.identifier().type(), t -> new TreeSet<>()).add(a.identifier().value());
            }
            for (Map.Entry<String, Set<String>> e : theirs.entrySet()) {
                Set<String> mine = values.get(e.getKey());
                CompiledRule rule = byType.get(e.getKey());
                if (mine == null || mine.isEmpty() || rule == null) {
                    continue;
                }
                Set<String> union = new TreeSet<>(mine);
                union.addAll(e.getValue());
                if (union.size() > rule.maxPerProfile()) {
                    return e.getKey() + " would hold " + union.size() + " values, more than its cap of "
                            + rule.maxPerProfile();
                }
            }
            return null;
        }

        void join(ProfileView p) {
            profiles.put(p.id, p);
            for (AttachedIdentifier a : p.identifiers) {
                values.computeIfAbsent(a.identifier().type(), t -> new TreeSet<>()).add(a.identifier().value());
            }
        }
    }
}
