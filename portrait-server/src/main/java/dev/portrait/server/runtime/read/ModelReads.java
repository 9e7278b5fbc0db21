package dev.portrait.server.runtime.read;

import dev.portrait.core.definition.ProfileDefinition;
import dev.portrait.core.engine.ProfileEngine;
import dev.portrait.core.model.DeclaredModels;
import dev.portrait.core.model.Recommendation;
import dev.portrait.core.profile.Profile;
import dev.portrait.server.port.ModelPort;
import dev.portrait.server.runtime.worker.ProfileWorker;

import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The models' answers (the engine's), read on the worker thread. */
public final class ModelReads implements ModelPort {
    private final ProfileDefinition definition;
    private final ProfileWorker worker;
    private final ProfileEngine engine;
    private final InstantSource clock;

    public ModelReads(ProfileDefinition definition, ProfileWorker worker, InstantSource clock) {
        this.definition = definition;
        this.worker = worker;
        this.engine = worker.engine();
        this.clock = clock;
    }

    @Override
    public Optional<List<Recommendation>> recommendations(String idType, String id, int k) {
        return worker.read(() -> {
            String pid = ProfileLookup.profileIdOf(definition, worker, idType, id);
            Profile p = pid == null ? null : worker.load(pid);
            return p == null ? Optional.empty()
                    : Optional.of(engine.models().recommend(p, k, Math.max(clock.millis(), p.clock()), engine.sharedModels()));
        });
    }

    @Override
    public List<PersonaView> personas() {
        return worker.read(() -> {
            List<PersonaView> out = new ArrayList<>();
            for (DeclaredModels.PersonaSummary s : engine.models().personas(engine.sharedModels())) {
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
        return worker.read(() -> {
            String pid = ProfileLookup.profileIdOf(definition, worker, idType, id);
            Profile p = pid == null ? null : worker.load(pid);
            if (p == null) {
                return Optional.<ProfileScores>empty();
            }
            var s = engine.models().scores(p, Math.max(clock.millis(), p.clock()), engine.sharedModels());
            return Optional.of(new ProfileScores(s.profileId(), s.persona(), s.personaDistance(), s.propensity(),
                    s.botScore(), s.segments()));
        });
    }

    @Override
    public ModelQuality quality() {
        return worker.readNow(() -> { // a scrape must not wait for the backlog
            var shared = engine.sharedModels();
            var m = shared.propensityMetrics();
            var r = shared.regressionMetrics();
            return new ModelQuality(m == null ? Double.NaN : m.auc(), m == null ? Double.NaN : m.logLoss(),
                    m == null ? 0 : m.count(), shared.items(), shared.suspectedBots(),
                    r == null ? Double.NaN : r.rmse(), r == null ? Double.NaN : r.baselineRmse());
        });
    }
}
