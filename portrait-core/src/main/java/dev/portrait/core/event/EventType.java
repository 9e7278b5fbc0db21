package dev.portrait.core.event;

import java.util.Locale;

/** The six kinds of call in Segment's tracking spec. */
public enum EventType {
    TRACK, IDENTIFY, PAGE, SCREEN, GROUP, ALIAS;

    private final String wire = name().toLowerCase(Locale.ROOT);

    /** The lower-case name used on the wire ({@code "track"}). */
    public String wireName() {
        return wire;
    }

    /** Parses a wire name; {@code null} when it is not one of the six. */
    public static EventType fromWire(String value) {
        if (value == null) {
            return null;
        }
        switch (value) {
            case "track": return TRACK;
            case "identify": return IDENTIFY;
            case "page": return PAGE;
            case "screen": return SCREEN;
            case "group": return GROUP;
            case "alias": return ALIAS;
            default: return null;
        }
    }
}
