package dev.portrait.synth;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The shop's items, read-only: for tests and evaluations that need the ground truth behind the
 * events (which category an item is in, how popular it was meant to be).
 *
 * <p>Items are numbered by popularity rank: item 0 is drawn most often, with probability
 * {@link #popularity(int)} proportional to {@code (rank+1)^-s}. Each item has a category, a brand
 * that is usually one of its category's home brands (so brand and category are correlated, as in a
 * real shop), a log-normal price around its category's median, and a quality that its reviews'
 * ratings centre on. Only primitive arrays are kept; product ids, SKUs and names are rendered on
 * demand, so a catalogue of a million items costs tens of megabytes, not hundreds.
 */
public final class Catalogue {
    private static final long SALT = 0xCA7A1061E5L;
    private static final String[] CATEGORY_NAMES = {
        "Electronics", "Books", "Home & Kitchen", "Beauty", "Toys", "Sports", "Fashion", "Grocery",
        "Garden", "Automotive", "Pet Supplies", "Office", "Music", "Video Games", "Baby", "Health",
        "Jewelry", "Shoes", "Tools", "Outdoors", "Furniture", "Art Supplies", "Luggage", "Watches",
        "Cameras", "Phones", "Computers", "Appliances", "Stationery", "Crafts", "Party Supplies", "Bedding",
        "Lighting", "Kitchenware", "Tea & Coffee", "Snacks", "Wine", "Bikes", "Fitness", "Camping",
    };
    private static final String[] BRAND_HEADS = {
        "Nor", "Lum", "Vel", "Kai", "Zen", "Ori", "Bri", "Cas", "Dal", "Fen", "Gal", "Hol", "Ira",
        "Jun", "Kor", "Lux", "Mar", "Nex", "Oak", "Pol", "Qui", "Ros", "Sol", "Tam", "Ula", "Vox",
    };
    private static final String[] BRAND_TAILS = {
        "vik", "ora", "ta", "on", "ia", "ex", "ano", "ix", "ella", "ford", "wood", "lyn",
    };
    private static final String[] MODELS = {
        "Pro", "Lite", "Max", "Air", "Classic", "Mini", "Plus", "Ultra", "Eco", "Studio", "One", "Go",
    };

    private final int[] category;
    private final int[] brand;
    private final double[] price;
    private final float[] quality;
    private final double harmonic;
    private final double exponent;
    private final List<String> categoryNames;
    private final String[] categoryCodes;
    private final List<String> brandNames;
    private final CumulativeWeights global;
    private final CumulativeWeights[] withinCategory;
    private final int[][] itemsOfCategory;
    private final CumulativeWeights categoryPopularity;

    Catalogue(SyntheticConfig config) {
        int n = config.items();
        int c = config.categories();
        int b = config.brands();
        exponent = config.itemPopularityExponent();
        SeededRandom random = new SeededRandom(SeededRandom.salt(config.seed(), SALT));

        double[] weight = new double[n];
        double sum = 0;
        for (int i = 0; i < n; i++) {
            weight[i] = StrictMath.pow(i + 1, -exponent);
            sum += weight[i];
        }
        harmonic = sum;
        global = new CumulativeWeights(weight);

        // Category sizes are themselves skewed (a shop has more books than watches). The first c
        // items seed one category each so that no category is empty.
        double[] sizeWeight = new double[c];
        for (int k = 0; k < c; k++) {
            sizeWeight[k] = StrictMath.pow(k + 1, -0.6);
        }
        CumulativeWeights categorySize = new CumulativeWeights(sizeWeight);
        category = new int[n];
        int[] count = new int[c];
        for (int i = 0; i < n; i++) {
            category[i] = i < c ? i : categorySize.sample(random.nextDouble());
            count[category[i]]++;
        }
        itemsOfCategory = new int[c][];
        for (int k = 0; k < c; k++) {
            itemsOfCategory[k] = new int[count[k]];
        }
        int[] fill = new int[c];
        double[] categoryWeight = new double[c];
        for (int i = 0; i < n; i++) {
            itemsOfCategory[category[i]][fill[category[i]]++] = i;
            categoryWeight[category[i]] += weight[i];
        }
        withinCategory = new CumulativeWeights[c];
        for (int k = 0; k < c; k++) {
            double[] w = new double[count[k]];
            for (int j = 0; j < w.length; j++) {
                w[j] = weight[itemsOfCategory[k][j]];
            }
            withinCategory[k] = new CumulativeWeights(w);
        }
        // Persons pick favourite categories in proportion to the categories' total popularity.
        // Drawing "an item of my favourite category" then averages out to drawing from the global
        // Zipf, so item popularity stays Zipf whatever the favourite share is.
        categoryPopularity = new CumulativeWeights(categoryWeight);

        // Brand b's home category is b mod c; most items carry a home brand of their category,
        // the first brands of each category's list more often.
        int[][] homeBrands = new int[c][];
        for (int k = 0; k < c; k++) {
            int homes = b > k ? (b - 1 - k) / c + 1 : 0;
            if (homes == 0) {
                homeBrands[k] = new int[] {k % b};
            } else {
                homeBrands[k] = new int[homes];
                for (int j = 0; j < homes; j++) {
                    homeBrands[k][j] = k + j * c;
                }
            }
        }
        double[] categoryMedian = new double[c];
        for (int k = 0; k < c; k++) {
            categoryMedian[k] = StrictMath.exp(3.2 + 0.8 * random.nextGaussian());
        }
        brand = new int[n];
        price = new double[n];
        quality = new float[n];
        for (int i = 0; i < n; i++) {
            int[] homes = homeBrands[category[i]];
            double u = random.nextDouble();
            brand[i] = random.chance(0.9) ? homes[(int) (homes.length * u * u)] : random.nextInt(b);
            double raw = categoryMedian[category[i]] * StrictMath.exp(0.55 * random.nextGaussian());
            price[i] = random.chance(0.5) ? Math.max(0.99, Math.floor(raw) + 0.99) : Math.max(0.99, cents(raw));
            quality[i] = (float) (2.5 + 2.4 * random.nextDouble());
        }

        List<String> names = new ArrayList<>(c);
        categoryCodes = new String[c];
        for (int k = 0; k < c; k++) {
            String name = k < CATEGORY_NAMES.length ? CATEGORY_NAMES[k] : "Category " + (k + 1);
            names.add(name);
            String letters = name.replaceAll("[^A-Za-z]", "").toUpperCase(Locale.ROOT);
            categoryCodes[k] = letters.substring(0, Math.min(3, letters.length())) + k;
        }
        categoryNames = List.copyOf(names);
        List<String> brandList = new ArrayList<>(b);
        int combos = BRAND_HEADS.length * BRAND_TAILS.length;
        for (int j = 0; j < b; j++) {
            int k = j % combos;
            String base = BRAND_HEADS[k % BRAND_HEADS.length] + BRAND_TAILS[k / BRAND_HEADS.length];
            brandList.add(j < combos ? base : base + " " + (j / combos + 1));
        }
        brandNames = List.copyOf(brandList);
    }

    /** Rounds to whole cents. */
    static double cents(double amount) {
        return Math.round(amount * 100) / 100.0;
    }

    public int size() {
        return category.length;
    }

    /** The id events carry in {@code product_id}. */
    public String productId(int item) {
        check(item);
        return "prod-" + item;
    }

    /** The item a {@code product_id} names, or -1 when it is not one of this catalogue's. */
    public int indexOf(String productId) {
        if (productId == null || !productId.startsWith("prod-") || productId.length() > 15) {
            return -1;
        }
        try {
            int item = Integer.parseInt(productId, 5, productId.length(), 10);
            return item >= 0 && item < size() && productId.equals("prod-" + item) ? item : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    public String sku(int item) {
        return categoryCodes[category[check(item)]] + "-" + brand[item] + "-" + item;
    }

    public String name(int item) {
        check(item);
        return brandNames.get(brand[item]) + " " + MODELS[item % MODELS.length] + " " + (100 + item % 900);
    }

    public String category(int item) {
        return categoryNames.get(category[check(item)]);
    }

    /** The category's position in {@link #categories()}. */
    public int categoryIndex(int item) {
        return category[check(item)];
    }

    public String brand(int item) {
        return brandNames.get(brand[check(item)]);
    }

    /** The list price in US dollars, with two decimals. */
    public double price(int item) {
        return price[check(item)];
    }

    /** The mean rating (1–5) that reviews of the item scatter around. */
    public double quality(int item) {
        return quality[check(item)];
    }

    /** The share of global popularity draws that land on this item: {@code (item+1)^-s / H(n, s)}. */
    public double popularity(int item) {
        return StrictMath.pow(check(item) + 1, -exponent) / harmonic;
    }

    public List<String> categories() {
        return categoryNames;
    }

    public List<String> brands() {
        return brandNames;
    }

    /** The items of one category, most popular first. */
    public int[] itemsIn(int categoryIndex) {
        return Arrays.copyOf(itemsOfCategory[categoryIndex], itemsOfCategory[categoryIndex].length);
    }

    int drawItem(SeededRandom random) {
        return global.sample(random.nextDouble());
    }

    int drawItemIn(int categoryIndex, SeededRandom random) {
        return itemsOfCategory[categoryIndex][withinCategory[categoryIndex].sample(random.nextDouble())];
    }

    /** A category in proportion to its items' total popularity, from a uniform in [0, 1). */
    int categoryByPopularity(double u) {
        return categoryPopularity.sample(u);
    }

    private int check(int item) {
        if (item < 0 || item >= category.length) {
            throw new IndexOutOfBoundsException("item " + item + " is not in a catalogue of " + category.length);
        }
        return item;
    }
}
