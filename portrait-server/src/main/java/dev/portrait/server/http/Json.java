package dev.portrait.server.http;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import io.javalin.http.Context;

import java.io.IOException;
import java.time.Instant;

/**
 * Writes answers. Bodies are built as plain maps and lists by the routes (the JSON is a public
 * contract, so its field names are spelled out there rather than derived from Java records), and an
 * {@link Instant} anywhere inside renders as ISO-8601 text.
 */
final class Json {
    static final String CONTENT_TYPE = "application/json; charset=utf-8";
    /** Set on a request once it has its answer, so Javalin's status-based error handlers leave it alone. */
    static final String ANSWERED = "portrait.answered";

    private static final ObjectMapper WRITER = JsonMapper.builder()
            .addModule(new SimpleModule("portrait-http").addSerializer(Instant.class, new InstantText()))
            .build();

    private Json() {
    }

    static void write(Context ctx, int status, Object body) {
        byte[] bytes;
        try {
            bytes = WRITER.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            // a value the runtime handed over that is not JSON-shaped: a bug, answered by ErrorAnswers as 500
            throw new IllegalStateException("answer is not serialisable as JSON: " + e.getOriginalMessage(), e);
        }
        ctx.attribute(ANSWERED, Boolean.TRUE);
        ctx.status(status).contentType(CONTENT_TYPE).result(bytes);
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
