package dev.portrait.synth;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class CatalogueTest {
    private static final SyntheticConfig CONFIG = SyntheticConfig.defaults(5).withUsers(100_000)
            .withCatalogue(1_000, 20, 200).withFlaws(0, 0);

    @Test
    void viewedItemsFollowTheZipfPopularityOfTheCatalogue() {
        SyntheticStream stream = SyntheticStream.of(CONFIG).limit(300_000);
        Catalogue catalogue = stream.catalogue();
        int[] views = new int[catalogue.size()];
        int total = 0;
        while (stream.hasNext()) {
            SyntheticEvent e = stream.next();
            if ("Product Viewed".equals(e.json().get("event"))) {
                @SuppressWarnings("unchecked")
                Map<String, Object> properties = (Map<String, Object>) e.json().get("properties");
                views[catalogue.indexOf((String) properties.get("product_id"))]++;
                total++;
            }
        }
        assertThat(total).isGreaterThan(100_000);
        // H(1000, 1.1) is about 5.6, so the top item should take about 18% of views.
        assertThat(catalogue.popularity(0)).isCloseTo(0.18, within(0.01));
        for (int rank = 0; rank < 5; rank++) {
            double share = views[rank] / (double) total;
            assertThat(share).as("share of item %d", rank)
                    .isCloseTo(catalogue.popularity(rank), within(0.12 * catalogue.popularity(rank)));
        }
        // The log-log slope over ranks 1..100 estimates the exponent.
        double sx = 0;
        double sy = 0;
        double sxx = 0;
        double sxy = 0;
        int n = 100;
        for (int rank = 0; rank < n; rank++) {
            double x = Math.log(rank + 1);
            double y = Math.log(views[rank] / (double) total);
            sx += x;
            sy += y;
            sxx += x * x;
            sxy += x * y;
        }
        double slope = (n * sxy - sx * sy) / (n * sxx - sx * sx);
        assertThat(slope).isCloseTo(-1.1, within(0.1));
    }

    @Test
    void mostItemsCarryABrandAtHomeInTheirCategory() {
        Catalogue catalogue = SyntheticStream.of(CONFIG).catalogue();
        int home = 0;
        for (int item = 0; item < catalogue.size(); item++) {
            if (catalogue.brands().indexOf(catalogue.brand(item)) % catalogue.categories().size()
                    == catalogue.categoryIndex(item)) {
                home++;
            }
        }
        assertThat(home / (double) catalogue.size()).isBetween(0.85, 0.95);
        // And so each category is dominated by few brands: the top brand of a category holds a big share.
        Map<String, Map<String, Integer>> byCategory = new HashMap<>();
        for (int item = 0; item < catalogue.size(); item++) {
            byCategory.computeIfAbsent(catalogue.category(item), k -> new HashMap<>())
                    .merge(catalogue.brand(item), 1, Integer::sum);
        }
        assertThat(byCategory).hasSize(20);
    }

    @Test
    void pricesArePositiveWholeCentsSpreadLogNormally() {
        Catalogue catalogue = SyntheticStream.of(CONFIG).catalogue();
        double min = Double.MAX_VALUE;
        double max = 0;
        for (int item = 0; item < catalogue.size(); item++) {
            double price = catalogue.price(item);
            assertThat(price).isGreaterThanOrEqualTo(0.99);
            assertThat(Math.abs(price * 100 - Math.round(price * 100))).as("cents of %s", price).isLessThan(1e-6);
            min = Math.min(min, price);
            max = Math.max(max, price);
        }
        assertThat(max / min).as("spread of prices").isGreaterThan(20);
    }

    @Test
    void productIdsNameTheirItemAndNothingElse() {
        Catalogue catalogue = SyntheticStream.of(CONFIG).catalogue();
        for (int item = 0; item < catalogue.size(); item += 37) {
            assertThat(catalogue.indexOf(catalogue.productId(item))).isEqualTo(item);
            assertThat(catalogue.sku(item)).endsWith("-" + item);
            assertThat(catalogue.name(item)).startsWith(catalogue.brand(item));
        }
        assertThat(catalogue.indexOf("prod-1000")).isEqualTo(-1);
        assertThat(catalogue.indexOf("prod-01")).isEqualTo(-1);
        assertThat(catalogue.indexOf("sku-1")).isEqualTo(-1);
        assertThat(catalogue.indexOf(null)).isEqualTo(-1);
    }

    @Test
    void drawingWithinACategoryStaysInThatCategory() {
        Catalogue catalogue = SyntheticStream.of(CONFIG).catalogue();
        SeededRandom random = new SeededRandom(3);
        for (int c = 0; c < catalogue.categories().size(); c++) {
            for (int i = 0; i < 200; i++) {
                assertThat(catalogue.categoryIndex(catalogue.drawItemIn(c, random))).isEqualTo(c);
            }
            assertThat(catalogue.itemsIn(c)).isSorted();
        }
    }

    @Test
    void theSameSeedBuildsTheSameCatalogue() {
        Catalogue a = SyntheticStream.of(CONFIG).catalogue();
        Catalogue b = SyntheticStream.of(CONFIG.withUsers(7)).catalogue();
        Catalogue other = SyntheticStream.of(CONFIG.withSeed(6)).catalogue();
        int differences = 0;
        for (int item = 0; item < a.size(); item++) {
            assertThat(b.price(item)).isEqualTo(a.price(item));
            assertThat(b.category(item)).isEqualTo(a.category(item));
            if (other.price(item) != a.price(item)) {
                differences++;
            }
        }
        assertThat(differences).isGreaterThan(900);
    }
}
