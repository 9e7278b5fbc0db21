package dev.portrait.server.runtime.read;

import dev.portrait.core.PortraitException;
import dev.portrait.core.definition.ProfileDefinition;
import dev.portrait.core.identity.AttachedIdentifier;
import dev.portrait.core.profile.Profile;
import dev.portrait.core.profile.ProfileUpdater;
import dev.portrait.core.profile.ProfileView;
import dev.portrait.store.PortraitStore;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A profile as it was at an instant: the person (as identified now) is rebuilt from their own history
 * — the log positions of the events folded into them, written with every write-back — with only the
 * events whose event time is at or before the instant, through a scratch engine, and read at that
 * instant ({@link ChangeReplay#at}). The cost is that person's events, bounded by
 * {@link ChangeReplay#MAX_REPLAY}; nothing is written back. The history holds what was written back (at
 * most one write-back interval behind the profile); a read with a position token waits for the
 * write-back that includes it ({@link ChangeHistory#awaitWrittenBack}).
 *
 * <p>Identifiers are the person's current ones that were attached by then. Runs on the caller's thread.
 */
final class TimeTravel {
    /** How far past "now" an {@code at} may be: a little clock skew, not a typo's year 20240. */
    static final Duration MAX_FUTURE = Duration.ofDays(1);

    private final ProfileUpdater updater;
    private final ChangeReplay replay;
    private final PublishedProfiles profiles;

    TimeTravel(ProfileDefinition definition, PortraitStore store, PublishedProfiles profiles) {
        this.replay = new ChangeReplay(store, definition);
        this.updater = new ProfileUpdater(definition);
        this.profiles = profiles;
    }

    Optional<ProfileView> profile(String idType, String id, Instant at, long now) {
        long until = checked(at, now);
        String pid = profiles.profileIdOf(idType, id);
        if (pid == null) {
            return Optional.empty();
        }
        Profile p = replay.at(pid, until);
        if (p == null) {
            return Optional.empty();
        }
        PublishedProfiles.Found current = profiles.byProfileId(pid, true);
        List<AttachedIdentifier> attached = new ArrayList<>();
        if (current != null) {
            for (AttachedIdentifier a : current.identifiers()) {
                if (a.attachedAt() <= until) {
                    attached.add(a);
                }
            }
        }
        return Optional.of(ProfileView.of(p, attached, updater, Math.max(until, p.clock())));
    }

    /** The instant as epoch milliseconds, refused (400) when it is out of range or too far in the future. */
    static long checked(Instant at, long now) {
        long until;
        try {
            until = at.toEpochMilli();
        } catch (ArithmeticException e) {
            throw new PortraitException("invalid_parameter", "at " + at + " is out of range", "at");
        }
        if (until < 0) {
            throw new PortraitException("invalid_parameter", "at " + at + " is before 1970, before any event", "at");
        }
        if (until > now + MAX_FUTURE.toMillis()) {
            throw new PortraitException("invalid_parameter", "at " + at + " is more than " + MAX_FUTURE.toHours()
                    + " hours in the future; profiles are known up to now", "at");
        }
        return until;
    }
}
