package dev.portrait.flink;


import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** An event the job set aside, with the reason a person can read; written to the quarantine topic. */
public class Quarantined {
    /** Reason code for an event older than the job's allowed lateness (the cleaner's codes cover the rest). */
    public static final String TOO_LATE = "too_late";

    public String code;
    public String message;
    public String path;
    public long receivedAt;
    public byte[] raw;

    public Quarantined() {
    }

    public Quarantined(String code, String message, String path, long receivedAt, byte[] raw) {
        this.code = code;
        this.message = message;
        this.path = path;
        this.receivedAt = receivedAt;
        this.raw = raw;
    }

    /** The quarantine topic's value: the reason, and the raw event as text. */
    byte[] toJson() {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("code", code);
        body.put("message", message);
        body.put("path", path);
        body.put("receivedAt", Instant.ofEpochMilli(receivedAt).toString());
        body.put("raw", raw == null ? null : new String(raw, StandardCharsets.UTF_8));
        return Json.bytes(body);
    }
}
