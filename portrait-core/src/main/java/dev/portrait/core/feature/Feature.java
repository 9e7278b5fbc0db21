package dev.portrait.core.feature;

import dev.portrait.core.encoding.BinaryIn;
import dev.portrait.core.encoding.BinaryOut;
import dev.portrait.core.event.Event;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One configured feature of a profile: the small state algebra every kind implements.
 *
 * <p>A state {@code S} starts {@link #empty()}, absorbs events with {@link #update}, combines with
 * another state of the same feature with {@link #merge} (identity merges, partial aggregates from
 * several partitions), and is turned into a value with {@link #read} at a time {@code now} that the
 * caller passes in: windows expire and decays apply at read time, so the core never reads a clock.
 * {@link #nextChange} says when the value would change with no new event, which is when a runtime
 * sets a timer to re-check the segments that depend on it.
 *
 * <p>Contracts every kind's tests check:
 * <ul>
 *   <li>{@code merge} is associative and commutative (up to floating-point rounding), and
 *       {@code merge(empty(), s)} reads the same as {@code s};</li>
 *   <li>for kinds whose {@link #orderFree()} is true, folding a stream in two parts and merging
 *       equals folding it whole, in any interleaving;</li>
 *   <li>{@code decode(encode(s))} reads the same as {@code s}, and encoding is deterministic;</li>
 *   <li>memory is bounded by the kind's parameters (top-K, last-N, number of tiles), whatever
 *       the number of events.</li>
 * </ul>
 *
 * <p>{@code update} may mutate and return its argument: the single-writer runtimes own their
 * states. Callers that need the old state ({@code ProfileUpdater.apply} is pure) {@link #copy}
 * first. {@code merge} never mutates its arguments.
 *
 * @param <S> the state type
 */
public interface Feature<S> {
    /** The name in the definition. */
    String name();

    /** The kind name ({@code window_count}). */
    String kind();

    /** The type of {@link #read}'s value. */
    ValueType valueType();

    /** The event keys this feature folds; empty means every event. */
    Set<String> events();

    /**
     * Whether the state is a function of the set of events alone, so split-fold-merge equals a
     * whole fold. False for kinds that depend on arrival order (fixed-α EWMA, sessions).
     */
    boolean orderFree();

    S empty();

    /** Folds one event (already known to match {@link #events()}) into the state. */
    S update(S state, Event event);

    /** Combines two states without mutating either. */
    S merge(S a, S b);

    /** The value at time {@code now} (epoch ms); never mutates the state. */
    Object read(S state, long now);

    /**
     * The first time after {@code now} (epoch ms) at which {@link #read} would return something
     * else with no new event, or {@link Long#MAX_VALUE} when it never will.
     */
    long nextChange(S state, long now);

    /** A deep copy that {@link #update} may mutate without touching the original. */
    S copy(S state);

    /** Writes the state's compact, versioned binary form. */
    void encode(S state, BinaryOut out);

    /** Reads what {@link #encode} wrote. */
    S decode(BinaryIn in);

    /**
     * For kinds whose value is a collection keyed by what events carry (decayed scores by category,
     * last-N by item, frequent items): the keys that folding this event can change, so a changelog
     * records those entries before and after ({@link #readKeys}) instead of the whole value twice.
     * Reading a top-20 map before and after every event cost more than the rest of the update.
     * {@code null} (the default) means the change is described by the whole value.
     */
    default Collection<String> changedKeys(Event event) {
        return null;
    }

    /**
     * The entries of {@link #read}'s value for these keys only: for {@link ValueType#SCORES} a map of
     * the keys present, for {@link ValueType#ENTRIES} the entries whose {@code item} is one of them.
     * The default filters a full read; kinds that offer {@link #changedKeys} override it cheaply.
     */
    default Object readKeys(S state, long now, Collection<String> keys) {
        Object value = read(state, now);
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> out = new LinkedHashMap<>();
            for (String k : keys) {
                if (map.containsKey(k)) {
                    out.put(k, map.get(k));
                }
            }
            return out;
        }
        if (value instanceof List<?> list) {
            List<Object> out = new java.util.ArrayList<>();
            for (Object entry : list) {
                if (entry instanceof Map<?, ?> m && keys.contains(m.get("item"))) {
                    out.add(entry);
                }
            }
            return out;
        }
        return value;
    }
}
