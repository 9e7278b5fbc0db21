package dev.portrait.server.port;

/** A segment of the definition with how many profiles are in it now. */
public record SegmentSummary(String name, String description, String condition, long size) {
}
