package dev.portrait.core.clean;

import dev.portrait.core.definition.TraitSpec;

import java.util.HashMap;
import java.util.Map;

/**
 * What the cleaner does at particular places of an event besides the checks that apply
 * everywhere: lower-case an email, turn a country into its ISO code, check a declared trait. A small
 * tree mirrors the places ({@code context → traits → address → country}); the walk carries the
 * node it is in, and is {@code null} wherever nothing special happens, which is almost everywhere.
 */
final class FieldRules {
    private final Map<String, FieldRules> children = new HashMap<>();
    boolean email;
    boolean country;
    TraitSpec trait;

    /** The rules of a child key, or {@code null}. */
    FieldRules child(String key) {
        return children.isEmpty() ? null : children.get(key);
    }

    /** The child node for {@code key}, made if needed (for building the tree). */
    FieldRules at(String key) {
        return children.computeIfAbsent(key, k -> new FieldRules());
    }

    void put(String key, FieldRules rules) {
        children.put(key, rules);
    }

    /** Where Segment's spec puts emails and countries inside properties and traits. */
    static FieldRules personFields() {
        FieldRules r = new FieldRules();
        r.at("email").email = true;
        r.at("country").country = true;
        r.at("address").at("country").country = true;
        return r;
    }
}
