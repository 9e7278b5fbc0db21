package dev.portrait.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;
import dev.portrait.core.profile.ProfileView;

import java.time.Instant;
import java.util.Map;

/** A profile as JSON, field for field what {@code GET /v1/profiles/{idType}/{id}} answers. */
final class ProfileJson {
    private static final ObjectMapper PRETTY = JsonMapper.builder()
            .addModule(new SimpleModule("portrait-cli").addSerializer(Instant.class, ToStringSerializer.instance))
            .enable(SerializationFeature.INDENT_OUTPUT)
            .build();

    private ProfileJson() {
    }

    static Map<String, Object> body(ProfileView p) {
        return p.toJson();
    }

    static String pretty(ProfileView p) {
        try {
            return PRETTY.writeValueAsString(body(p));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a profile view holds JSON values only: " + e.getOriginalMessage(), e);
        }
    }
}
