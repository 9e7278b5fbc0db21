package dev.portrait.server.runtime.read;

import dev.portrait.core.PortraitException;
import dev.portrait.core.definition.ProfileDefinition;
import dev.portrait.core.engine.ProfileEngine;
import dev.portrait.core.profile.Profile;
import dev.portrait.core.profile.ProfileView;
import dev.portrait.core.segment.AudienceSpec;
import dev.portrait.core.segment.SegmentSet;
import dev.portrait.server.port.AudienceCount;
import dev.portrait.server.port.AudienceMember;
import dev.portrait.server.port.AudienceStatistics;
import dev.portrait.server.port.ChangeView;
import dev.portrait.server.port.IdentifierTypes;
import dev.portrait.server.port.MergeView;
import dev.portrait.server.port.Page;
import dev.portrait.server.port.QueryPort;
import dev.portrait.server.port.SavedAudienceView;
import dev.portrait.server.port.SegmentStay;
import dev.portrait.server.port.SegmentSummary;
import dev.portrait.core.segment.SavedAudience;
import dev.portrait.core.segment.SavedAudiences;
import dev.portrait.server.runtime.worker.SavedAudienceMembers;
import dev.portrait.server.runtime.worker.MemberSnapshot;
import dev.portrait.server.runtime.worker.ProfileWorker;
import dev.portrait.server.runtime.worker.PublishedState;
import dev.portrait.store.PortraitStore;
import org.roaringbitmap.RoaringBitmap;

import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The query port over the embedded runtime, on the caller's thread: profiles from what the worker
 * published ({@link PublishedProfiles}), segment sizes and members from the published bitmaps,
 * audiences by {@link AudienceQueries}, a profile at an instant by {@link TimeTravel}, changes by
 * {@link ChangeHistory}. Nothing here waits for folding unless the caller passes a log position.
 */
public final class ProfileQueries implements QueryPort {
    private final ProfileDefinition definition;
    private final ProfileWorker worker;
    private final ProfileEngine engine;
    private final InstantSource clock;
    private final PublishedState published;
    private final PublishedProfiles profiles;
    private final TimeTravel timeTravel;
    private final ChangeHistory history;
    private final MergeHistory merges;
    private final AudienceQueries audiences;

    public ProfileQueries(ProfileDefinition definition, ProfileWorker worker, PortraitStore store, InstantSource clock) {
        this.definition = definition;
        this.worker = worker;
        this.engine = worker.engine();
        this.clock = clock;
        this.published = worker.published();
        this.profiles = new PublishedProfiles(definition, published, store, engine.codec());
        this.timeTravel = new TimeTravel(definition, store, profiles);
        this.history = new ChangeHistory(store, definition, profiles, worker::requestWriteBack, worker::savedAudiences);
        this.merges = new MergeHistory(store, profiles);
        this.audiences = new AudienceQueries(engine.updater(), published, profiles, clock,
                () -> worker.savedAudiences().liveNames());
    }

    /** Profiles as readers see them; shared with the models' reads. */
    public PublishedProfiles profiles() {
        return profiles;
    }

    @Override
    public void awaitPosition(long position) {
        profiles.awaitPosition(position);
    }

    @Override
    public void awaitHistory(long position) {
        profiles.awaitPosition(position);
        history.awaitWrittenBack(position);
    }

    @Override
    public Optional<ProfileView> profile(String idType, String id, Instant at) {
        return profile(idType, id, at, false);
    }

    @Override
    public Optional<ProfileView> profile(String idType, String id, Instant at, boolean ownWrites) {
        if (at != null) {
            return timeTravel.profile(idType, id, at, clock.millis());
        }
        PublishedProfiles.Found found = profiles.find(idType, id);
        if (found == null) {
            return Optional.empty();
        }
        Profile p = found.profile();
        long now = Math.max(clock.millis(), p.clock());
        ProfileView view = ProfileView.of(p, found.identifiers(), engine.updater(), now)
                .withSavedAudiences(savedAudiencesOf(p.profileId()));
        if (!engine.models().any()) {
            return Optional.of(view);
        }
        if (ownWrites) {
            // behind every update handed to the models' thread so far, so the caller's own events count;
            // p is this request's own copy
            return Optional.of(view.withModels(
                    worker.models().readPublished(shared -> engine.models().scoresJson(p, now, shared))));
        }
        return Optional.of(view.withModels(engine.models().scoresJson(p, now, worker.models().scoring())));
    }

    /** The live saved audiences the profile is in, as the worker last published their members. */
    private List<String> savedAudiencesOf(String profileId) {
        List<String> names = worker.savedAudiences().liveNames();
        if (names.isEmpty()) {
            return List.of();
        }
        MemberSnapshot members = published.members();
        List<String> in = new ArrayList<>();
        for (String name : names) {
            if (members.contains(name, profileId)) {
                in.add(name);
            }
        }
        return in;
    }

    @Override
    public Optional<Page<ChangeView>> changes(String idType, String id, String cursor, int limit) {
        return history.changes(idType, id, cursor, limit);
    }

    @Override
    public Optional<List<MergeView>> merges(String idType, String id) {
        // a merge is rare and an admin acts on the list: wait for what is published to be written back
        history.awaitWrittenBack(profiles.position());
        return merges.merges(idType, id);
    }

    @Override
    public Optional<List<SegmentStay>> segmentStays(String idType, String id) {
        return history.segmentStays(idType, id);
    }

    @Override
    public Optional<SavedAudienceView> savedAudience(String name) {
        SavedAudiences saved = worker.savedAudiences();
        Optional<SavedAudience> live = saved.live(name);
        Optional<SavedAudienceMembers.Progress> progress = worker.audienceProgress(name);
        if (live.isEmpty() || progress.isEmpty()) {
            return Optional.empty();
        }
        SavedAudience a = live.get();
        SavedAudienceMembers.Progress p = progress.get();
        return Optional.of(new SavedAudienceView(a.name(), a.spec(), Instant.ofEpochMilli(a.savedAt()), a.since(),
                published.members().size(name), p.evaluated(), p.total(), p.done()));
    }

    @Override
    public List<SegmentSummary> segments() {
        MemberSnapshot members = published.members();
        SegmentSet set = engine.updater().segments();
        List<SegmentSummary> out = new ArrayList<>();
        for (int s = 0; s < set.size(); s++) {
            out.add(new SegmentSummary(set.name(s), set.spec(s).description(), set.spec(s).when(),
                    members.size(set.name(s))));
        }
        for (SavedAudience a : worker.savedAudiences().liveRecords().values()) {
            out.add(new SegmentSummary(a.name(), "saved audience", describe(a.spec()), members.size(a.name()), true));
        }
        return out;
    }

    @Override
    public Page<String> segmentMembers(String segment, String cursor, int limit) {
        MemberSnapshot members = published.members();
        RoaringBitmap bitmap = members.members(segment);
        if (bitmap == null) {
            throw new PortraitException("unknown_segment", "no segment named \"" + segment + "\"", "segment");
        }
        MemberSnapshot.NumberedPage page = members.page(bitmap, afterNumber(cursor), limit);
        return new Page<>(page.profileIds(), page.more() ? Integer.toString(page.last()) : null);
    }

    /** An audience's body as a condition a reader can follow: {@code all: a, b; any: c; none: d; where: …}. */
    static String describe(AudienceSpec spec) {
        List<String> parts = new ArrayList<>();
        if (!spec.all().isEmpty()) {
            parts.add("all: " + String.join(", ", spec.all()));
        }
        if (!spec.any().isEmpty()) {
            parts.add("any: " + String.join(", ", spec.any()));
        }
        if (!spec.none().isEmpty()) {
            parts.add("none: " + String.join(", ", spec.none()));
        }
        if (spec.where() != null) {
            parts.add("where: " + spec.where());
        }
        return parts.isEmpty() ? "everyone" : String.join("; ", parts);
    }

    /** A members cursor: the last profile number a page handed out (numbers are the bitmaps' order). */
    static int afterNumber(String cursor) {
        if (cursor == null) {
            return -1;
        }
        try {
            int n = Integer.parseInt(cursor);
            if (n >= 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw new PortraitException("invalid_cursor", "cursor \"" + (cursor.length() > 40 ? cursor.substring(0, 40) + "…" : cursor)
                + "\" is not a members cursor (a number from a page's next)", "cursor");
    }

    @Override
    public AudienceCount countAudience(AudienceSpec spec) {
        return audiences.count(spec);
    }

    @Override
    public Page<AudienceMember> audienceMembers(AudienceSpec spec, List<String> identifierTypes, String cursor, int limit) {
        for (String type : identifierTypes) {
            IdentifierTypes.requireKnown(definition, type);
        }
        return audiences.members(spec, identifierTypes, cursor, limit);
    }

    @Override
    public AudienceStatistics audienceStatistics(AudienceSpec spec, String feature, Double lower, Double upper) {
        if ((lower == null) != (upper == null) || (lower != null && !(lower <= upper))) {
            throw new PortraitException("invalid_request", "bounds are both given with lower <= upper, or neither; got "
                    + lower + ", " + upper, "bounds");
        }
        return audiences.statistics(spec, feature, lower, upper);
    }
}
