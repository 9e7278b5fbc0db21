package dev.portrait.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portrait.core.segment.AudienceSpec;
import dev.portrait.core.segment.SavedAudience;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * {@link AudienceRecords} in the {@code meta} table: {@code "audience."} + the position it was saved at (20
 * digits, so keys sort in saving order) + {@code "."} + its name, mapped to the generation as JSON (a format
 * a person can read in a dump, and few bytes: an installation has tens of audiences, not millions).
 */
final class StoredAudienceRecords implements AudienceRecords {
    private static final byte[] PREFIX = "audience.".getBytes(StandardCharsets.UTF_8);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final EmbeddedStore store;

    StoredAudienceRecords(EmbeddedStore store) {
        this.store = store;
    }

    @Override
    public List<SavedAudience> all() {
        List<SavedAudience> out = new ArrayList<>();
        store.tables.scan(Table.META, PREFIX, KeyLayout.prefixEnd(PREFIX), false, (k, v) -> {
            out.add(decode(v));
            return true;
        });
        return out;
    }

    @Override
    public void put(SavedAudience audience) {
        byte[] key = (new String(PREFIX, StandardCharsets.UTF_8) + String.format("%020d", audience.since()) + "."
                + audience.name()).getBytes(StandardCharsets.UTF_8);
        try (StoreWrite w = store.newWrite()) {
            w.batch.put(Table.META, key, encode(audience));
            w.commit(true); // an admin's save answers once it survives a crash, whatever syncWrites says
        }
    }

    static byte[] encode(SavedAudience a) {
        ObjectNode n = JSON.createObjectNode();
        n.put("name", a.name());
        a.spec().all().forEach(n.putArray("all")::add);
        a.spec().any().forEach(n.putArray("any")::add);
        a.spec().none().forEach(n.putArray("none")::add);
        if (a.spec().where() != null) {
            n.put("where", a.spec().where());
        }
        n.put("since", a.since());
        n.put("savedAt", a.savedAt());
        n.put("deletedSince", a.deletedSince());
        n.put("deletedAt", a.deletedAt());
        try {
            return JSON.writeValueAsBytes(n);
        } catch (JsonProcessingException e) {
            throw new StoreException("corrupt_state", "a saved audience does not encode: " + e.getMessage(), null, e);
        }
    }

    static SavedAudience decode(byte[] bytes) {
        try {
            JsonNode n = JSON.readTree(bytes);
            AudienceSpec spec = new AudienceSpec(strings(n.path("all")), strings(n.path("any")), strings(n.path("none")),
                    n.hasNonNull("where") ? n.get("where").asText() : null);
            return new SavedAudience(n.get("name").asText(), spec, n.get("since").asLong(), n.get("savedAt").asLong(),
                    n.get("deletedSince").asLong(), n.get("deletedAt").asLong());
        } catch (java.io.IOException | RuntimeException e) {
            throw new StoreException("corrupt_state", "a stored saved audience does not read back: " + e.getMessage(), null, e);
        }
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(v -> out.add(v.asText()));
        return out;
    }
}
