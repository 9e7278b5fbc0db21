package dev.portrait.core.engine;

import dev.portrait.core.event.Event;
import dev.portrait.core.event.EventType;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** Cleaned events for the engine's tests: {@code events.track("Article Read").by("u1").anon("a1").at(t).with(...)}. */
final class EngineEvents {
    static final long T0 = Instant.parse("2026-03-01T10:00:00Z").toEpochMilli();
    private int next;

    Builder track(String name) {
        return new Builder(EventType.TRACK, name);
    }

    Builder identify() {
        return new Builder(EventType.IDENTIFY, null);
    }

    /** A group call: the person belongs to {@code groupId}; {@code with} sets the group's traits. */
    Builder group(String groupId) {
        Builder b = new Builder(EventType.GROUP, null);
        b.groupId = groupId;
        return b;
    }

    final class Builder {
        private final EventType type;
        private final String name;
        private String groupId;
        private String user;
        private String anon;
        private long at = T0;
        private final Map<String, Object> properties = new LinkedHashMap<>();
        private final Map<String, Object> traits = new LinkedHashMap<>();
        private Map<String, Object> context = Map.of();

        Builder(EventType type, String name) {
            this.type = type;
            this.name = name;
        }

        Builder by(String userId) {
            this.user = userId;
            return this;
        }

        Builder anon(String anonymousId) {
            this.anon = anonymousId;
            return this;
        }

        Builder at(long epochMillis) {
            this.at = epochMillis;
            return this;
        }

        Builder with(String key, Object value) {
            (type == EventType.IDENTIFY || type == EventType.GROUP ? traits : properties).put(key, value);
            return this;
        }

        /** Segment's consent object: {@code context.consent.categoryPreferences}. */
        Builder consent(Map<String, Object> categoryPreferences) {
            this.context = Map.of("consent", Map.of("categoryPreferences", categoryPreferences));
            return this;
        }

        Event build() {
            return new Event(type, "m" + (++next), user, anon, name, null, groupId, null, Map.copyOf(properties),
                    Map.copyOf(traits), context, Instant.ofEpochMilli(at), null, null, null, Map.of());
        }
    }
}
