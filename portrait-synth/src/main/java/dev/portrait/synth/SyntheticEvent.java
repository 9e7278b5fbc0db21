package dev.portrait.synth;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.portrait.core.event.EventCodec;

import java.util.Map;
import java.util.Objects;

/**
 * One event of a {@link SyntheticStream}: what an SDK would send, plus the truth behind it.
 *
 * @param json         the event in Segment's format, as plain JSON values ({@code String},
 *                     {@code Long}, {@code Double}, {@code Boolean}, {@code List}, {@code Map});
 *                     unmodifiable, and shared with any later {@link Flaw#DUPLICATE} of it
 * @param flaw         what is wrong with it on purpose
 * @param malformation how it is broken when {@code flaw} is {@link Flaw#MALFORMED}, else {@code null}
 * @param personId     the person who really sent it ({@link Persona#personId(int)}), whatever ids
 *                     the event carries or lacks
 */
public record SyntheticEvent(Map<String, Object> json, Flaw flaw, Malformation malformation, String personId) {

    public SyntheticEvent {
        Objects.requireNonNull(json, "json");
        Objects.requireNonNull(flaw, "flaw");
        Objects.requireNonNull(personId, "personId");
        if ((flaw == Flaw.MALFORMED) != (malformation != null)) {
            throw new IllegalArgumentException("a malformation goes with flaw MALFORMED and only with it; got "
                    + flaw + " with " + malformation);
        }
    }

    /**
     * The reason code the cleaner should give: the malformation's code, {@code "duplicate"} for a
     * duplicate, {@code null} for a well-formed event.
     */
    public String expectedCode() {
        switch (flaw) {
            case MALFORMED:
                return malformation.code();
            case DUPLICATE:
                return "duplicate";
            default:
                return null;
        }
    }

    public String messageId() {
        return (String) json.get("messageId");
    }

    /** The event as one line of JSON (no line break), in a fixed field order. */
    public byte[] toJsonLine() {
        try {
            return EventCodec.mapper().writeValueAsBytes(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("synthetic events hold plain JSON values and always serialise", e);
        }
    }
}
