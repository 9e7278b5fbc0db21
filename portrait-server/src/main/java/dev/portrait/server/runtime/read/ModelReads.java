package dev.portrait.server.runtime.read;

import dev.portrait.core.definition.ProfileDefinition;
import dev.portrait.core.engine.ProfileEngine;
import dev.portrait.core.model.DeclaredModels;
import dev.portrait.core.model.Recommendation;
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

/**
 * The models' answers. The shared models live on their own thread ({@link ModelConsumer}), the profiles
 * on the worker's: a read takes a copy of the profile on the worker thread, then computes on the
 * models' thread with the models as absorbed so far (one queue behind the profiles, as designed), so
 * neither thread waits for the other's work.
 */
public final class ModelReads implements ModelPort {
    private final ProfileDefinition definition;
    private final ProfileWorker worker;
    private final ProfileEngine engine;
    private final ModelConsumer models;
    private final InstantSource clock;

    /** A value read on the worker thread with a private copy of the profile it came from, and the read's time. */
    record Held<T>(T value, Profile profile, long now) {
    }

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

    private Optional<Held<String>> held(String idType, String id) {
        return worker.read(() -> {
            String pid = ProfileLookup.profileIdOf(definition, worker, idType, id);
            Profile p = pid == null ? null : worker.load(pid);
            return p == null ? Optional.<Held<String>>empty()
                    : Optional.of(new Held<>(pid, copy(engine, p), Math.max(clock.millis(), p.clock())));
        });
    }

    @Override
    public Optional<List<Recommendation>> recommendations(String idType, String id, int k) {
        return held(idType, id).map(h -> models.read(shared -> engine.models().recommend(h.profile(), k, h.now(), shared)));
    }

    @Override
    public List<PersonaView> personas() {
        return models.read(shared -> {
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
        return held(idType, id).map(h -> models.read(shared -> {
            var s = engine.models().scores(h.profile(), h.now(), shared);
            return new ProfileScores(s.profileId(), s.persona(), s.personaDistance(), s.propensity(), s.botScore(),
                    s.segments());
        }));
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
