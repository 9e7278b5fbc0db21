package dev.portrait.core.model;

/** An item with a score: a similarity to another item, or a popularity. */
public record ItemScore(String item, double score) {
    public ItemScore {
        if (item == null || item.isEmpty()) {
            throw new IllegalArgumentException("an item score needs an item id, got " + (item == null ? "null" : "\"\""));
        }
        if (Double.isNaN(score)) {
            throw new IllegalArgumentException("the score of " + item + " is NaN");
        }
    }
}
