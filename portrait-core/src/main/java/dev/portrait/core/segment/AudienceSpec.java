package dev.portrait.core.segment;

import java.util.List;

/**
 * An audience as a marketer asks for it: people in every segment of {@code all}, in at least one of
 * {@code any}, in none of {@code none}, who also meet {@code where} (a CEL condition over traits and
 * features, like a segment's). Empty lists and a null {@code where} ask nothing; an audience that asks
 * nothing is everyone.
 */
public record AudienceSpec(List<String> all, List<String> any, List<String> none, String where) {
    public AudienceSpec {
        all = all == null ? List.of() : List.copyOf(all);
        any = any == null ? List.of() : List.copyOf(any);
        none = none == null ? List.of() : List.copyOf(none);
        where = where == null || where.isBlank() ? null : where;
    }
}
