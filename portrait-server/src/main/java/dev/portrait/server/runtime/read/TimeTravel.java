package dev.portrait.server.runtime.read;

import dev.portrait.core.definition.ProfileDefinition;
import dev.portrait.core.engine.ProfileEngine;
import dev.portrait.core.engine.ProfileTable;
import dev.portrait.core.event.Event;
import dev.portrait.core.identity.Identifier;
import dev.portrait.core.identity.InMemoryIdentityStore;
import dev.portrait.core.profile.Profile;
import dev.portrait.core.profile.ProfileView;
import dev.portrait.server.port.IdentifierTypes;
import dev.portrait.store.EventLog;
import dev.portrait.store.LogCursor;
import dev.portrait.store.LogEntry;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A profile as it was at an instant: the log is replayed, in log order, with only the events whose
 * event time is at or before it, through a scratch engine (its own identities, profiles and shared
 * models, so the live ones are untouched), and read at that instant. Its cost grows with the log; the
 * answer is exact (forgotten events stay forgotten). Runs on the caller's thread.
 */
final class TimeTravel {
    private final ProfileDefinition definition;
    private final EventLog log;

    TimeTravel(ProfileDefinition definition, EventLog log) {
        this.definition = definition;
        this.log = log;
    }

    Optional<ProfileView> profile(String idType, String id, Instant at) {
        long until = at.toEpochMilli();
        IdentifierTypes.requireKnown(definition, idType);
        ProfileEngine replay = new ProfileEngine(definition);
        InMemoryIdentityStore identities = new InMemoryIdentityStore();
        Map<String, Profile> profiles = new HashMap<>();
        ProfileTable table = ProfileTable.inMemory(profiles);
        LogCursor cursor = log.replay(1);
        while (cursor.hasNext()) {
            LogEntry e = cursor.next();
            Event event = e.decode();
            if (event.time() <= until) {
                replay.apply(event, identities, table);
            }
        }
        String pid = IdentifierTypes.PROFILE_ID.equals(idType) ? id
                : identities.profileOf(new Identifier(idType, id)).orElse(null);
        Profile p = pid == null ? null : profiles.get(pid);
        if (p == null) {
            return Optional.empty();
        }
        replay.advance(p, until);
        return Optional.of(ProfileView.of(p, identities.identifiersOf(pid), replay.updater(), Math.max(until, p.clock())));
    }
}
