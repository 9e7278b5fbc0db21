package dev.portrait.core.model;

/**
 * One recommended item with its score and a short reason a person can read: which recent item or
 * interest led to it ({@code "viewed together with p17"}, {@code "popular in shoes"}, {@code "popular"}).
 */
public record Recommendation(String item, double score, String reason) {
    public Recommendation {
        if (item == null || item.isEmpty()) {
            throw new IllegalArgumentException("a recommendation needs an item id, got " + item);
        }
        if (!Double.isFinite(score)) {
            throw new IllegalArgumentException("the score of recommendation " + item + " must be finite, got " + score);
        }
        if (reason == null || reason.isEmpty()) {
            throw new IllegalArgumentException("recommendation " + item + " needs a reason");
        }
    }
}
