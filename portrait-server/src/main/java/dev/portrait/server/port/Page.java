package dev.portrait.server.port;

import java.util.List;

/**
 * One page of a listing and the opaque cursor of the next ({@code null} when this is the last).
 */
public record Page<T>(List<T> items, String next) {
    public Page {
        items = List.copyOf(items);
    }
}
