package dev.portrait.core.clean;

import dev.portrait.core.PortraitException;
import dev.portrait.core.definition.CleaningPolicy;
import dev.portrait.core.definition.EventSpec;
import dev.portrait.core.definition.IdentityRule;
import dev.portrait.core.definition.ProfileDefinition;
import dev.portrait.core.definition.PropertySpec;
import dev.portrait.core.definition.PropertyType;
import dev.portrait.core.definition.TraitSpec;
import dev.portrait.core.definition.UnknownEventPolicy;
import dev.portrait.core.event.Event;
import dev.portrait.core.event.EventCodec;
import dev.portrait.core.event.EventType;


import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Turns one raw Segment-style event into a valid {@link Event} or a reason to quarantine it.
 *
 * <h2>Contract</h2>
 * {@code clean} never throws, whatever it is given: unparseable bytes, a Java map holding
 * {@code NaN}, a {@code BigInteger}, a {@code Date}, a non-string key, a million entries or a
 * thousand levels of nesting. Every input ends as {@link CleanResult.Accepted} or as
 * {@link CleanResult.Rejected} with the first problem found. "First" follows a fixed order, so the same
 * input always gets the same answer: the top-level keys, then {@code type}, {@code messageId},
 * {@code userId}/{@code anonymousId}, {@code event}, {@code name}, {@code groupId},
 * {@code previousId}, the declared-event check, the times, then {@code properties}, {@code traits},
 * {@code context} (each walked in its own key order, limits checked before contents), the declared
 * property rules in property-name order, the money check, and last the unknown top-level fields.
 * Should the cleaner itself fail, the event is rejected as {@code internal_error} rather than lost.
 *
 * <h2>Time</h2>
 * The runtime passes the {@code receivedAt} its own clock read; that is authoritative. When it
 * passes {@code null} (a replay or a trusted import), the event's own {@code receivedAt} is used, so
 * re-cleaning a logged event applies the same limits as the first time; without either, no limits
 * apply. The event time follows Segment: {@code timestamp} as given; otherwise
 * {@code receivedAt − (sentAt − originalTimestamp)}, which removes the client clock's error (the
 * client measured both of its times on the same wrong clock); otherwise {@code originalTimestamp};
 * otherwise {@code receivedAt}. The cleaned event carries the result in {@code timestamp}, so
 * cleaning is idempotent: a cleaned event, encoded and cleaned again, comes back unchanged.
 *
 * <h2>Cost</h2>
 * The walk allocates the cleaned copy and little else: everything the definition implies (which
 * properties are declared, which ids are blocked, where emails and countries live) is worked out
 * here in the constructor, timestamps are read by a char loop, strings are scanned once, and paths
 * and messages are only rendered when something is rejected or noted.
 *
 * <p>A cleaner is immutable once built and never changes its input, so one instance can serve
 * every worker of a runtime.
 */
public final class Cleaner {
    private static final List<String> MONEY = List.of("price", "quantity", "revenue", "total", "value");
    private static final FieldPath TYPE = FieldPath.ROOT.key("type");
    private static final FieldPath MESSAGE_ID = FieldPath.ROOT.key("messageId");
    private static final FieldPath USER_ID = FieldPath.ROOT.key("userId");
    private static final FieldPath ANONYMOUS_ID = FieldPath.ROOT.key("anonymousId");
    private static final FieldPath EVENT = FieldPath.ROOT.key("event");
    private static final FieldPath NAME = FieldPath.ROOT.key("name");
    private static final FieldPath GROUP_ID = FieldPath.ROOT.key("groupId");
    private static final FieldPath PREVIOUS_ID = FieldPath.ROOT.key("previousId");
    private static final FieldPath PROPERTIES = FieldPath.ROOT.key("properties");
    private static final FieldPath TRAITS = FieldPath.ROOT.key("traits");
    private static final FieldPath CONTEXT = FieldPath.ROOT.key("context");
    private static final FieldPath TIMESTAMP = FieldPath.ROOT.key("timestamp");
    private static final FieldPath ORIGINAL_TIMESTAMP = FieldPath.ROOT.key("originalTimestamp");
    private static final FieldPath SENT_AT = FieldPath.ROOT.key("sentAt");
    private static final FieldPath RECEIVED_AT = FieldPath.ROOT.key("receivedAt");
    private static final String WRITE_KEY = "writeKey";
    /** type, messageId, userId, anonymousId, event, name, groupId, previousId, properties, traits, context, and four times. */
    private static final int MODELLED_FIELDS = 15;
    private static final int MAX_INTERNAL_MESSAGE = 300;

    private final CleaningPolicy policy;
    private final ValueCleaner values;
    private final Set<String> declaredEvents;
    private final Map<String, PropertyRules> propertyRules;
    private final BlockedIds blockedUserIds;
    private final BlockedIds blockedAnonymousIds;
    private final FieldRules propertiesRules;
    private final FieldRules userTraitsRules;
    private final FieldRules groupTraitsRules;
    private final FieldRules contextRules;

    public Cleaner(ProfileDefinition definition) {
        this.policy = definition.cleaning();
        this.values = new ValueCleaner(policy);
        this.declaredEvents = Set.copyOf(definition.events().keySet());
        Map<String, PropertyRules> rules = new HashMap<>();
        for (Map.Entry<String, EventSpec> e : definition.events().entrySet()) {
            rules.put(e.getKey(), PropertyRules.of(e.getValue()));
        }
        this.propertyRules = Map.copyOf(rules);
        this.blockedUserIds = BlockedIds.of(definition.identity(), "userId");
        this.blockedAnonymousIds = BlockedIds.of(definition.identity(), "anonymousId");

        this.propertiesRules = FieldRules.personFields();
        this.groupTraitsRules = FieldRules.personFields();
        this.userTraitsRules = FieldRules.personFields();
        for (TraitSpec t : definition.traits().values()) {
            userTraitsRules.at(t.name()).trait = t;
        }
        this.contextRules = new FieldRules();
        contextRules.put("traits", userTraitsRules);
        contextRules.at("location").at("country").country = true;
    }

    /**
     * Parses and cleans one event's JSON. Bytes that are not a JSON object become a rejection
     * ({@code malformed_json}, or {@code nesting_too_deep} past the parser's depth guard).
     *
     * @param receivedAt the runtime's clock reading, or {@code null} for a replay or trusted import
     */
    public CleanResult clean(byte[] json, Instant receivedAt) {
        if (json == null) {
            return new CleanResult.Rejected(RejectionCode.MALFORMED_JSON.code(), "$: no JSON body", "$");
        }
        Map<String, Object> raw;
        try {
            raw = EventCodec.parseRaw(json);
        } catch (PortraitException e) {
            return parseFailure(e);
        } catch (RuntimeException e) {
            return new CleanResult.Rejected(RejectionCode.MALFORMED_JSON.code(), "$: could not read JSON: "
                    + shown(e.toString()), "$");
        }
        return clean(raw, receivedAt);
    }

    /**
     * Cleans one event given as a JSON-like Java map.
     *
     * @param receivedAt the runtime's clock reading, or {@code null} for a replay or trusted import
     */
    public CleanResult clean(Map<String, Object> raw, Instant receivedAt) {
        try {
            return run(raw, receivedAt);
        } catch (Rejection r) {
            return r.toResult();
        } catch (RuntimeException | StackOverflowError e) {
            return new CleanResult.Rejected(RejectionCode.INTERNAL_ERROR.code(), "$: the cleaner failed on this "
                    + "event, which is a bug: " + shown(e.toString()), "$");
        }
    }

    private CleanResult run(Map<?, ?> raw, Instant receivedAt) {
        FieldPath root = FieldPath.ROOT;
        if (raw == null) {
            throw new Rejection(RejectionCode.MALFORMED_JSON, root, "the event is null");
        }
        // The limit is on unknown fields: the modelled ones are few, and a cleaned event (which gains
        // timestamp, messageId, receivedAt) must pass its own limits when cleaned again.
        int maxUnknown = policy.maxMapEntries();
        if (raw.size() > maxUnknown + MODELLED_FIELDS) {
            throw tooManyFields(raw.size(), maxUnknown);
        }
        RawFields f = RawFields.of(raw, values, maxUnknown);
        Notes notes = new Notes();
        EventType type = type(f.type);
        String messageId = text(f.messageId, MESSAGE_ID);
        String userText = text(f.userId, USER_ID);
        String anonymousText = text(f.anonymousId, ANONYMOUS_ID);
        String userId = blockedUserIds.usable(userText);
        String anonymousId = blockedAnonymousIds.usable(anonymousText);
        if (userId == null && anonymousId == null) {
            throw new Rejection(RejectionCode.MISSING_ID, USER_ID, "an event needs a userId or an anonymousId: "
                    + absence("userId", userText) + " and " + absence("anonymousId", anonymousText));
        }
        noteIgnored(notes, "userId", userText, userId);
        noteIgnored(notes, "anonymousId", anonymousText, anonymousId);

        String event = text(f.event, EVENT);
        if (type == EventType.TRACK && event == null) {
            throw new Rejection(RejectionCode.MISSING_EVENT_NAME, EVENT, f.event == null
                    ? "a track call needs an event name" : "the event name is blank");
        }
        String name = text(f.name, NAME);
        String groupId = text(f.groupId, GROUP_ID);
        if (type == EventType.GROUP && groupId == null) {
            throw new Rejection(RejectionCode.MISSING_GROUP_ID, GROUP_ID, f.groupId == null
                    ? "a group call needs a groupId" : "the groupId is blank");
        }
        String previousId = text(f.previousId, PREVIOUS_ID);
        if (type == EventType.ALIAS && (blockedUserIds.usable(previousId) == null
                || blockedAnonymousIds.usable(previousId) == null)) {
            throw new Rejection(RejectionCode.MISSING_PREVIOUS_ID, PREVIOUS_ID, "an alias call needs a previousId: "
                    + absence("previousId", previousId));
        }
        if (type == EventType.TRACK && policy.unknownEvents() == UnknownEventPolicy.REJECT
                && !declaredEvents.contains(event)) {
            throw new Rejection(RejectionCode.UNKNOWN_EVENT, EVENT, "event " + ValueText.of(event)
                    + " is not declared and cleaning.unknownEvents is reject");
        }

        Instant timestamp = TimestampReader.read(f.timestamp, TIMESTAMP, notes);
        Instant originalTimestamp = TimestampReader.read(f.originalTimestamp, ORIGINAL_TIMESTAMP, notes);
        Instant sentAt = TimestampReader.read(f.sentAt, SENT_AT, notes);
        // the runtime's clock overrides whatever the sender claims, so a claim is not even read then
        Instant received = receivedAt != null ? receivedAt : TimestampReader.read(f.receivedAt, RECEIVED_AT, notes);
        Instant time = eventTime(timestamp, originalTimestamp, sentAt, received);

        String key = type == EventType.TRACK ? event : type.wireName();
        PropertyRules declared = propertyRules.get(key);
        LinkedHashMap<String, Object> properties = values.section(f.properties, PROPERTIES, propertiesRules, notes);
        LinkedHashMap<String, Object> traits = values.section(f.traits, TRAITS,
                type == EventType.GROUP ? groupTraitsRules : userTraitsRules, notes);
        LinkedHashMap<String, Object> context = values.section(f.context, CONTEXT, contextRules, notes);
        if (declared != null) {
            declared.check(properties, key);
        }
        checkMoney(properties, declared, policy.allowReturns());
        if (declared != null) {
            declared.removePii(properties, notes);
        }

        Map<String, Object> extra = Map.of();
        if (f.unknown != null) {
            LinkedHashMap<String, Object> kept = new LinkedHashMap<>();
            for (Map.Entry<String, Object> e : f.unknown) {
                if (e.getKey().equals(WRITE_KEY)) {
                    notes.add("writeKey removed: credentials are not kept in events");
                    continue;
                }
                kept.put(e.getKey(), values.value(e.getValue(), root.key(e.getKey()), 1, null, notes));
            }
            extra = frozen(kept);
        }

        if (messageId == null) {
            messageId = DerivedMessageId.of(raw);
            notes.add("messageId derived from content");
        }
        Event cleaned = new Event(type, messageId, userId, anonymousId, event, name, groupId, previousId,
                frozen(properties), frozen(traits), frozen(context), time, originalTimestamp, sentAt, received, extra);
        return new CleanResult.Accepted(cleaned, notes.list());
    }

    private static Rejection tooManyFields(int size, int maxUnknown) {
        return new Rejection(RejectionCode.TOO_MANY_ENTRIES, FieldPath.ROOT, "an event of " + size
                + " top-level fields has more unknown fields than cleaning.maxMapEntries " + maxUnknown);
    }

    private static EventType type(Object typeRaw) {
        if (typeRaw == null) {
            throw new Rejection(RejectionCode.MISSING_TYPE, TYPE, "the event has no type");
        }
        if (!(typeRaw instanceof String s)) {
            throw new Rejection(RejectionCode.WRONG_TYPE, TYPE, "expected a string, got " + ValueText.kindAndValue(typeRaw));
        }
        String wire = s.strip();
        if (wire.isEmpty()) {
            throw new Rejection(RejectionCode.MISSING_TYPE, TYPE, "the type is blank");
        }
        EventType type = EventType.fromWire(wire);
        if (type == null) {
            throw new Rejection(RejectionCode.UNKNOWN_TYPE, TYPE, ValueText.of(s)
                    + " is not one of track, identify, page, screen, group, alias");
        }
        return type;
    }

    /** A string field, stripped of surrounding white space; {@code null} when absent or blank. */
    private String text(Object v, FieldPath path) {
        if (v == null) {
            return null;
        }
        if (!(v instanceof String s)) {
            throw new Rejection(RejectionCode.WRONG_TYPE, path, "expected a string, got " + ValueText.kindAndValue(v));
        }
        values.checkText(s, path, null, "string");
        String stripped = s.strip();
        return stripped.isEmpty() ? null : stripped;
    }

    private static String absence(String field, String value) {
        return value == null ? field + " is absent or blank" : field + " " + ValueText.of(value) + " is a blocked value";
    }

    private static void noteIgnored(Notes notes, String field, String given, String used) {
        if (given != null && used == null) {
            notes.add(field + " " + ValueText.of(given) + " ignored: a blocked value");
        }
    }

    private Instant eventTime(Instant timestamp, Instant original, Instant sentAt, Instant received) {
        Instant time;
        FieldPath from;
        if (timestamp != null) {
            time = timestamp;
            from = TIMESTAMP;
        } else if (original != null) {
            from = ORIGINAL_TIMESTAMP;
            if (sentAt != null && received != null) {
                time = shifted(received, Duration.between(sentAt, original));
                if (time == null || !TimestampReader.inRange(time)) {
                    throw new Rejection(RejectionCode.INVALID_TIMESTAMP, ORIGINAL_TIMESTAMP, "corrected for clock "
                            + "skew, receivedAt " + received + " − (sentAt " + sentAt + " − originalTimestamp "
                            + original + ") lies outside the years 0001-9999");
                }
            } else {
                time = original;
            }
        } else if (received != null) {
            time = received;
            from = RECEIVED_AT;
        } else {
            throw new Rejection(RejectionCode.MISSING_TIMESTAMP, TIMESTAMP,
                    "no timestamp, originalTimestamp or receivedAt places the event in time");
        }
        if (received != null) {
            Instant latest = shifted(received, policy.maxFutureSkew());
            if (latest != null && time.isAfter(latest)) {
                throw new Rejection(RejectionCode.TIMESTAMP_IN_FUTURE, from, "event time " + time + " is more than "
                        + "cleaning.maxFutureSkew " + policy.maxFutureSkew() + " after receivedAt " + received);
            }
            Duration maxPastAge = policy.maxPastAge();
            if (maxPastAge != null) {
                Instant earliest = shifted(received, maxPastAge.negated());
                if (earliest != null && time.isBefore(earliest)) {
                    throw new Rejection(RejectionCode.TIMESTAMP_TOO_OLD, from, "event time " + time + " is more than "
                            + "cleaning.maxPastAge " + maxPastAge + " before receivedAt " + received);
                }
            }
        }
        return time;
    }

    /** {@code t + d}, or {@code null} past the ends of time (a runtime passing an absurd clock or limit). */
    private static Instant shifted(Instant t, Duration d) {
        try {
            return t.plus(d);
        } catch (DateTimeException | ArithmeticException e) {
            return null;
        }
    }

    /**
     * Segment's e-commerce spec makes price, quantity, revenue, total and value numbers wherever they
     * appear, so a string there ({@code "$24.99"}) is a wrong type even on an event the definition
     * does not declare, and a negative one is a return unless the definition allows returns.
     * Declared properties follow their declaration instead.
     */
    private static void checkMoney(Map<String, Object> properties, PropertyRules declared, boolean allowReturns) {
        for (String k : MONEY) {
            boolean typed = declared != null && declared.declares(k);
            boolean bounded = declared != null && declared.bounded.contains(k);
            if (!typed) {
                checkMoney(properties.get(k), PROPERTIES, k, allowReturns);
            } else if (!bounded) {
                checkMoney(properties.get(k) instanceof Number n ? n : null, PROPERTIES, k, allowReturns);
            }
        }
        if (properties.get("products") instanceof List<?> products) {
            FieldPath at = PROPERTIES.key("products");
            for (int i = 0; i < products.size(); i++) {
                if (products.get(i) instanceof Map<?, ?> product) {
                    for (String k : MONEY) {
                        checkMoney(product.get(k), at.index(i), k, allowReturns);
                    }
                }
            }
        }
    }

    private static void checkMoney(Object v, FieldPath parent, String key, boolean allowReturns) {
        if (v == null) {
            return;
        }
        if (!(v instanceof Number n)) {
            throw new Rejection(RejectionCode.WRONG_TYPE, parent.key(key), "must be a number (Segment's e-commerce "
                    + "spec), got " + ValueText.kindAndValue(v));
        }
        if (!allowReturns && n.doubleValue() < 0) {
            throw new Rejection(RejectionCode.OUT_OF_RANGE, parent.key(key), n + " is negative; returns and refunds "
                    + "are accepted only with cleaning.allowReturns");
        }
    }

    private static Map<String, Object> frozen(LinkedHashMap<String, Object> m) {
        return m.isEmpty() ? Map.of() : Collections.unmodifiableMap(m);
    }

    private static String shown(String text) {
        StringBuilder b = new StringBuilder();
        ValueText.escapeInto(b, text, MAX_INTERNAL_MESSAGE);
        return b.toString();
    }

    /**
     * What {@link EventCodec#parseRaw} could not read. A number it cannot represent never fails the
     * parse (it reaches the value walk and is rejected there as {@code invalid_number} at its path), so
     * what is left is text that is not one JSON object, or nesting past the parser's guard.
     */
    private static CleanResult.Rejected parseFailure(PortraitException e) {
        RejectionCode code = RejectionCode.fromCode(e.code());
        if (code != RejectionCode.NESTING_TOO_DEEP) {
            code = RejectionCode.MALFORMED_JSON;
        }
        String path = e.path() == null || e.path().isEmpty() ? "$" : e.path();
        return new CleanResult.Rejected(code.code(), path + ": " + shown(String.valueOf(e.getMessage())), path);
    }

    /** The top-level fields of a raw event, sorted into Segment's and the unknown rest. */
    private static final class RawFields {
        Object type;
        Object messageId;
        Object userId;
        Object anonymousId;
        Object event;
        Object name;
        Object groupId;
        Object previousId;
        Object properties;
        Object traits;
        Object context;
        Object timestamp;
        Object originalTimestamp;
        Object sentAt;
        Object receivedAt;
        List<Map.Entry<String, Object>> unknown;

        static RawFields of(Map<?, ?> raw, ValueCleaner values, int maxUnknown) {
            RawFields f = new RawFields();
            for (Map.Entry<?, ?> e : raw.entrySet()) {
                String key = values.key(e.getKey(), FieldPath.ROOT);
                Object v = e.getValue();
                switch (key) {
                    case "type" -> f.type = v;
                    case "messageId" -> f.messageId = v;
                    case "userId" -> f.userId = v;
                    case "anonymousId" -> f.anonymousId = v;
                    case "event" -> f.event = v;
                    case "name" -> f.name = v;
                    case "groupId" -> f.groupId = v;
                    case "previousId" -> f.previousId = v;
                    case "properties" -> f.properties = v;
                    case "traits" -> f.traits = v;
                    case "context" -> f.context = v;
                    case "timestamp" -> f.timestamp = v;
                    case "originalTimestamp" -> f.originalTimestamp = v;
                    case "sentAt" -> f.sentAt = v;
                    case "receivedAt" -> f.receivedAt = v;
                    default -> {
                        if (f.unknown == null) {
                            f.unknown = new ArrayList<>(4);
                        } else if (f.unknown.size() == maxUnknown) {
                            throw tooManyFields(raw.size(), maxUnknown);
                        }
                        f.unknown.add(new AbstractMap.SimpleImmutableEntry<>(key, v));
                    }
                }
            }
            return f;
        }
    }

    /** The definition's rules for one event's properties, in a fixed order. */
    private static final class PropertyRules {
        final PropertySpec[] checked;
        final PropertySpec[] removed;
        final Set<String> bounded;

        private PropertyRules(PropertySpec[] checked, PropertySpec[] removed, Set<String> bounded) {
            this.checked = checked;
            this.removed = removed;
            this.bounded = bounded;
        }

        boolean declares(String name) {
            for (PropertySpec p : checked) {
                if (p.name().equals(name)) {
                    return true;
                }
            }
            return false;
        }

        static PropertyRules of(EventSpec spec) {
            List<PropertySpec> all = new ArrayList<>(spec.properties().values());
            all.sort(Comparator.comparing(PropertySpec::name));
            List<PropertySpec> removed = new ArrayList<>();
            Set<String> bounded = new HashSet<>();
            for (PropertySpec p : all) {
                if (p.pii() && !p.keep()) {
                    removed.add(p);
                }
                if (p.min() != null) {
                    bounded.add(p.name());
                }
            }
            return new PropertyRules(all.toArray(PropertySpec[]::new), removed.toArray(PropertySpec[]::new),
                    Set.copyOf(bounded));
        }

        void check(LinkedHashMap<String, Object> properties, String eventKey) {
            for (PropertySpec spec : checked) {
                FieldPath at = PROPERTIES.key(spec.name());
                Object v = properties.get(spec.name());
                if (v == null) {
                    if (spec.required()) {
                        throw new Rejection(RejectionCode.MISSING_PROPERTY, at, "required by " + ValueText.of(eventKey)
                                + declaredAt(spec) + " but " + (properties.containsKey(spec.name()) ? "null" : "absent"));
                    }
                    continue;
                }
                Object typed = typed(v, spec, at);
                if (typed != v) {
                    properties.put(spec.name(), typed);
                }
                if (typed instanceof Number n) {
                    double d = n.doubleValue();
                    if (spec.min() != null && d < spec.min()) {
                        throw new Rejection(RejectionCode.OUT_OF_RANGE, at, n + " is below the declared minimum "
                                + bound(spec.min()) + declaredAt(spec));
                    }
                    if (spec.max() != null && d > spec.max()) {
                        throw new Rejection(RejectionCode.OUT_OF_RANGE, at, n + " is above the declared maximum "
                                + bound(spec.max()) + declaredAt(spec));
                    }
                }
            }
        }

        void removePii(LinkedHashMap<String, Object> properties, Notes notes) {
            for (PropertySpec spec : removed) {
                if (properties.containsKey(spec.name())) {
                    properties.remove(spec.name());
                    notes.add(PROPERTIES.key(spec.name()) + " removed: declared pii");
                }
            }
        }

        private static Object typed(Object v, PropertySpec spec, FieldPath at) {
            PropertyType t = spec.type();
            boolean ok = switch (t) {
                case STRING -> v instanceof String;
                case NUMBER -> v instanceof Number;
                case INTEGER -> ValueCleaner.integral(v) != null;
                case BOOLEAN -> v instanceof Boolean;
                case OBJECT -> v instanceof Map;
                case ARRAY -> v instanceof List;
                case ANY -> true;
            };
            if (!ok) {
                throw new Rejection(RejectionCode.WRONG_TYPE, at, "declared " + t.name().toLowerCase(Locale.ROOT)
                        + declaredAt(spec) + ", got " + ValueText.kindAndValue(v));
            }
            return t == PropertyType.INTEGER ? ValueCleaner.integral(v) : v;
        }

        private static String bound(double b) {
            return b == Math.rint(b) && Math.abs(b) < 1e15 ? Long.toString((long) b) : Double.toString(b);
        }

        private static String declaredAt(PropertySpec spec) {
            return spec.path() == null || spec.path().isEmpty() ? "" : " (" + spec.path() + ")";
        }
    }

    /**
     * Identifier values that identify nobody, compared stripped and case-insensitively. Indexed by
     * length because almost every real id (a UUID is as long as the blocked all-zero UUID) can be
     * ruled out without lower-casing it.
     */
    private static final class BlockedIds {
        private final String[][] byLength;

        private BlockedIds(Set<String> values) {
            int longest = 0;
            for (String s : values) {
                longest = Math.max(longest, s.length());
            }
            List<List<String>> buckets = new ArrayList<>();
            for (int i = 0; i <= longest; i++) {
                buckets.add(new ArrayList<>());
            }
            for (String s : values) {
                buckets.get(s.length()).add(s);
            }
            this.byLength = new String[longest + 1][];
            for (int i = 0; i <= longest; i++) {
                byLength[i] = buckets.get(i).toArray(String[]::new);
            }
        }

        /** The blocked set of the rules reading {@code field}, or the default when none does. */
        static BlockedIds of(List<IdentityRule> rules, String field) {
            Set<String> blocked = new HashSet<>();
            boolean found = false;
            for (IdentityRule r : rules) {
                if (r.from().contains(field)) {
                    found = true;
                    for (String b : r.blocked()) {
                        blocked.add(b.strip());
                    }
                }
            }
            if (!found) {
                for (String b : IdentityRule.DEFAULT_BLOCKED) {
                    blocked.add(b.strip());
                }
            }
            return new BlockedIds(blocked);
        }

        /** The id itself (already stripped), or {@code null} when it is absent or blocked. */
        String usable(String id) {
            if (id == null || id.isEmpty()) {
                return null;
            }
            if (id.length() < byLength.length) {
                for (String b : byLength[id.length()]) {
                    if (b.equalsIgnoreCase(id)) {
                        return null;
                    }
                }
            }
            return id;
        }
    }
}
