package dev.portrait.core.engine;

import dev.portrait.core.definition.ProfileDefinition;
import dev.portrait.core.event.Event;
import dev.portrait.core.identity.IdentityGraph;
import dev.portrait.core.identity.IdentityMerge;
import dev.portrait.core.identity.IdentityStore;
import dev.portrait.core.identity.ProfileIdKey;
import dev.portrait.core.identity.Resolution;
import dev.portrait.core.model.DeclaredModels;
import dev.portrait.core.model.ModelState;
import dev.portrait.core.model.ModelUpdate;
import dev.portrait.core.model.RecommendationFeedback;
import dev.portrait.core.model.Recommender;
import dev.portrait.core.model.ServedRecommendations;
import dev.portrait.core.model.SharedModels;
import dev.portrait.core.profile.MergeLogEntry;
import dev.portrait.core.profile.Profile;
import dev.portrait.core.profile.ProfileCodec;
import dev.portrait.core.profile.ProfileUpdater;
import dev.portrait.core.profile.UpdateResult;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The one place where an event becomes a profile: resolve identity → carry out merges → fold →
 * segments → models. Every runtime (the embedded worker, time travel, the Flink job, the tests)
 * calls it; none strings these steps together itself, so "the same events give the same profiles in
 * every runtime" holds by construction rather than because a test compares two implementations.
 *
 * <p><b>Entry points.</b> {@link #apply} is the whole step for runtimes that own identities and
 * profiles in one place. A runtime that splits the step across machines (the Flink job resolves
 * identity in one operator and folds in another, keyed by profile) calls {@link #resolve} in the
 * first and {@link #fold(Profile, Event)} / {@link #absorb} in the second; those are the same code
 * the whole step runs. Timers go through {@link #advance}: segments that change with time alone, and
 * model labels whose horizon passed.
 *
 * <p><b>Models.</b> The per-person part of every declared model lives in the profile (an extension
 * state the codec stores with it) and is updated within the step. What belongs to no one —
 * co-occurrence, centroids, weights — is learned one queue behind: a step only lists what the shared
 * models must learn ({@link EngineStep#modelUpdates()}), and the runtime feeds those to
 * {@link #sharedModels()} ({@link SharedModels#absorb(List)}) in step order, on the fold thread or
 * another one, so replaying the log rebuilds them. Nothing in a step reads the shared models, so a
 * profile never depends on how far behind they are. A runtime checkpoints them with
 * {@link SharedModels#encode()} at a log position and restores them before replaying from there.
 *
 * <p><b>Accounts.</b> Group calls make account profiles ({@link dev.portrait.core.account.Accounts}):
 * a step lists what the accounts learn as {@link ModelUpdate.ForAccount} updates, derived from the
 * person's profile (its memberships) alone, and the runtime absorbs them with the shared models.
 *
 * <p><b>Experiments.</b> Likewise, each event an experiment measures lists a
 * {@link ModelUpdate.ForExperiment} with the person's variant ({@code ExperimentAssignment}: a keyed
 * hash of the profile id, so the survivor of a merge keeps its assignment) for the results.
 *
 * <p><b>Purity.</b> No clock, no I/O: time comes from events and from {@link #advance}'s argument.
 * Not thread-safe: one engine per writer thread (or per Flink subtask).
 */
public final class ProfileEngine {
    private final ProfileDefinition definition;
    private final DeclaredModels models;
    private final ProfileUpdater updater;
    private final ProfileCodec codec;
    private final SharedModels shared;
    private final CounterpartIdentities counterparts;
    private final AccountFeed accounts;
    private final ExperimentFeed experiments;
    private final ProfileIdKey ids;
    private IdentityStore graphStore;
    private IdentityGraph graph;

    /**
     * An engine that computes no change values (see {@link ProfileUpdater}'s class comment) and names
     * profiles under {@link ProfileIdKey#publicTestKey()}: for tests and tools that keep no ids.
     */
    public ProfileEngine(ProfileDefinition definition) {
        this(definition, ProfileUpdater.ChangeTracking.OFF);
    }

    /** As {@link #ProfileEngine(ProfileDefinition, ProfileUpdater.ChangeTracking, ProfileIdKey)} under the public test key. */
    public ProfileEngine(ProfileDefinition definition, ProfileUpdater.ChangeTracking tracking) {
        this(definition, tracking, ProfileIdKey.publicTestKey());
    }

    /**
     * @param tracking {@code ON} for a runtime that consumes each step's changes (a changelog, a changes
     *                 topic); profiles are the same either way
     * @param ids      the secret new profiles are named under: a runtime that stores profiles passes its
     *                 store's ({@code PortraitStore.profileIdKey()}) or its configured one, so ids cannot be
     *                 recomputed from identifiers
     */
    public ProfileEngine(ProfileDefinition definition, ProfileUpdater.ChangeTracking tracking, ProfileIdKey ids) {
        this.ids = Objects.requireNonNull(ids, "profile id key");
        this.definition = Objects.requireNonNull(definition, "definition");
        this.models = new DeclaredModels(definition, ids);
        this.updater = new ProfileUpdater(definition, models.any() ? models.stateCodec() : null, tracking);
        this.codec = new ProfileCodec(updater);
        this.shared = models.newShared();
        this.counterparts = new CounterpartIdentities(definition);
        this.accounts = new AccountFeed(definition);
        this.experiments = new ExperimentFeed(definition, ids);
    }

    public ProfileDefinition definition() {
        return definition;
    }

    /** The fold, for rendering profiles ({@code ProfileView.of}) and reading feature values. */
    public ProfileUpdater updater() {
        return updater;
    }

    /** The binary form of this engine's profiles (feature states and model states). */
    public ProfileCodec codec() {
        return codec;
    }

    /** The declared models' logic, for queries (recommendations, scores, personas). */
    public DeclaredModels models() {
        return models;
    }

    /** Which variant of an experiment a profile is in (deterministic; the definition's key). */
    public int experimentVariant(String experiment, String profileId) {
        var e = definition.experiments().byName(experiment);
        if (e == null) {
            throw new IllegalArgumentException("no experiment " + experiment + " in definition " + definition.name());
        }
        return experiments.assignment().variant(e, profileId);
    }

    /**
     * A recommendations answer for a profile, as served: under the settings of the person's variant in the
     * first experiment (definition order) that varies the recommender and that they take part in — they are
     * enrolled in it, or their profile is in its population now — when they consent to the models' purposes;
     * under the definition's settings otherwise. The answer's id carries placement and variant, so the
     * feedback join credits what people do with it to what was served. Reads the profile and the shared
     * models; changes neither.
     *
     * @param servedAt the runtime's clock (the only wall-clock time in an answer; it is written into the id)
     * @param serial   the runtime's counter (ids are unique by time and serial)
     */
    public ServedRecommendations serve(Profile p, int k, String placement, long servedAt, long serial,
                                       SharedModels shared) {
        return serve(p, k, placement, servedAt, serial, shared, Recommender.TieItems.NONE);
    }

    /**
     * As {@link #serve(Profile, int, String, long, long, SharedModels)}, with the recommender's social part
     * ("people like you follow") reading the recent items of the person's strongest ties from
     * {@code tieItems}: the runtime looks up each of {@code models().tiesToRead(p, now)} as an identifier of
     * type {@code models().tieIdentifierType()} in its published profiles, and reads
     * {@code models().recentItems(thatProfile, now)}. The engine itself holds no other person's profile.
     */
    public ServedRecommendations serve(Profile p, int k, String placement, long servedAt, long serial,
                                       SharedModels shared, Recommender.TieItems tieItems) {
        int experiment = -1;
        int variant = -1;
        if (experiments.any() && (updater.deniedPurposes(p) & updater.modelPurposes()) == 0) {
            int[] chosen = experiments.servingVariant(p, shared.experiments(), models::variesRecommender);
            if (chosen != null) {
                experiment = chosen[0];
                variant = chosen[1];
            }
        }
        return models.serve(p, k, placement, servedAt, serial, experiment, variant, shared, tieItems);
    }

    /** The models' shared state: fed by the runtime from each step's updates; read by queries; checkpointed. */
    public SharedModels sharedModels() {
        return shared;
    }

    /** A new, empty profile. */
    public Profile newProfile(String profileId) {
        return updater.newProfile(profileId);
    }

    /** The identity graph over a store (one is kept for the store last used). */
    public IdentityGraph identityGraph(IdentityStore identities) {
        if (graphStore != identities) {
            graph = new IdentityGraph(definition.identity(), identities, ids);
            graphStore = identities;
        }
        return graph;
    }

    /** The identity step alone: which profile the event belongs to, and which merges it causes. */
    public Resolution resolve(Event event, IdentityStore identities) {
        return identityGraph(identities).resolve(event);
    }

    /**
     * The whole step: resolve identity, carry out the merges, unite ties to counterparts that identity
     * joined ({@link CounterpartIdentities}), fold the event, run the models.
     */
    public EngineStep apply(Event event, IdentityStore identities, ProfileTable profiles) {
        return fold(resolve(event, identities), event, profiles, identities);
    }

    /** Everything after identity, for a resolution already made (replays that keep identities apart). */
    public EngineStep fold(Resolution r, Event event, ProfileTable profiles) {
        return fold(r, event, profiles, null);
    }

    private EngineStep fold(Resolution r, Event event, ProfileTable profiles, IdentityStore identities) {
        if (r.profileId() == null) {
            return new EngineStep(null, r, List.of(), null, List.of());
        }
        List<ModelUpdate> updates = new ArrayList<>();
        List<EngineStep.Merge> merges = new ArrayList<>(r.merges().size());
        for (IdentityMerge m : r.merges()) {
            Profile winner = profiles.get(m.winner());
            Profile loser = profiles.get(m.loser());
            if (winner == null || loser == null) {
                continue; // an identity record without a profile yet (no event folded): nothing to move
            }
            MergeLogEntry undo = MergeLogEntry.of(m, winner, loser, codec);
            UpdateResult merged = mergeProfiles(winner, loser, updates);
            profiles.put(merged.profile());
            profiles.remove(m.loser());
            merges.add(new EngineStep.Merge(m, undo, merged, Math.max(winner.clock(), loser.clock())));
        }
        Profile p = profiles.get(r.profileId());
        if (p == null) {
            p = updater.newProfile(r.profileId());
        }
        if (identities != null && counterparts.any()) {
            counterparts.uniteNamed(p, event, identities, updater);
        }
        UpdateResult folded = foldEvent(p, event, updates);
        profiles.put(p);
        return new EngineStep(r.profileId(), r, merges, folded, updates);
    }

    /** Folds an event into a profile already chosen for it (a runtime that resolved identity elsewhere). */
    public EngineStep fold(Profile profile, Event event) {
        List<ModelUpdate> updates = new ArrayList<>();
        UpdateResult folded = foldEvent(profile, event, updates);
        return new EngineStep(profile.profileId(), null, List.of(), folded, updates);
    }

    /**
     * Folds the loser's profile into the winner's when a runtime moved the loser's state itself (the
     * Flink job ships it between keys). Returns the merged profile under the winner's id.
     */
    public EngineStep absorb(Profile winner, Profile loser) {
        List<ModelUpdate> updates = new ArrayList<>();
        UpdateResult merged = mergeProfiles(winner, loser, updates);
        EngineStep.Merge m = new EngineStep.Merge(null, null, merged, Math.max(winner.clock(), loser.clock()));
        return new EngineStep(winner.profileId(), null, List.of(m), merged, updates);
    }

    /**
     * Lets time pass for a profile with no event (its timer fired at {@code now}): segments that depend
     * on time are re-checked, and model examples whose horizon passed are labelled. Mutates the profile;
     * its clock does not move.
     */
    public EngineStep advance(Profile p, long now) {
        List<ModelUpdate> updates = new ArrayList<>();
        UpdateResult u = updater.advance(p, now);
        if (models.any()) {
            models.settle(p, Math.max(now, p.clock()), updates);
        }
        return new EngineStep(p.profileId(), null, List.of(), u, updates);
    }

    /**
     * What the shared models must unlearn when a person is forgotten (they leave the counts); their
     * model state goes with their profile.
     */
    public List<ModelUpdate> forget(Profile p) {
        List<ModelUpdate> updates = new ArrayList<>();
        if (models.any()) {
            models.forgotten(p, updates);
        }
        if (accounts.any()) {
            accounts.forgotten(p, updates);
        }
        if (experiments.any()) {
            experiments.forgotten(p, updates);
        }
        return updates;
    }

    private UpdateResult foldEvent(Profile p, Event event, List<ModelUpdate> updates) {
        long deniedBefore = updater.deniedPurposes(p);
        UpdateResult u = updater.applyInPlace(p, event);
        RecommendationFeedback.Joined joined = null;
        if (models.any()) {
            long denied = updater.deniedPurposes(p) & updater.modelPurposes();
            if (denied == 0) {
                joined = models.observe(p, event, updates);
            } else {
                // without consent to the models' purposes the event teaches them nothing (counted); a
                // withdrawal empties the person's model state and tells the shared models what a forget does
                if ((denied & ~deniedBefore) != 0) {
                    models.forgotten(p, updates);
                    p.replaceExtension(models.stateCodec().empty());
                }
                u = u.plusWithheld(1);
            }
        }
        if (accounts.any()) {
            accounts.folded(p, event, updates);
        }
        // an experiment varies what the models serve, so it enrols and measures only people who consent to the
        // models' purposes (a withdrawal stops their counting from then on)
        if (experiments.any() && (updater.deniedPurposes(p) & updater.modelPurposes()) == 0) {
            experiments.folded(p, event, joined, models.feedbackSpec(), updates);
        }
        return u;
    }

    private UpdateResult mergeProfiles(Profile winner, Profile loser, List<ModelUpdate> updates) {
        if (accounts.any()) {
            accounts.merging(winner, loser, updates);
        }
        if (experiments.any()) {
            experiments.merging(winner, loser, updates);
        }
        UpdateResult merged = updater.merge(winner, loser);
        if (models.any()) {
            ModelState w = (ModelState) winner.extension();
            ModelState l = (ModelState) loser.extension();
            ModelState m = models.merge(w == null ? models.stateCodec().empty() : w,
                    l == null ? models.stateCodec().empty() : l, updates);
            merged.profile().replaceExtension(m);
            merged.profile().checkNoLaterThan(models.nextDeadline(m));
        }
        return merged;
    }
}
