package dev.portrait.server.port;

import dev.portrait.core.segment.AudienceSpec;

import java.time.Instant;

/**
 * A saved audience as {@code GET /v1/audiences/{name}} shows it.
 *
 * @param spec      what it selects
 * @param savedAt   when it became live
 * @param since     the log position folded when it became live
 * @param size      its members now (published)
 * @param evaluated people its backfill has evaluated so far
 * @param total     people there were to evaluate when it was saved (0 after a restart: the start-up read does it)
 * @param ready     whether everyone who matched when it was saved is a member (the backfill is done)
 */
public record SavedAudienceView(String name, AudienceSpec spec, Instant savedAt, long since, long size, long evaluated,
                                long total, boolean ready) {
}
