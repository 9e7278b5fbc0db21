package dev.portrait.core.account;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.portrait.core.PortraitException;
import dev.portrait.core.encoding.BinaryIn;
import dev.portrait.core.encoding.BinaryOut;
import dev.portrait.core.event.EventCodec;

import java.io.IOException;

/**
 * A group trait's value in an account's binary form. Plain JSON bytes: group calls are rare and their
 * traits few, so the tagged scalar encoding the profile codec uses for hot traits would buy nothing.
 */
final class TraitValues {
    private TraitValues() {
    }

    static void write(Object value, BinaryOut out) {
        try {
            out.writeBytes(EventCodec.mapper().writeValueAsBytes(value));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("group traits are plain JSON", e);
        }
    }

    static Object read(BinaryIn in) {
        try {
            return EventCodec.freeze(EventCodec.mapper().readValue(in.readBytes(), Object.class));
        } catch (IOException e) {
            throw new PortraitException("corrupt_state", "unreadable group trait: " + e.getMessage(), null, e);
        }
    }
}
