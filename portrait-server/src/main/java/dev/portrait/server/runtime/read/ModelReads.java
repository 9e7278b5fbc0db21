package dev.portrait.server.runtime.read;

import dev.portrait.core.engine.ProfileEngine;
import dev.portrait.core.model.DeclaredModels;
import dev.portrait.core.model.FeedbackCounts;
import dev.portrait.core.model.RecentItem;
import dev.portrait.core.model.ServedRecommendations;
import dev.portrait.core.profile.Profile;
import dev.portrait.server.port.ModelPort;
import dev.portrait.server.runtime.worker.ModelConsumer;
import dev.portrait.server.runtime.worker.ProfileWorker;

import java.security.SecureRandom;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The models' answers. The shared models live on their own thread ({@link ModelConsumer}): a read
 * decodes its own copy of the published profile ({@link PublishedProfiles}), then computes on the
 * models' thread with the models as absorbed so far (one queue behind the profiles, as designed); the
 * profile worker is not asked.
 *
 * <p>A recommender with a social part ("people like you follow") also reads the person's strongest ties'
 * profiles, on the caller's thread before the models' turn: each tie's key is resolved as an identifier
 * (published state, then the store, as the engine resolves counterparts) and that person's recent items
 * are read from their published profile. So the models' thread never waits on the store, and a tie folded
 * after its profile was published is seen as published, like any read.
 */
public final class ModelReads implements ModelPort {
    private final PublishedProfiles profiles;
    private final ProfileEngine engine;
    private final ModelConsumer models;
    private final InstantSource clock;
    /**
     * Makes recommendation ids unique: it starts at a random point, so two servers (or one restarted within
     * the same millisecond) do not issue the same time and serial.
     */
    private final AtomicLong serials = new AtomicLong(new SecureRandom().nextLong() >>> 16);

    /** A value read on the worker thread with a private copy of the profile it came from, and the read's time. */
    record Held<T>(T value, Profile profile, long now) {
    }

    public ModelReads(ProfileWorker worker, PublishedProfiles profiles, InstantSource clock) {
        this.profiles = profiles;
        this.engine = worker.engine();
        this.models = worker.models();
        this.clock = clock;
    }

    /** A private copy of a profile the worker holds (the worker goes on mutating its own). Worker thread only. */
    static Profile copy(ProfileEngine engine, Profile p) {
        return engine.codec().decode(engine.codec().encode(p));
    }

    private Optional<Held<String>> held(String idType, String id) {
        PublishedProfiles.Found f = profiles.find(idType, id);
        return f == null ? Optional.empty()
                : Optional.of(new Held<>(f.profileId(), f.profile(), Math.max(clock.millis(), f.profile().clock())));
    }

    @Override
    public Optional<ServedRecommendations> recommendations(String idType, String id, int k, String placement) {
        return held(idType, id).map(h -> {
            long servedAt = clock.millis(); // written into the id: Shown / Clicked count within a window of it
            long serial = serials.getAndIncrement();
            Map<String, List<RecentItem>> tieItems = tieItems(h.value(), h.profile(), h.now());
            return models.readPublished(shared -> engine.serve(h.profile(), k, placement, servedAt, serial, shared,
                    tieItems::get));
        });
    }

    /**
     * The recent items of the person's ties that the social part reads, by the key the tie names them
     * with; a tie with no profile (or resolving to the person themselves) is left out.
     */
    private Map<String, List<RecentItem>> tieItems(String profileId, Profile p, long now) {
        DeclaredModels m = engine.models();
        List<String> ties = m.tiesToRead(p, now);
        if (ties.isEmpty()) {
            return Map.of();
        }
        Map<String, List<RecentItem>> out = new HashMap<>();
        for (String tie : ties) {
            PublishedProfiles.Found f = profiles.find(m.tieIdentifierType(), tie);
            if (f != null && !f.profileId().equals(profileId)) {
                out.put(tie, m.recentItems(f.profile(), now));
            }
        }
        return out;
    }

    @Override
    public Feedback feedback() {
        return models.readPublished(ModelReads::feedback); // behind every update of the events folded so far
    }

    @Override
    public Feedback feedbackSoFar() {
        return models.read(ModelReads::feedback); // between two lists of updates, like the quality gauges
    }

    private static Feedback feedback(dev.portrait.core.model.SharedModels shared) {
        FeedbackCounts f = shared.feedback();
        return f == null ? new Feedback(false, List.of(), Map.of()) : new Feedback(true, f.rows(), f.unjoined());
    }

    @Override
    public List<PersonaView> personas() {
        return models.readPublished(shared -> {
            List<PersonaView> out = new ArrayList<>();
            for (DeclaredModels.PersonaSummary s : engine.models().personas(shared)) {
                List<Map<String, Object>> strongest = new ArrayList<>();
                for (var f : s.strongest()) {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("feature", f.feature());
                    m.put("z", f.z());
                    strongest.add(m);
                }
                out.add(new PersonaView(s.persona(), s.size(), strongest, s.center()));
            }
            return out;
        });
    }

    @Override
    public Optional<ProfileScores> scores(String idType, String id) {
        return scores(idType, id, false);
    }

    @Override
    public Optional<ProfileScores> scores(String idType, String id, boolean ownWrites) {
        return held(idType, id).map(h -> {
            // without a position, from the models as last frozen for readers: on this thread, never queued
            // behind their learning; with one, behind every update handed over so far, as the profile read does
            dev.portrait.core.model.ModelScores s = ownWrites
                    ? models.readPublished(shared -> engine.models().scores(h.profile(), h.now(), shared))
                    : engine.models().scores(h.profile(), h.now(), models.scoring());
            return new ProfileScores(s.profileId(), s.persona(), s.personaDistance(), s.propensity(), s.botScore(),
                    s.segments());
        });
    }

    @Override
    public Calibration calibration(int buckets) {
        return models.read(shared -> { // between two lists of updates, like quality()
            var m = shared.propensityMetrics();
            return m == null ? new Calibration(false, 0, 0, List.of())
                    : new Calibration(true, m.count(), m.positives(), m.calibration(buckets));
        });
    }

    @Override
    public ModelQuality quality() {
        return models.read(shared -> { // between two lists of updates: a scrape never waits for the backlog
            var m = shared.propensityMetrics();
            var r = shared.regressionMetrics();
            return new ModelQuality(m == null ? Double.NaN : m.auc(), m == null ? Double.NaN : m.logLoss(),
                    m == null ? 0 : m.count(), shared.items(), shared.suspectedBots(),
                    r == null ? Double.NaN : r.rmse(), r == null ? Double.NaN : r.baselineRmse());
        });
    }
}
