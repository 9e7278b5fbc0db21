package dev.portrait.server.runtime.read;

import dev.portrait.core.definition.ProfileDefinition;
import dev.portrait.core.engine.ProfileEngine;
import dev.portrait.core.model.DeclaredModels;
import dev.portrait.core.model.Recommendation;
import dev.portrait.core.model.SharedModels;
import dev.portrait.core.profile.Profile;
import dev.portrait.server.port.ModelPort;
import dev.portrait.server.runtime.worker.ModelConsumer;
import dev.portrait.server.runtime.worker.ProfileWorker;

import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The models' answers. The shared models live on their own thread ({@link ModelConsumer}), the profiles
 * on the worker's: once the worker has applied the caller's events, it copies the profile and queues the
 * read on the models' thread behind those events' updates ({@link ModelConsumer#readBehind}); the
 * caller waits for the answer on its own thread, so the worker never waits for the models' work and the
 * answer includes the caller's own writes.
 */
public final class ModelReads implements ModelPort {
    private final ProfileDefinition definition;
    private final ProfileWorker worker;
    private final ProfileEngine engine;
    private final ModelConsumer models;
    private final InstantSource clock;

    public ModelReads(ProfileDefinition definition, ProfileWorker worker, InstantSource clock) {
        this.definition = definition;
        this.worker = worker;
        this.engine = worker.engine();
        this.models = worker.models();
        this.clock = clock;
    }

    /** A private copy of a profile the worker holds (the worker goes on mutating its own). Worker thread only. */
    static Profile copy(ProfileEngine engine, Profile p) {
        return engine.codec().decode(engine.codec().encode(p));
    }

    /** What the models compute for one person, given a private copy of their profile and the read's time. */
    private interface PersonRead<T> {
        T apply(SharedModels shared, Profile profile, long now);
    }

    private <T> Optional<T> aboutPerson(String idType, String id, PersonRead<T> read) {
        Optional<CompletableFuture<T>> answer = worker.read(() -> {
            String pid = ProfileLookup.profileIdOf(definition, worker, idType, id);
            Profile p = pid == null ? null : worker.load(pid);
            if (p == null) {
                return Optional.<CompletableFuture<T>>empty();
            }
            Profile copy = copy(engine, p);
            long now = Math.max(clock.millis(), p.clock());
            return Optional.of(models.readBehind(shared -> read.apply(shared, copy, now)));
        });
        return answer.map(models::await);
    }

    @Override
    public Optional<List<Recommendation>> recommendations(String idType, String id, int k) {
        return aboutPerson(idType, id, (shared, p, now) -> engine.models().recommend(p, k, now, shared));
    }

    @Override
    public List<PersonaView> personas() {
        return models.await(worker.read(() -> models.readBehind(shared -> {
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
        })));
    }

    @Override
    public Optional<ProfileScores> scores(String idType, String id) {
        return aboutPerson(idType, id, (shared, p, now) -> {
            var s = engine.models().scores(p, now, shared);
            return new ProfileScores(s.profileId(), s.persona(), s.personaDistance(), s.propensity(), s.botScore(),
                    s.segments());
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
