package dev.portrait.core.definition;

import dev.portrait.core.feature.Feature;
import dev.portrait.core.feature.Memberships;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Reads and checks a definition's {@code accounts:} section: the membership feature it names must be a
 * {@code memberships} feature, windows must be positive, revenue events must be declared. Account
 * segments are type-checked later, with the rest ({@code AccountSegments}).
 */
final class AccountsLoader {
    private AccountsLoader() {
    }

    static AccountSpecs read(DefinitionNode top, List<Feature<?>> features, Set<String> declaredEvents) {
        DefinitionNode n = top.child("accounts");
        if (n.isMissing()) {
            return AccountSpecs.none();
        }
        n.requireObject();
        String membership = n.requireString("membership");
        Feature<?> feature = null;
        for (Feature<?> f : features) {
            if (f.name().equals(membership)) {
                feature = f;
            }
        }
        if (feature == null || !Memberships.isMemberships(feature)) {
            throw n.error("membership", "\"" + membership + "\" is not a feature of kind memberships (declare one: "
                    + "{name: " + membership + ", kind: memberships})");
        }
        Duration active = n.optDuration("activeWindow", Duration.ofDays(7));
        if (active.isZero() || active.isNegative()) {
            throw n.error("activeWindow", "must be positive");
        }
        Set<String> revenueEvents = new LinkedHashSet<>();
        String property = "revenue";
        Duration revenueWindow = Duration.ofDays(30);
        DefinitionNode r = n.child("revenue");
        if (!r.isMissing()) {
            r.requireObject();
            List<String> events = r.optStringList("events");
            for (int i = 0; i < events.size(); i++) {
                if (!declaredEvents.isEmpty() && !declaredEvents.contains(events.get(i))) {
                    throw new DefinitionException(r.childPath("events") + "[" + i + "]", "\"" + events.get(i)
                            + "\" is not a declared event");
                }
            }
            revenueEvents.addAll(events);
            property = r.optString("property", property);
            revenueWindow = r.optDuration("window", revenueWindow);
            if (revenueWindow.toDays() < 1 || !revenueWindow.equals(Duration.ofDays(revenueWindow.toDays()))) {
                throw r.error("window", "must be whole days (revenue is kept in day tiles), not " + revenueWindow);
            }
            r.rejectUnknown();
        }
        int maxMembers = n.optInt("maxMembers", 10_000, 1, 1_000_000);
        List<SegmentSpec> segments = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (DefinitionNode s : n.list("segments")) {
            s.requireObject();
            String name = s.requireString("name");
            if (!name.matches("[a-z][a-z0-9_]*")) {
                throw s.error("name", "\"" + name + "\" is not a valid segment name (lower case letters, digits and _)");
            }
            if (!names.add(name)) {
                throw s.error("name", "\"" + name + "\" is declared twice");
            }
            String when = s.requireString("when");
            String description = s.optString("description", null);
            s.rejectUnknown();
            segments.add(new SegmentSpec(name, when, description, s.path()));
        }
        n.rejectUnknown();
        return new AccountSpecs(membership, active, revenueEvents, property, revenueWindow, maxMembers, segments,
                n.path());
    }
}
