package dev.portrait.synth;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static dev.portrait.synth.JsonObject.of;

/**
 * What a shopping session does next. Each call to {@link #next()} takes the session that is due
 * first, lets it take one step of the funnel (land, search, view, add to cart, check out, pay,
 * identify on the way) and emits exactly one event for that step.
 *
 * <p>The step probabilities below are fixed rather than configurable. They were set so that a
 * session averages about fifteen events, a third of sessions bounce after the landing page,
 * and about one in fifteen ends in an order: the shape of real shop traffic, with a little more
 * buying than the 2–5% shops see so that order features get data. Tests and benchmarks vary the
 * population and catalogue, not the funnel.
 */
final class Funnel {
    private static final byte START = 0;
    private static final byte LANDING = 1;
    private static final byte BROWSE = 2;
    private static final byte VIEW = 3;
    private static final byte CHECKOUT = 4;
    private static final byte PAY = 5;

    private static final double BOUNCE = 0.3;
    private static final double LEAVE = 0.07;
    private static final double LEAVE_WITH_CART = 0.05;
    private static final double LEAVE_AFTER_ORDER = 0.6;
    private static final double LINK_AT_START = 0.5;
    private static final double LINK_PER_STEP = 0.3;
    private static final double REIDENTIFY = 0.15;
    private static final double ADD = 0.03;
    private static final double WISHLIST = 0.015;
    private static final double REVIEW = 0.004;
    private static final double REMOVE = 0.03;
    private static final double GO_TO_CHECKOUT = 0.08;
    private static final double SEARCH = 0.10;
    private static final double PAGE_BEFORE_VIEW = 0.5;
    private static final double PAY_UP = 0.5;
    private static final double COUPON = 0.15;

    private static final String SHOP = "https://shop.example.com";
    private static final String TITLE = " | Portrait Shop";
    private static final String[] REFERRERS = {
        "https://www.google.com/", "https://www.google.com/", "https://www.google.com/", "https://www.google.com/",
        "", "", "", "https://www.bing.com/", "https://t.co/", "https://www.facebook.com/", "https://mail.example/newsletter",
    };
    private static final String[] REVIEW_BODIES = {
        "Broke after a week.", "Not what I expected.", "Does the job.", "Good value for the price.", "Love it!",
    };
    private static final Map<String, Object> IOS_APP = of("name", "Portrait Shop", "version", "5.3.1", "build", "531");
    private static final Map<String, Object> ANDROID_APP = of("name", "Portrait Shop", "version", "5.3.0", "build", "530");
    private static final Map<String, Object> SERVER_CONTEXT = of("library", Platform.SERVER_LIBRARY);

    private final Catalogue catalogue;
    private final Population population;
    private final SessionPool pool;
    private final SeededRandom random;
    private final IsoMillis iso = new IsoMillis();
    private final double favouriteShare;
    private final double jitterShare;
    private final int maxJitterMillis;
    private final long medianGapMillis;
    private final long messageSalt;
    private final long orderSalt;
    private final long reviewSalt;
    private final long cartSalt;
    private final long wishlistSalt;
    private final String[] categorySlugs;
    private final String[] categoryWords;
    /**
     * The product fields of the most popular items, built once and shared by every event that
     * shows them unchanged. Items are numbered by rank, so the first few thousand cover most
     * draws; the cap bounds the memory for huge catalogues.
     */
    private final JsonObject[] products;

    private long messages;
    private long orders;
    private long reviews;
    private long sessions;
    private long now;
    private String person;

    // The outcome of the step being taken, set by the step methods.
    private long gap;
    private boolean end;

    Funnel(SyntheticConfig config, Catalogue catalogue, Population population) {
        this.catalogue = catalogue;
        this.population = population;
        // Each open session needs a device of its own (see Population.drawSession).
        this.pool = new SessionPool(Math.min(config.concurrentSessions(), config.users()));
        this.random = new SeededRandom(SeededRandom.salt(config.seed(), 7));
        this.favouriteShare = config.favouriteShare();
        this.jitterShare = config.jitterShare();
        this.maxJitterMillis = (int) Math.min(Integer.MAX_VALUE, config.maxJitter().toMillis());
        this.medianGapMillis = config.medianGap().toMillis();
        this.messageSalt = SeededRandom.salt(config.seed(), 8);
        this.orderSalt = SeededRandom.salt(config.seed(), 9);
        this.reviewSalt = SeededRandom.salt(config.seed(), 10);
        this.cartSalt = SeededRandom.salt(config.seed(), 11);
        this.wishlistSalt = SeededRandom.salt(config.seed(), 12);
        List<String> categories = catalogue.categories();
        categorySlugs = new String[categories.size()];
        categoryWords = new String[categories.size()];
        for (int c = 0; c < categorySlugs.length; c++) {
            categoryWords[c] = categories.get(c).toLowerCase(Locale.ROOT);
            categorySlugs[c] = categoryWords[c].replaceAll("[^a-z0-9]+", "-");
        }
        products = new JsonObject[Math.min(catalogue.size(), 16_384)];
        now = config.start().toEpochMilli();
        long spread = Math.max(1, Math.min(Integer.MAX_VALUE, 2 * medianGapMillis));
        for (int slot = 0; slot < pool.size; slot++) {
            startSession(slot, now + random.nextInt((int) spread));
        }
        pool.heapify();
    }

    /** The simulated time of the last event emitted (before any jitter), in epoch milliseconds. */
    long now() {
        return now;
    }

    /** The person behind the last event emitted. */
    String person() {
        return person;
    }

    /** Emits the next event of the session that is due first and schedules that session's next one. */
    Map<String, Object> next() {
        int slot = pool.earliest();
        now = pool.nextTime[slot];
        person = pool.personId[slot];
        gap = thinkTime();
        end = false;
        Map<String, Object> event = step(slot);
        long nextTime;
        if (end) {
            population.endSession(pool.person[slot], pool.device[slot]);
            nextTime = startSession(slot, now + random.nextInt((int) Math.max(1, Math.min(Integer.MAX_VALUE,
                    medianGapMillis))));
        } else {
            nextTime = now + gap;
        }
        pool.rescheduleEarliest(nextTime);
        return event;
    }

    private Map<String, Object> step(int slot) {
        switch (pool.stage[slot]) {
            case START: {
                boolean linked = pool.linked[slot];
                if (linkDue(slot) && (pool.ordinal[slot] == 0 && pool.device[slot] == 0
                        || random.chance(LINK_AT_START))) {
                    pool.stage[slot] = LANDING;
                    gap = quickGap();
                    return link(slot);
                }
                if (linked && random.chance(REIDENTIFY)) {
                    pool.stage[slot] = LANDING;
                    gap = quickGap();
                    return identify(slot);
                }
                return landing(slot);
            }
            case LANDING:
                return landing(slot);
            case VIEW: {
                int item = pool.pendingItem[slot];
                pool.stage[slot] = BROWSE;
                end = random.chance(LEAVE);
                return productViewed(slot, item);
            }
            case CHECKOUT:
                if (!pool.linked[slot]) {
                    // Checkout needs an account: an anonymous shopper signs in or up here.
                    gap = quickGap();
                    return link(slot);
                }
                if (pool.cartSize[slot] == 0) {
                    pool.stage[slot] = BROWSE;
                    return browse(slot);
                }
                pool.stage[slot] = PAY;
                return checkoutStarted(slot);
            case PAY:
                if (random.chance(PAY_UP)) {
                    pool.stage[slot] = BROWSE;
                    end = random.chance(LEAVE_AFTER_ORDER);
                    return orderCompleted(slot);
                }
                pool.stage[slot] = BROWSE;
                pool.pendingOrder[slot] = null;
                return browse(slot);
            default:
                return browse(slot);
        }
    }

    private Map<String, Object> browse(int slot) {
        if (linkDue(slot) && random.chance(LINK_PER_STEP)) {
            return link(slot);
        }
        int cart = pool.cartSize[slot];
        end = random.chance(cart > 0 ? LEAVE_WITH_CART : LEAVE);
        double r = random.nextDouble();
        if (pool.lastItem[slot] >= 0) {
            if ((r -= ADD) < 0) {
                Map<String, Object> added = productAdded(slot);
                if (added != null) {
                    return added;
                }
                return view(slot);
            }
            if ((r -= WISHLIST) < 0) {
                return wishlisted(slot);
            }
            if ((r -= REVIEW) < 0) {
                return reviewed(slot);
            }
        }
        if (cart > 0) {
            if ((r -= REMOVE) < 0) {
                return productRemoved(slot);
            }
            if ((r -= GO_TO_CHECKOUT) < 0) {
                pool.stage[slot] = CHECKOUT;
                end = false;
                gap = quickGap();
                return navigate(slot, "Checkout", "/checkout", "Checkout" + TITLE, "");
            }
        }
        if ((r -= SEARCH) < 0) {
            return searched(slot);
        }
        return view(slot);
    }

    // ---- steps ----

    private Map<String, Object> landing(int slot) {
        pool.stage[slot] = BROWSE;
        end = random.chance(BOUNCE);
        if (pool.platform[slot].isApp()) {
            return screen(slot, "Home", null);
        }
        String referrer = REFERRERS[random.nextInt(REFERRERS.length)];
        double r = random.nextDouble();
        if (r < 0.3) {
            int category = categoryForBrowsing(slot);
            focus(slot, category, 2);
            return page(slot, "Category", "/c/" + categorySlugs[category],
                    catalogue.categories().get(category) + TITLE, "", referrer);
        }
        if (r < 0.4) {
            return page(slot, "Deals", "/deals", "Deals" + TITLE, "", referrer);
        }
        return page(slot, "Home", "/", "Portrait Shop", "", referrer);
    }

    private Map<String, Object> view(int slot) {
        int item;
        if (pool.focusLeft[slot] > 0) {
            pool.focusLeft[slot]--;
            item = catalogue.drawItemIn(pool.focusCategory[slot], random);
        } else if (random.chance(favouriteShare)) {
            item = catalogue.drawItemIn(favouriteNow(slot), random);
        } else {
            item = catalogue.drawItem(random);
        }
        if (random.chance(PAGE_BEFORE_VIEW)) {
            pool.pendingItem[slot] = item;
            pool.stage[slot] = VIEW;
            end = false;
            gap = quickGap();
            String productId = (String) product(item).get("product_id");
            if (pool.platform[slot].isApp()) {
                return screen(slot, "Product Detail", of("product_id", productId));
            }
            return navigate(slot, "Product", "/products/" + productId, product(item).get("name") + TITLE, "");
        }
        return productViewed(slot, item);
    }

    private Map<String, Object> productViewed(int slot, int item) {
        pool.lastItem[slot] = item;
        return track(slot, "Product Viewed", product(item));
    }

    private Map<String, Object> searched(int slot) {
        int category = categoryForBrowsing(slot);
        focus(slot, category, 3);
        String query = random.chance(0.5)
                ? catalogue.brand(catalogue.drawItemIn(category, random)).toLowerCase(Locale.ROOT) + " "
                        + categoryWords[category]
                : categoryWords[category];
        Map<String, Object> event = track(slot, "Products Searched", of("query", query));
        if (!pool.platform[slot].isApp()) {
            // The results page becomes the context of what follows, as in a browser.
            String search = "?q=" + query.replace("&", "%26").replace(' ', '+');
            setPage(slot, pageMap("/search", "Search" + TITLE, search, currentUrl(slot)));
        }
        return event;
    }

    /** Adds the last viewed item, or returns null when the cart has no room for another line. */
    private Map<String, Object> productAdded(int slot) {
        int item = pool.lastItem[slot];
        double r = random.nextDouble();
        int quantity = r < 0.85 ? 1 : r < 0.95 ? 2 : 3;
        int base = slot * SessionPool.CART_LINES;
        int lines = pool.cartSize[slot];
        int line = 0;
        while (line < lines && pool.cartItem[base + line] != item) {
            line++;
        }
        if (line == lines) {
            if (lines == SessionPool.CART_LINES) {
                return null;
            }
            pool.cartItem[base + line] = item;
            pool.cartQuantity[base + line] = 0;
            pool.cartSize[slot]++;
        }
        pool.cartQuantity[base + line] = (byte) Math.min(99, pool.cartQuantity[base + line] + quantity);
        return track(slot, "Product Added", product(item).copyWithRoom(2)
                .add("quantity", (long) quantity)
                .add("cart_id", cartId(slot)));
    }

    private Map<String, Object> productRemoved(int slot) {
        int base = slot * SessionPool.CART_LINES;
        int lines = pool.cartSize[slot];
        int line = random.nextInt(lines);
        int item = pool.cartItem[base + line];
        int quantity = pool.cartQuantity[base + line];
        pool.cartItem[base + line] = pool.cartItem[base + lines - 1];
        pool.cartQuantity[base + line] = pool.cartQuantity[base + lines - 1];
        pool.cartSize[slot]--;
        return track(slot, "Product Removed", product(item).copyWithRoom(2)
                .add("quantity", (long) quantity)
                .add("cart_id", cartId(slot)));
    }

    private Map<String, Object> wishlisted(int slot) {
        int item = pool.lastItem[slot];
        JsonObject properties = new JsonObject(9)
                .add("wishlist_id", "wl-" + Long.toString(SeededRandom.permute62(pool.person[slot] ^ wishlistSalt), 36))
                .add("wishlist_name", "My Wishlist");
        for (Map.Entry<String, Object> field : product(item).entrySet()) {
            properties.add(field.getKey(), field.getValue());
        }
        return track(slot, "Product Added to Wishlist", properties);
    }

    private Map<String, Object> reviewed(int slot) {
        int item = pool.lastItem[slot];
        long rating = Math.max(1, Math.min(5, Math.round(catalogue.quality(item) + 0.9 * random.nextGaussian())));
        return track(slot, "Product Reviewed", of(
                "product_id", catalogue.productId(item),
                "review_id", "rev-" + Long.toString(SeededRandom.permute62(reviews++ ^ reviewSalt), 36),
                "review_body", REVIEW_BODIES[(int) rating - 1],
                "rating", rating));
    }

    private Map<String, Object> checkoutStarted(int slot) {
        int base = slot * SessionPool.CART_LINES;
        int lines = pool.cartSize[slot];
        List<Map<String, Object>> products = new ArrayList<>(lines);
        long subtotalCents = 0;
        for (int line = 0; line < lines; line++) {
            int item = pool.cartItem[base + line];
            int quantity = pool.cartQuantity[base + line];
            products.add(of(
                    "product_id", catalogue.productId(item),
                    "sku", catalogue.sku(item),
                    "category", catalogue.category(item),
                    "brand", catalogue.brand(item),
                    "name", catalogue.name(item),
                    "price", catalogue.price(item),
                    "quantity", (long) quantity));
            subtotalCents += Math.round(catalogue.price(item) * 100) * quantity;
        }
        double subtotal = subtotalCents / 100.0;
        String coupon = random.chance(COUPON) ? "SAVE10" : null;
        double discount = coupon == null ? 0 : Catalogue.cents(subtotal * 0.10);
        double revenue = Catalogue.cents(subtotal - discount);
        double shipping = revenue >= 50 ? 0 : 5.99;
        double tax = Catalogue.cents(revenue * 0.08);
        double total = Catalogue.cents(revenue + shipping + tax);
        String orderId = "ord-" + Long.toString(SeededRandom.permute62(orders++ ^ orderSalt), 36);
        SessionPool.PendingOrder order = new SessionPool.PendingOrder(orderId, List.copyOf(products), subtotal,
                discount, coupon, revenue, shipping, tax, total);
        pool.pendingOrder[slot] = order;
        return track(slot, "Checkout Started", of(
                "order_id", orderId,
                "value", subtotal,
                "revenue", revenue,
                "shipping", shipping,
                "tax", tax,
                "discount", coupon == null ? null : discount,
                "coupon", coupon,
                "currency", "USD",
                "products", order.products()));
    }

    private Map<String, Object> orderCompleted(int slot) {
        SessionPool.PendingOrder order = (SessionPool.PendingOrder) pool.pendingOrder[slot];
        pool.pendingOrder[slot] = null;
        pool.cartSize[slot] = 0;
        pool.cartId[slot] = null;
        pool.lastItem[slot] = -1;
        return track(slot, "Order Completed", of(
                "order_id", order.orderId(),
                "total", order.total(),
                "subtotal", order.subtotal(),
                "revenue", order.revenue(),
                "shipping", order.shipping(),
                "tax", order.tax(),
                "discount", order.coupon() == null ? null : order.discount(),
                "coupon", order.coupon(),
                "currency", "USD",
                "products", order.products()));
    }

    // ---- identity ----

    private boolean linkDue(int slot) {
        return !pool.linked[slot] && pool.ordinal[slot] >= pool.linkOrdinal[slot];
    }

    /** The device identifies: with {@code alias} from the back end for some second devices, else {@code identify}. */
    private Map<String, Object> link(int slot) {
        int who = pool.person[slot];
        int device = pool.device[slot];
        population.markLinked(who, device);
        pool.linked[slot] = true;
        pool.userId[slot] = population.userId(who);
        if (device == 1 && population.linksWithAlias(who)) {
            JsonObject m = new JsonObject(7)
                    .add("type", "alias")
                    .add("messageId", nextMessageId())
                    .add("userId", pool.userId[slot])
                    .add("previousId", pool.anonymousId[slot])
                    .add("context", SERVER_CONTEXT);
            return stamp(m, 5 + random.nextInt(100));
        }
        return identify(slot);
    }

    private Map<String, Object> identify(int slot) {
        int who = pool.person[slot];
        JsonObject m = header("identify", slot);
        m.add("traits", of(
                "email", population.email(who),
                "name", population.name(who),
                "country", population.country(who),
                "plan", population.plan(who, now),
                "age", population.age(who)));
        return finish(m, slot);
    }

    // ---- event shapes ----

    private Map<String, Object> track(int slot, String name, Map<String, Object> properties) {
        return finish(header("track", slot).add("event", name).add("properties", properties), slot);
    }

    private Map<String, Object> screen(int slot, String name, Map<String, Object> properties) {
        return finish(header("screen", slot).add("name", name).add("properties", properties), slot);
    }

    /** A page call for a landing: the referrer comes from outside the shop. */
    private Map<String, Object> page(int slot, String name, String path, String title, String search,
                                     String referrer) {
        JsonObject page = pageMap(path, title, search, referrer);
        setPage(slot, page);
        return finish(header("page", slot).add("name", name).add("properties", page), slot);
    }

    private void setPage(int slot, JsonObject page) {
        pool.page[slot] = page;
        pool.webContext[slot] = null;
    }

    /** A page call, or a screen call in an app, for moving within the shop. */
    private Map<String, Object> navigate(int slot, String name, String path, String title, String search) {
        if (pool.platform[slot].isApp()) {
            return screen(slot, name, null);
        }
        return page(slot, name, path, title, search, currentUrl(slot));
    }

    private static JsonObject pageMap(String path, String title, String search, String referrer) {
        return of("path", path, "referrer", referrer, "search", search, "title", title,
                "url", SHOP + path + search);
    }

    private String currentUrl(int slot) {
        JsonObject page = pool.page[slot];
        return page == null ? "" : (String) page.get("url");
    }

    private JsonObject header(String type, int slot) {
        JsonObject m = new JsonObject(9)
                .add("type", type)
                .add("messageId", nextMessageId())
                .add("anonymousId", pool.anonymousId[slot]);
        return m.add("userId", pool.userId[slot]);
    }

    private Map<String, Object> finish(JsonObject m, int slot) {
        m.add("context", context(slot));
        boolean app = pool.platform[slot].isApp();
        // Apps batch and flush every few seconds; a browser sends at once.
        return stamp(m, app ? 500 + random.nextInt(20_000) : 20 + random.nextInt(600));
    }

    /** Adds {@code timestamp} (late by up to the jitter, sometimes) and {@code sentAt}. */
    private Map<String, Object> stamp(JsonObject m, int sendDelayMillis) {
        long timestamp = now;
        if (random.chance(jitterShare)) {
            timestamp -= 1 + random.nextInt(maxJitterMillis);
        }
        return m.add("timestamp", iso.format(timestamp)).add("sentAt", iso.format(now + sendDelayMillis));
    }

    private JsonObject context(int slot) {
        if (pool.platform[slot].isApp()) {
            return pool.appContext[slot];
        }
        JsonObject context = pool.webContext[slot];
        if (context == null) {
            context = of("ip", pool.ip[slot], "library", Platform.WEB.library, "locale", pool.locale[slot],
                    "page", pool.page[slot], "userAgent", pool.userAgent[slot]);
            pool.webContext[slot] = context;
        }
        return context;
    }

    /** The product fields Segment's e-commerce spec shares across events (never to be appended to). */
    private JsonObject product(int item) {
        JsonObject p = item < products.length ? products[item] : null;
        if (p == null) {
            p = of("product_id", catalogue.productId(item),
                    "sku", catalogue.sku(item),
                    "category", catalogue.category(item),
                    "brand", catalogue.brand(item),
                    "name", catalogue.name(item),
                    "price", catalogue.price(item),
                    "currency", "USD");
            if (item < products.length) {
                products[item] = p;
            }
        }
        return p;
    }

    // ---- sessions ----

    private long startSession(int slot, long at) {
        long pick = population.drawSession(random);
        int who = (int) (pick >>> 1);
        int device = (int) (pick & 1);
        pool.person[slot] = who;
        pool.device[slot] = (byte) device;
        pool.ordinal[slot] = population.beginSession(who, device);
        pool.serial[slot] = sessions++;
        pool.stage[slot] = START;
        pool.lastItem[slot] = -1;
        pool.pendingItem[slot] = -1;
        pool.focusLeft[slot] = 0;
        pool.cartSize[slot] = 0;
        pool.cartId[slot] = null;
        pool.pendingOrder[slot] = null;
        pool.page[slot] = null;
        pool.webContext[slot] = null;
        Platform platform = population.platform(who, device);
        pool.platform[slot] = platform;
        pool.personId[slot] = Persona.personId(who);
        pool.anonymousId[slot] = population.anonymousId(who, device);
        pool.linked[slot] = population.linked(who, device);
        pool.linkOrdinal[slot] = population.linkSession(who, device);
        pool.userId[slot] = pool.linked[slot] ? population.userId(who) : null;
        pool.ip[slot] = population.ip(who, device);
        int agent = population.agent(who, device);
        pool.userAgent[slot] = platform.userAgents[agent];
        pool.locale[slot] = population.locale(who);
        pool.favourite[slot] = population.favourite(who);
        pool.laterFavourite[slot] = population.laterFavourite(who);
        pool.driftAt[slot] = population.driftAt(who);
        pool.appContext[slot] = platform.isApp() ? of(
                "app", platform == Platform.IOS ? IOS_APP : ANDROID_APP,
                "device", of("id", population.deviceId(who, device), "manufacturer", platform.manufacturers[agent],
                        "model", platform.models[agent], "type", platform == Platform.IOS ? "ios" : "android"),
                "ip", pool.ip[slot],
                "library", platform.library,
                "locale", pool.locale[slot],
                "os", platform.os,
                "userAgent", pool.userAgent[slot]) : null;
        pool.nextTime[slot] = at;
        return at;
    }

    private String cartId(int slot) {
        if (pool.cartId[slot] == null) {
            pool.cartId[slot] = "cart-" + Long.toString(SeededRandom.permute62(pool.serial[slot] ^ cartSalt), 36);
        }
        return pool.cartId[slot];
    }

    private int favouriteNow(int slot) {
        return now >= pool.driftAt[slot] ? pool.laterFavourite[slot] : pool.favourite[slot];
    }

    /** Where a search or a category page leads: mostly the current favourite. */
    private int categoryForBrowsing(int slot) {
        return random.chance(favouriteShare) ? favouriteNow(slot) : catalogue.categoryByPopularity(random.nextDouble());
    }

    private void focus(int slot, int category, int views) {
        pool.focusCategory[slot] = category;
        pool.focusLeft[slot] = (byte) views;
    }

    private String nextMessageId() {
        long n = messages++;
        return Ids.uuid(SeededRandom.hash(messageSalt, n), SeededRandom.permute62(n ^ messageSalt));
    }

    private long thinkTime() {
        long gapMillis = (long) (medianGapMillis * random.nextLogNormal());
        return Math.max(Math.max(1, medianGapMillis / 30), Math.min(medianGapMillis * 120, gapMillis));
    }

    private long quickGap() {
        return 1 + medianGapMillis / 50 + random.nextInt((int) Math.min(Integer.MAX_VALUE, medianGapMillis / 10 + 1));
    }
}
