package dev.portrait.server.port;

/**
 * A segment with how many profiles are in it now: one of the definition's, or a saved audience
 * ({@code savedAudience}: its condition is then the audience's body as JSON, and its description says so).
 */
public record SegmentSummary(String name, String description, String condition, long size, boolean savedAudience) {
    /** A segment of the definition. */
    public SegmentSummary(String name, String description, String condition, long size) {
        this(name, description, condition, size, false);
    }
}
