package dev.portrait.flink;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;

import java.io.IOException;
import java.time.Instant;

/**
 * JSON out of the job, written as the HTTP API writes its answers (plain maps; an {@link Instant}
 * as ISO-8601 text), so a profile on the {@code profiles} topic reads like {@code GET /v1/profiles}.
 */
final class Json {
    private static final ObjectMapper WRITER = JsonMapper.builder()
            .addModule(new SimpleModule("portrait-flink").addSerializer(Instant.class, new InstantText()))
            .build();

    private Json() {
    }

    static byte[] bytes(Object value) {
        try {
            return WRITER.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("value is not serialisable as JSON: " + e.getOriginalMessage(), e);
        }
    }

    private static final class InstantText extends StdSerializer<Instant> {
        private static final long serialVersionUID = 1L;

        InstantText() {
            super(Instant.class);
        }

        @Override
        public void serialize(Instant value, JsonGenerator gen, SerializerProvider provider) throws IOException {
            gen.writeString(value.toString());
        }
    }
}
