package dev.portrait.server.runtime.read;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.portrait.core.PortraitException;
import dev.portrait.core.definition.ProfileDefinition;
import dev.portrait.core.event.EventCodec;
import dev.portrait.server.port.ChangeView;
import dev.portrait.server.port.Page;
import dev.portrait.server.runtime.worker.ProfileWorker;
import dev.portrait.store.ChangeRecord;
import dev.portrait.store.Changelog;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A profile's changes, newest first, read from the stored changelog after the worker has written back
 * what it holds (so the page includes the caller's own writes).
 */
final class ChangeHistory {
    private static final TypeReference<Object> ANY = new TypeReference<>() { };

    private final ProfileDefinition definition;
    private final ProfileWorker worker;
    private final Changelog changelog;

    ChangeHistory(ProfileDefinition definition, ProfileWorker worker, Changelog changelog) {
        this.definition = definition;
        this.worker = worker;
        this.changelog = changelog;
    }

    Optional<Page<ChangeView>> changes(String idType, String id, String cursor, int limit) {
        return worker.call(() -> {
            String pid = ProfileLookup.profileIdOf(definition, worker, idType, id);
            if (pid == null || worker.load(pid) == null) {
                return Optional.<Page<ChangeView>>empty();
            }
            worker.writeBack();
            dev.portrait.store.Page<ChangeRecord> page = ProfileLookup.paged(() -> changelog.list(pid, cursor, limit));
            List<ChangeView> items = new ArrayList<>();
            for (ChangeRecord c : page.items()) {
                items.add(new ChangeView(c.sequence(), Instant.ofEpochMilli(c.eventTime()), c.field(), parse(c.oldValue()),
                        parse(c.newValue()), c.messageId()));
            }
            return Optional.of(new Page<>(items, page.nextCursor()));
        });
    }

    private static Object parse(byte[] json) {
        try {
            return EventCodec.mapper().readValue(json, ANY);
        } catch (IOException e) {
            throw new PortraitException("corrupt_state", "a changelog value is not JSON: " + e.getMessage(), null, e);
        }
    }
}
