package dev.portrait.server.runtime.read;

import dev.portrait.core.identity.AttachedIdentifier;
import dev.portrait.core.profile.Profile;
import dev.portrait.core.profile.ProfileUpdater;
import dev.portrait.core.segment.Audience;
import dev.portrait.core.segment.AudienceSpec;
import dev.portrait.core.segment.SegmentSet;
import dev.portrait.core.PortraitException;
import dev.portrait.core.segment.SegmentInputs;
import dev.portrait.server.port.AudienceCount;
import dev.portrait.server.port.AudienceStatistics;
import dev.portrait.server.port.AudienceMember;
import dev.portrait.server.port.Page;
import dev.portrait.server.runtime.worker.MemberSnapshot;
import dev.portrait.server.runtime.worker.PublishedState;
import org.roaringbitmap.PeekableIntIterator;
import org.roaringbitmap.RoaringBitmap;

import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Audiences over the published segment bitmaps: the core {@link Audience} does the set algebra, then
 * only the candidates it leaves are read (published profile, else the store) for the {@code where}
 * condition, each at its own read time like a profile read. Counting without a condition is a bitmap
 * cardinality. On the caller's thread; the bitmaps of one published snapshot serve the whole request.
 */
final class AudienceQueries {
    private final ProfileUpdater updater;
    private final SegmentSet segments;
    private final List<String> segmentNames;
    private final PublishedState published;
    private final PublishedProfiles profiles;
    private final InstantSource clock;
    /** The live saved audiences' names: segments an audience may name like the definition's. */
    private final java.util.function.Supplier<List<String>> saved;

    AudienceQueries(ProfileUpdater updater, PublishedState published, PublishedProfiles profiles, InstantSource clock,
                    java.util.function.Supplier<List<String>> saved) {
        this.saved = saved;
        this.updater = updater;
        this.segments = updater.segments();
        this.published = published;
        this.profiles = profiles;
        this.clock = clock;
        List<String> names = new ArrayList<>();
        for (int s = 0; s < segments.size(); s++) {
            names.add(segments.name(s));
        }
        this.segmentNames = List.copyOf(names);
    }

    private List<String> names() {
        List<String> live = saved.get();
        if (live.isEmpty()) {
            return segmentNames;
        }
        List<String> out = new ArrayList<>(segmentNames);
        out.addAll(live);
        return out;
    }

    AudienceCount count(AudienceSpec spec) {
        long start = System.nanoTime();
        Audience audience = Audience.compile(spec, names(), segments);
        MemberSnapshot members = published.members();
        RoaringBitmap candidates = audience.candidates(members);
        long count;
        if (!audience.hasCondition()) {
            count = candidates.getLongCardinality();
        } else {
            long now = clock.millis();
            count = 0;
            PeekableIntIterator it = candidates.getIntIterator();
            while (it.hasNext()) {
                if (meets(audience, members.profileId(it.next()), now, false) != null) {
                    count++;
                }
            }
        }
        return new AudienceCount(count, (System.nanoTime() - start) / 1e6);
    }

    /** Members with a number for the feature, and their (clamped) sum; every candidate is read. */
    AudienceStatistics statistics(AudienceSpec spec, String feature, Double lower, Double upper) {
        int index = updater.definition().featureIndex(feature);
        if (index < 0) {
            throw new PortraitException("unknown_feature", "no feature named \"" + feature + "\" in the definition",
                    "feature");
        }
        Audience audience = Audience.compile(spec, names(), segments);
        MemberSnapshot members = published.members();
        RoaringBitmap candidates = audience.candidates(members);
        long now = clock.millis();
        long count = 0;
        long without = 0;
        double sum = 0;
        PeekableIntIterator it = candidates.getIntIterator();
        while (it.hasNext()) {
            String profileId = members.profileId(it.next());
            PublishedProfiles.Found f = profileId == null ? null : profiles.byProfileId(profileId, false);
            if (f == null) {
                continue; // merged away or forgotten since the snapshot
            }
            Profile p = f.profile();
            SegmentInputs in = updater.inputs(p, Math.max(now, p.clock()));
            if (audience.hasCondition() && !audience.test(in)) {
                continue;
            }
            Object value = in.feature(index);
            double x = value instanceof Number n ? n.doubleValue() : Double.NaN;
            if (Double.isNaN(x) || Double.isInfinite(x)) {
                without++;
                continue;
            }
            count++;
            sum += lower == null ? x : Math.max(lower, Math.min(upper, x));
        }
        return new AudienceStatistics(count, sum, without);
    }

    Page<AudienceMember> members(AudienceSpec spec, List<String> identifierTypes, String cursor, int limit) {
        Audience audience = Audience.compile(spec, names(), segments);
        MemberSnapshot members = published.members();
        RoaringBitmap candidates = audience.candidates(members);
        PeekableIntIterator it = candidates.getIntIterator();
        int after = ProfileQueries.afterNumber(cursor);
        if (after >= 0) {
            if (after == Integer.MAX_VALUE) {
                return new Page<>(List.of(), null);
            }
            it.advanceIfNeeded(after + 1);
        }
        boolean withIdentifiers = !identifierTypes.isEmpty();
        long now = clock.millis();
        List<AudienceMember> out = new ArrayList<>(Math.min(limit, 1024));
        int last = after;
        while (out.size() < limit && it.hasNext()) {
            last = it.next();
            PublishedProfiles.Found f = meets(audience, members.profileId(last), now, withIdentifiers);
            if (f != null) {
                out.add(new AudienceMember(f.profileId(), identifiers(f.identifiers(), identifierTypes)));
            }
        }
        return new Page<>(out, it.hasNext() ? Integer.toString(last) : null);
    }

    /** The profile when it (still) exists and meets the condition; null otherwise. */
    private PublishedProfiles.Found meets(Audience audience, String profileId, long now, boolean withIdentifiers) {
        if (profileId == null) {
            return null; // merged away or forgotten since the snapshot
        }
        if (!audience.hasCondition() && !withIdentifiers) {
            return new PublishedProfiles.Found(profileId, null, List.of());
        }
        PublishedProfiles.Found f = profiles.byProfileId(profileId, withIdentifiers);
        if (f == null) {
            return null;
        }
        Profile p = f.profile();
        return audience.test(updater.inputs(p, Math.max(now, p.clock()))) ? f : null;
    }

    private static Map<String, List<String>> identifiers(List<AttachedIdentifier> attached, List<String> types) {
        if (types.isEmpty()) {
            return Map.of();
        }
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (String t : types) {
            out.put(t, new ArrayList<>());
        }
        for (AttachedIdentifier a : attached) {
            List<String> values = out.get(a.identifier().type());
            if (values != null) {
                values.add(a.identifier().value());
            }
        }
        return out;
    }
}
