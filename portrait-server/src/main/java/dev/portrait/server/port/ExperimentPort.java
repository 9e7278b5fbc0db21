package dev.portrait.server.port;

import dev.portrait.core.experiment.ExperimentReport;

import java.util.Optional;

/** Experiments' results (the definition's {@code experiments:} section); apart from {@link QueryPort} like the models. */
public interface ExperimentPort {
    /** The experiment's results now; empty when the definition declares no experiment of that name. */
    Optional<ExperimentReport> experiment(String name);
}
