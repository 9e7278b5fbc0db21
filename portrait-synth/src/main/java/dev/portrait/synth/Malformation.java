package dev.portrait.synth;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The ways a synthetic event is broken, each with the quarantine reason code a cleaner is expected
 * to give it. The faults are the ones real SDK traffic shows: an id lost in a server-side call, a
 * refund sent as a negative price, a price formatted for display, a track call without a name, a
 * client clock or formatter gone wrong.
 */
public enum Malformation {
    /** Neither {@code userId} nor {@code anonymousId}. */
    MISSING_ID("missing_id"),
    /** {@code properties.price} below zero. */
    NEGATIVE_PRICE("out_of_range"),
    /**
     * {@code properties.price} as display text such as {@code "$19.99"}, not a number. The currency
     * sign keeps it a type error even for a cleaner that accepts numeric strings.
     */
    PRICE_AS_STRING("wrong_type"),
    /** A {@code track} call without {@code event}. */
    MISSING_EVENT_NAME("missing_event_name"),
    /** A {@code timestamp} that is not an ISO-8601 instant. */
    INVALID_TIMESTAMP("invalid_timestamp"),
    /** A {@code timestamp} more than a year after {@code sentAt}. */
    FUTURE_TIMESTAMP("timestamp_in_future");

    private static final Malformation[] ALL = values();
    private static final String[] GARBAGE = {
        "not-a-timestamp", "2025-13-45T25:61:00.000Z", "31/12/2025 23:59", "yesterday", "NaN",
    };
    private static final long YEAR = 365L * 86_400_000L;

    private final String code;

    Malformation(String code) {
        this.code = code;
    }

    /** The reason code the cleaner is expected to quarantine the event with. */
    public String code() {
        return code;
    }

    boolean appliesTo(Map<String, Object> json) {
        switch (this) {
            case NEGATIVE_PRICE:
            case PRICE_AS_STRING:
                return json.get("properties") instanceof Map<?, ?> p && p.get("price") instanceof Double;
            case MISSING_EVENT_NAME:
                return "track".equals(json.get("type"));
            default:
                return true;
        }
    }

    /** A price as a shop page shows it: {@code 1234.5} becomes {@code "$1234.50"}. */
    static String display(double price) {
        long cents = Math.round(price * 100);
        long rest = cents % 100;
        return "$" + cents / 100 + (rest < 10 ? ".0" : ".") + rest;
    }

    /** One of the malformations that fits the event, chosen uniformly. */
    static Malformation pick(Map<String, Object> json, SeededRandom random) {
        Malformation[] fitting = new Malformation[ALL.length];
        int n = 0;
        for (Malformation m : ALL) {
            if (m.appliesTo(json)) {
                fitting[n++] = m;
            }
        }
        return fitting[random.nextInt(n)];
    }

    /** A broken copy of a well-formed event made at simulated time {@code now}; the original is untouched. */
    @SuppressWarnings("unchecked")
    Map<String, Object> apply(Map<String, Object> json, long now, SeededRandom random, IsoMillis iso) {
        Map<String, Object> broken = new LinkedHashMap<>(json);
        switch (this) {
            case MISSING_ID -> {
                broken.remove("userId");
                broken.remove("anonymousId");
            }
            case NEGATIVE_PRICE, PRICE_AS_STRING -> {
                Map<String, Object> properties = new LinkedHashMap<>((Map<String, Object>) json.get("properties"));
                double price = (Double) properties.get("price");
                properties.put("price", this == NEGATIVE_PRICE ? -price : display(price));
                broken.put("properties", Collections.unmodifiableMap(properties));
            }
            case MISSING_EVENT_NAME -> broken.remove("event");
            case INVALID_TIMESTAMP -> broken.put("timestamp", GARBAGE[random.nextInt(GARBAGE.length)]);
            case FUTURE_TIMESTAMP -> broken.put("timestamp",
                    iso.format(now + YEAR + random.nextInt(365) * 86_400_000L + random.nextInt(86_400_000)));
        }
        return Collections.unmodifiableMap(broken);
    }
}
