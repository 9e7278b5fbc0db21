package dev.portrait.server.runtime.read;

import dev.portrait.core.experiment.ExperimentReport;
import dev.portrait.server.port.ExperimentPort;
import dev.portrait.server.runtime.worker.ModelConsumer;
import dev.portrait.server.runtime.worker.ProfileWorker;

import java.util.Optional;

/**
 * Experiments' results as the models' thread holds them (they ride with the shared models): a read
 * runs there behind every update handed over so far, one queue behind the profiles.
 */
public final class ExperimentReads implements ExperimentPort {
    private final ModelConsumer models;
    private final boolean declared;

    public ExperimentReads(ProfileWorker worker) {
        this.models = worker.models();
        this.declared = !worker.engine().definition().experiments().experiments().isEmpty();
    }

    @Override
    public Optional<ExperimentReport> experiment(String name) {
        if (!declared) {
            return Optional.empty();
        }
        return Optional.ofNullable(models.readPublished(shared -> shared.experiments().report(name)));
    }
}
