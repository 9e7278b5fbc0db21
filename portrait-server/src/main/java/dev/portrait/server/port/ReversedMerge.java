package dev.portrait.server.port;

import java.time.Instant;

/**
 * What reversing a merge did: the loser is a profile of its own again with {@code identifiers} of its
 * identifiers back; of the events the winner received after the merge, {@code eventsToLoser} were folded
 * into the loser (they name only its identifiers) and {@code eventsKept} stayed with the winner.
 */
public record ReversedMerge(String winner, String loser, int identifiers, int eventsToLoser, int eventsKept,
                            Instant reversedAt) {
}
