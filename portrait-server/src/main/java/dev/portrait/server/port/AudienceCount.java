package dev.portrait.server.port;

/** How many people an audience holds now, and how long counting took on the server. */
public record AudienceCount(long count, double tookMs) {
    public AudienceCount {
        if (count < 0) {
            throw new IllegalArgumentException("count must not be negative, got " + count);
        }
    }
}
