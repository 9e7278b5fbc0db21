package dev.portrait.core.experiment;

import java.util.Objects;

/**
 * What one engine step tells the experiments' results. The engine emits one for each experiment that
 * counts the event ({@link dev.portrait.core.definition.ExperimentSpecs.Experiment#counts}); the
 * results enrol the person at their first such event while in the population and count every later
 * one. Applied in step order ({@link ExperimentResults}).
 */
public sealed interface ExperimentUpdate {
    String experiment();

    /**
     * An event of a person that the experiment measures.
     *
     * @param variant      the person's variant (by the keyed hash of their profile id)
     * @param inPopulation whether their profile is in the population segment after the event
     * @param revenue      the revenue it carries (0 when none)
     */
    record Observed(String experiment, String member, int variant, boolean inPopulation, long time, boolean exposure,
                    boolean click, boolean conversion, double revenue) implements ExperimentUpdate {
        public Observed {
            Objects.requireNonNull(experiment, "experiment");
            Objects.requireNonNull(member, "member");
            if (!Double.isFinite(revenue)) {
                throw new IllegalArgumentException("revenue of " + member + " is " + revenue);
            }
        }
    }

    /** Identity merged {@code from} into {@code to}, whose variant is {@code toVariant}. */
    record Moved(String experiment, String from, String to, int toVariant) implements ExperimentUpdate {
        public Moved {
            Objects.requireNonNull(experiment, "experiment");
            Objects.requireNonNull(from, "from");
            Objects.requireNonNull(to, "to");
        }
    }

    /** The person was forgotten: their record and their share of the aggregates go. */
    record Left(String experiment, String member) implements ExperimentUpdate {
        public Left {
            Objects.requireNonNull(experiment, "experiment");
            Objects.requireNonNull(member, "member");
        }
    }
}
