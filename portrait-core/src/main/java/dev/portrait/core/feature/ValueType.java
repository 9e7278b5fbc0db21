package dev.portrait.core.feature;

/**
 * What {@link Feature#read} returns, so segments can be type-checked and profiles rendered. The
 * Java type of each is fixed; {@code null} always means "no value yet" (the mean of nothing).
 */
public enum ValueType {
    /** {@code Long}. */
    INT,
    /** {@code Double}. */
    DOUBLE,
    /** {@code Long} epoch milliseconds; an int in segment expressions, an ISO time in JSON. */
    TIMESTAMP,
    /** {@code Map<String, Double>}: scores by key, highest first (decayed interests, frequent items). */
    SCORES,
    /** {@code Map<String, Double>}: named statistics (sessions, RFM, property stats). */
    STATS,
    /** {@code List<String>}. */
    STRING_LIST,
    /** {@code List<Map<String, Object>>}: entries such as {@code {"item": "p1", "at": 1700000000000}}. */
    ENTRIES
}
