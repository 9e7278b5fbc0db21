package dev.portrait.core.model;

import dev.portrait.core.PortraitException;
import dev.portrait.core.encoding.BinaryIn;
import dev.portrait.core.encoding.BinaryOut;
import dev.portrait.core.event.Event;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Item-to-item co-occurrence and item popularity, learned from the event stream: the global state
 * behind {@link Recommender}.
 *
 * <p><b>What is counted.</b> When a user interacts with item {@code j} at time {@code t} with weight
 * {@code w} (by event key: view 1, cart 3, purchase 5 by default), {@code j}'s popularity gains
 * {@code w}, and for every distinct item {@code i} of the user's recent history (the most recent
 * {@code historyLimit} items within {@code window} before {@code t}, as the caller passes them) the
 * pair {@code (i, j)} gains {@code w} on both sides. Every gain fades with the half-life: it is worth
 * {@code w * 2^(-(now - t) / halfLife)} at {@code now}, kept as a forward-decayed sum (see
 * {@link ForwardDecay}), so nothing is rewritten as time passes.
 *
 * <p><b>Similarity.</b> {@code sim(i, j) = co(i, j) / sqrt(pop(i) * pop(j))}, the decayed co-occurrence
 * over the geometric mean of the decayed popularities. When every user touches every item once with
 * weight 1 inside the window this is exactly the cosine of the two items' user vectors, the measure
 * of classic ItemKNN. Repeated interactions with {@code j} while {@code i} is still in the history add
 * to {@code co(i, j)} each time but to {@code pop(i)} once, so a score can exceed 1: a strong repeat
 * signal, which ranking welcomes. The decay factors of numerator and denominator cancel, so a
 * similarity does not change while no events arrive.
 *
 * <p><b>Bounds.</b> At most {@code maxItems} items are kept; past it the least popular goes, with its
 * neighbours (entries pointing at it elsewhere stay until displaced, and score nothing meanwhile).
 * Each item keeps its {@code neighbours} heaviest pairs ({@link ItemRecord#addPair}). A pair whose
 * history item is not in the table is not counted: the table forgot that item for being unpopular.
 * So memory is {@code O(maxItems * neighbours)}, and one interaction costs
 * {@code O(historyLimit * neighbours)} plus a {@code log(maxItems)} re-ranking.
 *
 * <p>Deterministic: the same calls in the same order give the same state and the same bytes.
 * Not thread-safe: the runtime's single profile worker owns it.
 */
public final class ItemStatistics {
    private static final int VERSION = 1;

    /**
     * @param eventWeights    weight of an interaction by event key; keys not listed are not interactions
     * @param itemProperty    the property holding the item id, also inside each of {@code products}
     * @param halfLifeMillis  how fast co-occurrence and popularity fade
     * @param windowMillis    how far back in a user's history a pair may reach
     * @param historyLimit    at most this many of the most recent history items pair with a new one
     * @param neighbours      how many co-occurring items each item keeps (top-M)
     * @param maxItems        how many items the table keeps, the most popular
     */
    public record Config(Map<String, Double> eventWeights, String itemProperty, long halfLifeMillis,
                         long windowMillis, int historyLimit, int neighbours, int maxItems) {
        public Config {
            if (eventWeights == null || eventWeights.isEmpty()) {
                throw new IllegalArgumentException("eventWeights must name at least one event, got " + eventWeights);
            }
            for (Map.Entry<String, Double> e : eventWeights.entrySet()) {
                if (e.getKey() == null || e.getValue() == null || !(e.getValue() > 0) || e.getValue().isInfinite()) {
                    throw new IllegalArgumentException("eventWeights." + e.getKey() + " must be a positive number, got "
                            + e.getValue());
                }
            }
            eventWeights = Collections.unmodifiableMap(new TreeMap<>(eventWeights));
            if (itemProperty == null || itemProperty.isEmpty()) {
                throw new IllegalArgumentException("itemProperty is required");
            }
            if (halfLifeMillis <= 0 || halfLifeMillis > Long.MAX_VALUE / ForwardDecay.QUANTUM_HALF_LIVES) {
                throw new IllegalArgumentException("halfLifeMillis must be positive, got " + halfLifeMillis);
            }
            if (windowMillis <= 0) {
                throw new IllegalArgumentException("windowMillis must be positive, got " + windowMillis);
            }
            requireIn("historyLimit", historyLimit, 1, 1_000);
            requireIn("neighbours", neighbours, 1, 1_000);
            requireIn("maxItems", maxItems, 1, 10_000_000);
        }

        /**
         * Segment's e-commerce events (view 1, cart 3, purchase 5), {@code product_id}, a 30-day
         * half-life, pairs within 1 day among the last 20 items, 50 neighbours, 50,000 items: at most
         * 2.5 million pairs, about 40 MB of heap and 30 MB encoded when every list is full.
         */
        public static Config defaults() {
            return new Config(Map.of("Product Viewed", 1.0, "Product Added", 3.0, "Order Completed", 5.0),
                    "product_id", 30L * 24 * 3_600_000, 24L * 3_600_000, 20, 50, 50_000);
        }

        /** The weight of an event key, or 0 when it is not an interaction. */
        public double weightOf(String eventKey) {
            return eventKey == null ? 0.0 : eventWeights.getOrDefault(eventKey, 0.0);
        }
    }

    private final Config config;
    private final ForwardDecay decay;
    private final HashMap<String, ItemRecord> items = new HashMap<>();
    private final TreeSet<ItemRecord> ranking;

    public ItemStatistics(Config config) {
        this.config = config;
        this.decay = new ForwardDecay(config.halfLifeMillis());
        this.ranking = new TreeSet<>((a, b) -> ItemRecord.byPopularity(a, b, decay));
    }

    public Config config() {
        return config;
    }

    /**
     * The item ids an event is about: {@code itemProperty} (a string or a list of them) and the
     * {@code itemProperty} of each entry of a {@code products} list, as Segment's order events carry
     * them; each once, in order.
     */
    public List<String> itemsOf(Event event) {
        return itemsOf(event, config.itemProperty());
    }

    /** The item ids an event is about, read from {@code itemProperty} as {@link #itemsOf(Event)} does. */
    public static List<String> itemsOf(Event event, String itemProperty) {
        LinkedHashSet<String> out = new LinkedHashSet<>();
        addIds(out, event.properties().get(itemProperty));
        if (event.properties().get("products") instanceof List<?> products) {
            for (Object p : products) {
                if (p instanceof Map<?, ?> product) {
                    addIds(out, product.get(itemProperty));
                }
            }
        }
        return List.copyOf(out);
    }

    private static void addIds(LinkedHashSet<String> out, Object value) {
        if (value instanceof List<?> list) {
            for (Object v : list) {
                addIds(out, v);
            }
        } else if (value instanceof String s && !s.isEmpty()) {
            out.add(s);
        } else if (value instanceof Number || value instanceof Boolean) {
            out.add(value.toString());
        }
    }

    /**
     * Folds one event of a user: each item it is about is an interaction with the event key's weight,
     * paired with {@code history} and with the event's earlier items (the products of one order
     * co-occur). Pass the history as it was before this event; items of this event found in it are
     * not paired twice. Returns how many items were counted (0 for events that are not interactions).
     */
    public int observe(Event event, List<RecentItem> history) {
        double weight = config.weightOf(event.key());
        if (weight == 0.0) {
            return 0;
        }
        List<String> ids = itemsOf(event);
        if (ids.isEmpty()) {
            return 0;
        }
        long t = event.time();
        List<RecentItem> withSiblings = new ArrayList<>(history.size() + ids.size());
        withSiblings.addAll(history);
        for (String id : ids) {
            observe(id, weight, t, withSiblings);
            withSiblings.add(new RecentItem(id, t));
        }
        return ids.size();
    }

    /** One interaction with {@code item} of the given weight at {@code time}; see the class comment. */
    public void observe(String item, double weight, long time, List<RecentItem> history) {
        if (item == null || item.isEmpty()) {
            throw new IllegalArgumentException("an interaction needs an item id, got " + item);
        }
        if (!(weight > 0) || Double.isInfinite(weight)) {
            throw new IllegalArgumentException("the weight of an interaction with " + item + " must be positive, got "
                    + weight);
        }
        long landmark = decay.landmarkOf(time);
        ItemRecord target = items.get(item);
        if (target == null) {
            target = new ItemRecord(item, landmark);
            items.put(item, target);
        } else {
            ranking.remove(target);
            target.advance(landmark, decay);
        }
        target.popularity += weight * decay.growth(time, target.landmark);
        ranking.add(target);

        for (ItemRecord other : pairable(item, time, history)) {
            if (other.landmark < landmark) {
                ranking.remove(other);
                other.advance(landmark, decay);
                ranking.add(other);
            }
            other.addPair(item, weight * decay.growth(time, other.landmark), config.neighbours());
            target.addPair(other.item, weight * decay.growth(time, target.landmark), config.neighbours());
        }
        while (items.size() > config.maxItems()) {
            items.remove(ranking.pollLast().item);
        }
    }

    /** The distinct history items in the window before {@code time}, most recent first, that are in the table. */
    private List<ItemRecord> pairable(String item, long time, List<RecentItem> history) {
        List<RecentItem> recent = new ArrayList<>(history.size());
        for (RecentItem r : history) {
            if (r.time() <= time && time - r.time() <= config.windowMillis() && !r.item().equals(item)) {
                recent.add(r);
            }
        }
        recent.sort((a, b) -> a.time() != b.time() ? Long.compare(b.time(), a.time()) : a.item().compareTo(b.item()));
        List<ItemRecord> out = new ArrayList<>(Math.min(recent.size(), config.historyLimit()));
        LinkedHashSet<String> seen = new LinkedHashSet<>();
        for (RecentItem r : recent) {
            if (out.size() == config.historyLimit()) {
                break;
            }
            if (seen.add(r.item())) {
                ItemRecord other = items.get(r.item());
                if (other != null) {
                    out.add(other);
                }
            }
        }
        return out;
    }

    /** {@code co(a, b) / sqrt(pop(a) pop(b))}, or 0 when either item is unknown or they never co-occurred. */
    public double similarity(String a, String b) {
        ItemRecord ra = items.get(a);
        ItemRecord rb = items.get(b);
        if (ra == null || rb == null) {
            return 0.0;
        }
        int at = ra.indexOf(b);
        if (at >= 0) {
            return similarity(ra, at);
        }
        at = rb.indexOf(a);
        return at >= 0 ? similarity(rb, at) : 0.0;
    }

    /** The similarity of {@code from} to its {@code at}-th neighbour; 0 when that neighbour left the table. */
    double similarity(ItemRecord from, int at) {
        ItemRecord to = items.get(from.neighbours[at]);
        if (to == null) {
            return 0.0;
        }
        double popTo = to.landmark == from.landmark ? to.popularity : decay.rebase(to.popularity, to.landmark, from.landmark);
        double denominator = Math.sqrt(from.popularity * popTo);
        return denominator > 0 ? from.weights[at] / denominator : 0.0;
    }

    /** The {@code k} items most similar to {@code item}, most similar first (ties: by id). */
    public List<ItemScore> neighbours(String item, int k) {
        requireIn("k", k, 0, Integer.MAX_VALUE);
        ItemRecord r = items.get(item);
        if (r == null) {
            return List.of();
        }
        List<ItemScore> out = new ArrayList<>(r.size);
        for (int i = 0; i < r.size; i++) {
            double s = similarity(r, i);
            if (s > 0) {
                out.add(new ItemScore(r.neighbours[i], s));
            }
        }
        out.sort(Recommender.BEST_FIRST_SCORES);
        return List.copyOf(out.subList(0, Math.min(k, out.size())));
    }

    /** The decayed popularity of {@code item} at {@code now}: {@code sum w * 2^(-(now - t) / halfLife)}. */
    public double popularity(String item, long now) {
        ItemRecord r = items.get(item);
        return r == null ? 0.0 : decay.valueAt(r.popularity, r.landmark, now);
    }

    /** The {@code k} most popular items with their decayed popularity at {@code now}. */
    public List<ItemScore> popular(int k, long now) {
        requireIn("k", k, 0, Integer.MAX_VALUE);
        List<ItemScore> out = new ArrayList<>(Math.min(k, items.size()));
        for (ItemRecord r : ranking) {
            if (out.size() == k) {
                break;
            }
            out.add(new ItemScore(r.item, decay.valueAt(r.popularity, r.landmark, now)));
        }
        return out;
    }

    /** How many items the table holds. */
    public int size() {
        return items.size();
    }

    ItemRecord record(String item) {
        return items.get(item);
    }

    /** Records, most popular first; do not change them while iterating. */
    Iterable<ItemRecord> byPopularity() {
        return ranking;
    }

    ForwardDecay decay() {
        return decay;
    }

    /**
     * Config, then a table of every id (the items sorted, then ids only neighbours still name), then
     * each item: landmark in quanta, popularity, and its neighbours heaviest first as table indexes.
     * Ids are written once, so the bytes grow with {@code items * neighbours} varints, not strings.
     */
    public void encode(BinaryOut out) {
        out.writeByte(VERSION);
        out.writeVarInt(config.eventWeights().size());
        config.eventWeights().forEach((k, v) -> out.writeString(k).writeDouble(v));
        out.writeString(config.itemProperty()).writeVarLong(config.halfLifeMillis()).writeVarLong(config.windowMillis())
                .writeVarInt(config.historyLimit()).writeVarInt(config.neighbours()).writeVarInt(config.maxItems());

        List<String> ids = new ArrayList<>(items.keySet());
        ids.sort(null);
        TreeSet<String> strangers = new TreeSet<>();
        for (ItemRecord r : items.values()) {
            for (int i = 0; i < r.size; i++) {
                if (!items.containsKey(r.neighbours[i])) {
                    strangers.add(r.neighbours[i]);
                }
            }
        }
        int itemCount = ids.size();
        ids.addAll(strangers);
        HashMap<String, Integer> index = new HashMap<>(ids.size() * 2);
        out.writeVarInt(itemCount).writeVarInt(ids.size());
        for (int i = 0; i < ids.size(); i++) {
            index.put(ids.get(i), i);
            out.writeString(ids.get(i));
        }
        for (int i = 0; i < itemCount; i++) {
            ItemRecord r = items.get(ids.get(i));
            out.writeSignedVarLong(Math.floorDiv(r.landmark, decay.quantum)).writeDouble(r.popularity).writeVarInt(r.size);
            for (int at : r.rankedPositions()) {
                out.writeVarInt(index.get(r.neighbours[at])).writeDouble(r.weights[at]);
            }
        }
    }

    public static ItemStatistics decode(BinaryIn in) {
        in.expectVersion("item_statistics", VERSION);
        int weightCount = in.readLength();
        Map<String, Double> weights = new HashMap<>();
        for (int i = 0; i < weightCount; i++) {
            weights.put(in.readString(), in.readDouble());
        }
        Config config = new Config(weights, in.readString(), in.readVarLong(), in.readVarLong(), in.readVarInt(),
                in.readVarInt(), in.readVarInt());
        ItemStatistics s = new ItemStatistics(config);
        int itemCount = in.readLength();
        int idCount = in.readLength();
        if (itemCount > config.maxItems() || idCount < itemCount) {
            throw corrupt("item_statistics holds " + itemCount + " items of " + idCount + " ids, cap " + config.maxItems());
        }
        String[] ids = new String[idCount];
        for (int i = 0; i < idCount; i++) {
            ids[i] = in.readString();
        }
        for (int i = 0; i < itemCount; i++) {
            ItemRecord r = new ItemRecord(ids[i], in.readSignedVarLong() * s.decay.quantum);
            r.popularity = in.readDouble();
            int size = in.readLength();
            if (size > config.neighbours() || !(r.popularity > 0)) {
                throw corrupt("item_statistics: item " + ids[i] + " has " + size + " neighbours and popularity "
                        + r.popularity);
            }
            r.neighbours = new String[size];
            r.weights = new double[size];
            for (int n = 0; n < size; n++) {
                int ref = in.readVarInt();
                if (ref >= idCount) {
                    throw corrupt("item_statistics: neighbour index " + ref + " past " + idCount + " ids");
                }
                r.neighbours[n] = ids[ref];
                r.weights[n] = in.readDouble();
            }
            r.neighboursDecoded(size);
            s.items.put(r.item, r);
            s.ranking.add(r);
        }
        return s;
    }

    static PortraitException corrupt(String message) {
        return new PortraitException("corrupt_state", message, null);
    }

    static void requireIn(String name, long value, long min, long max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(name + " must be in [" + min + ", " + max + "], got " + value);
        }
    }
}
