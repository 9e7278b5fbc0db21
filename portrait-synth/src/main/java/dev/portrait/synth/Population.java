package dev.portrait.synth;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * The persons of the simulation. Everything fixed about a person (favourite categories, drift
 * moment, name, devices, ids) is a hash of the seed and their index, computed when needed; only
 * what changes as the stream runs is stored, one byte or two per person: which devices have
 * identified, how many sessions each device has had, and which devices have a session open. A
 * population of a million costs about 4 MB.
 */
final class Population {
    private static final String[] FIRST = {
        "Wei", "Fang", "Jing", "Lei", "Yan", "Hao", "Mei", "Jun", "Aarav", "Priya", "Rahul", "Ananya",
        "James", "Mary", "Robert", "Linda", "Emma", "Noah", "Olivia", "Liam", "Sofia", "Lucas", "Mia",
        "Hugo", "Lea", "Jonas", "Hanna", "Yuki", "Haruto", "Sakura", "Minjun", "Seoyeon", "Gabriel",
        "Maria", "Jose", "Ana", "Mateo", "Chloe", "Ethan", "Amelia",
    };
    private static final String[] LAST = {
        "Wang", "Li", "Zhang", "Liu", "Chen", "Yang", "Huang", "Zhao", "Sharma", "Patel", "Singh",
        "Kumar", "Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Muller",
        "Schmidt", "Schneider", "Martin", "Bernard", "Dubois", "Sato", "Suzuki", "Takahashi", "Kim",
        "Lee", "Park", "Silva", "Santos", "Oliveira", "Rossi", "Russo", "Jansen", "Andersson", "Nilsson",
    };
    private static final String[] DOMAINS = {"example.com", "example.org", "example.net", "mail.example"};
    private static final String[] COUNTRIES = {
        "US", "CN", "IN", "GB", "DE", "JP", "BR", "FR", "CA", "MX", "KR", "ES", "IT", "NL", "SE"};
    private static final String[] LOCALES = {
        "en-US", "zh-CN", "en-IN", "en-GB", "de-DE", "ja-JP", "pt-BR", "fr-FR", "en-CA", "es-MX", "ko-KR",
        "es-ES", "it-IT", "nl-NL", "sv-SE"};
    private static final CumulativeWeights COUNTRY_WEIGHTS = new CumulativeWeights(
            new double[] {30, 15, 8, 7, 7, 6, 6, 5, 4, 3, 3, 2, 2, 1, 1});
    private static final String[] PLANS = {"free", "plus", "premium"};
    private static final String[] TEST_NETS = {"192.0.2.", "198.51.100.", "203.0.113."};

    private static final int ANONYMOUS_FIRST = 1;
    private static final int SECOND_DEVICE = 2;
    private static final int ALIAS = 3;
    private static final int FAVOURITE = 4;
    private static final int LATER = 5;
    private static final int DRIFTS = 6;
    private static final int DRIFT_AT = 7;
    private static final int PLAN = 8;
    private static final int UPGRADE_AT = 9;
    private static final int COUNTRY = 10;
    private static final int NAME = 11;
    private static final int AGE = 12;
    private static final int PLATFORM = 13;
    private static final int LINK_SESSION = 14;
    private static final int NETWORK = 15;
    private static final int AGENT = 16;
    private static final int ANONYMOUS_ID = 17;
    private static final int DEVICE_ID = 18;
    private static final int DEVICE_CHOICE = 19;
    private static final int ACTIVITY = 20;
    private static final int USER_ID = 21;

    private final SyntheticConfig config;
    private final Catalogue catalogue;
    private final int size;
    private final long[] salts = new long[22];
    private final ZipfSampler activity;
    private final long activityStep;
    private final long activityOffset;
    private final long userIdStep;
    private final long userIdOffset;
    private final long startMillis;
    private final long driftWindowMillis;

    private final byte[] linked;
    private final byte[] sessions;
    private final byte[] open;

    Population(SyntheticConfig config, Catalogue catalogue) {
        this.config = config;
        this.catalogue = catalogue;
        this.size = config.users();
        for (int f = 1; f < salts.length; f++) {
            salts[f] = SeededRandom.salt(config.seed(), 1000 + f);
        }
        activity = new ZipfSampler(size, config.userActivityExponent());
        // Activity rank and user id are each an affine permutation of the index, so the busiest
        // persons are spread over the index range and user ids say nothing about person indexes.
        activityStep = coprimeStep(salts[ACTIVITY]);
        activityOffset = Math.floorMod(SeededRandom.mix64(salts[ACTIVITY]), (long) size);
        userIdStep = coprimeStep(salts[USER_ID]);
        userIdOffset = Math.floorMod(SeededRandom.mix64(salts[USER_ID]), (long) size);
        startMillis = config.start().toEpochMilli();
        driftWindowMillis = config.driftWindow().toMillis();
        linked = new byte[size];
        sessions = new byte[2 * size];
        open = new byte[size];
    }

    private long coprimeStep(long salt) {
        long step = 1 + Math.floorMod(salt, (long) Math.max(1, size - 1));
        while (gcd(step, size) != 1) {
            step++;
        }
        return step;
    }

    private static long gcd(long a, long b) {
        while (b != 0) {
            long t = a % b;
            a = b;
            b = t;
        }
        return a;
    }

    int size() {
        return size;
    }

    private long hash(int field, long key) {
        return SeededRandom.hash(salts[field], key);
    }

    private double unit(int field, long key) {
        return SeededRandom.unit(hash(field, key));
    }

    // ---- who starts the next session ----

    /**
     * A person and device with no session open, packed as {@code index << 1 | device}. Persons are
     * drawn by Zipf activity; a draw whose device is busy is retried a few times, because one
     * person does not browse the same shop in two tabs at full speed, and the retries also cap how
     * much of the traffic the very busiest persons take. If every try is busy, the next person
     * with a free first device is taken: one exists, since there are no more open sessions than
     * persons. So a device never has two sessions, and a session may keep its device's identity
     * state to itself.
     */
    long drawSession(SeededRandom random) {
        int person = 0;
        for (int attempt = 0; attempt < 4; attempt++) {
            person = (int) (((activity.sample(random) - 1) * activityStep + activityOffset) % size);
            int device = secondDevice(person) && random.chance(0.4) ? 1 : 0;
            if ((open[person] & (1 << device)) == 0) {
                return ((long) person << 1) | device;
            }
        }
        while ((open[person] & 1) != 0) {
            person = person + 1 == size ? 0 : person + 1;
        }
        return (long) person << 1;
    }

    /** Marks a session open and returns how many sessions the device had before it. */
    int beginSession(int person, int device) {
        open[person] |= (byte) (1 << device);
        int at = 2 * person + device;
        int before = sessions[at];
        if (before < Byte.MAX_VALUE) {
            sessions[at]++;
        }
        return before;
    }

    void endSession(int person, int device) {
        open[person] &= (byte) ~(1 << device);
    }

    // ---- identity ----

    boolean anonymousFirst(int person) {
        return unit(ANONYMOUS_FIRST, person) < config.anonymousFirstShare();
    }

    boolean secondDevice(int person) {
        return unit(SECOND_DEVICE, person) < config.secondDeviceShare();
    }

    boolean linksWithAlias(int person) {
        return secondDevice(person) && unit(ALIAS, person) < config.aliasShare();
    }

    boolean linked(int person, int device) {
        return (linked[person] & (1 << device)) != 0;
    }

    void markLinked(int person, int device) {
        linked[person] |= (byte) (1 << device);
    }

    /**
     * The ordinal of the session in which a device identifies: the first for a person who signs in
     * straight away, the second to fourth for one who browses anonymously first, the first to
     * third for a second device. A device that reaches checkout identifies there at the latest.
     */
    int linkSession(int person, int device) {
        long h = hash(LINK_SESSION, 2L * person + device);
        if (device == 1) {
            return (int) Math.floorMod(h, 3L);
        }
        return anonymousFirst(person) ? 1 + (int) Math.floorMod(h, 3L) : 0;
    }

    String userId(int person) {
        return "user-" + permutedId(person);
    }

    private long permutedId(int person) {
        return (person * userIdStep + userIdOffset) % size;
    }

    String anonymousId(int person, int device) {
        long key = 2L * person + device;
        return "anon-" + Ids.uuid(hash(ANONYMOUS_ID, key), SeededRandom.permute62(key ^ salts[ANONYMOUS_ID]));
    }

    /** The advertising-free device id an app SDK reports (an IDFV on iOS, upper case). */
    String deviceId(int person, int device) {
        long key = 2L * person + device;
        String id = Ids.uuid(hash(DEVICE_ID, key), SeededRandom.permute62(key ^ salts[DEVICE_ID]));
        return platform(person, device) == Platform.IOS ? id.toUpperCase(Locale.ROOT) : id;
    }

    // ---- traits ----

    private int countryIndex(int person) {
        return COUNTRY_WEIGHTS.sample(unit(COUNTRY, person));
    }

    String country(int person) {
        return COUNTRIES[countryIndex(person)];
    }

    String locale(int person) {
        return LOCALES[countryIndex(person)];
    }

    String name(int person) {
        long h = hash(NAME, person);
        return FIRST[(int) Math.floorMod(h, (long) FIRST.length)] + " "
                + LAST[(int) Math.floorMod(h >>> 20, (long) LAST.length)];
    }

    /** Lower-case and unique: the permuted id is part of the local part. */
    String email(int person) {
        long h = hash(NAME, person);
        return (FIRST[(int) Math.floorMod(h, (long) FIRST.length)] + "."
                + LAST[(int) Math.floorMod(h >>> 20, (long) LAST.length)]).toLowerCase(Locale.ROOT)
                + permutedId(person) + "@" + DOMAINS[(int) Math.floorMod(h >>> 40, (long) DOMAINS.length)];
    }

    long age(int person) {
        double u = unit(AGE, person);
        return 18 + (long) (57 * u * u);
    }

    /** free, plus or premium; one person in six moves up a tier at a moment within the drift window. */
    String plan(int person, long at) {
        long h = hash(PLAN, person);
        double u = SeededRandom.unit(h);
        int tier = u < 0.70 ? 0 : u < 0.95 ? 1 : 2;
        boolean upgrades = Math.floorMod(h, 6L) == 0;
        if (upgrades && tier < 2 && at >= startMillis + (long) (driftWindowMillis * unit(UPGRADE_AT, person))) {
            tier++;
        }
        return PLANS[tier];
    }

    // ---- interests ----

    int favourite(int person) {
        return catalogue.categoryByPopularity(unit(FAVOURITE, person));
    }

    boolean drifts(int person) {
        return catalogue.categories().size() > 1 && unit(DRIFTS, person) < config.driftShare();
    }

    /** A category other than the first favourite, also in proportion to popularity. */
    int laterFavourite(int person) {
        int first = favourite(person);
        if (!drifts(person)) {
            return first;
        }
        for (int attempt = 0; ; attempt++) {
            int c = catalogue.categoryByPopularity(SeededRandom.unit(hash(LATER, person * 64L + attempt)));
            if (c != first) {
                return c;
            }
            if (attempt == 63) {
                return (first + 1) % catalogue.categories().size();
            }
        }
    }

    /**
     * When the favourite changes: uniform in the middle third of the drift window, so the first and
     * last thirds each show one interest cleanly. {@code Long.MAX_VALUE} for persons who do not drift.
     */
    long driftAt(int person) {
        if (!drifts(person)) {
            return Long.MAX_VALUE;
        }
        return startMillis + driftWindowMillis / 3 + (long) (driftWindowMillis / 3.0 * unit(DRIFT_AT, person));
    }

    int favouriteAt(int person, long at) {
        return at >= driftAt(person) ? laterFavourite(person) : favourite(person);
    }

    // ---- devices ----

    /** The first device is web for 60%, iOS or Android otherwise; a second device is the other kind. */
    Platform platform(int person, int device) {
        double u = unit(PLATFORM, person);
        Platform first = u < 0.60 ? Platform.WEB : u < 0.82 ? Platform.IOS : Platform.ANDROID;
        if (device == 0) {
            return first;
        }
        if (first != Platform.WEB) {
            return Platform.WEB;
        }
        return SeededRandom.unit(hash(DEVICE_CHOICE, person)) < 0.55 ? Platform.IOS : Platform.ANDROID;
    }

    /**
     * Addresses come only from the ranges reserved for documentation (RFC 5737 and RFC 3849), so no
     * real host's address ends up in test data, logs or demos.
     */
    String ip(int person, int device) {
        long h = hash(NETWORK, 2L * person + device);
        if (Math.floorMod(h, 10L) < 7) {
            return TEST_NETS[(int) Math.floorMod(h >>> 8, 3L)] + (1 + Math.floorMod(h >>> 16, 254L));
        }
        byte[] groups = new byte[14];
        Ids.hex(h >>> 8, 4, groups, 0);
        groups[4] = ':';
        Ids.hex(h >>> 24, 4, groups, 5);
        groups[9] = ':';
        Ids.hex(h >>> 40, 4, groups, 10);
        return "2001:db8:" + new String(groups, StandardCharsets.ISO_8859_1) + "::1";
    }

    /** Which of its platform's user agents (and device models) a device has. */
    int agent(int person, int device) {
        long choices = platform(person, device).userAgents.length;
        return (int) Math.floorMod(hash(AGENT, 2L * person + device), choices);
    }

    Persona persona(int person) {
        if (person < 0 || person >= size) {
            throw new IndexOutOfBoundsException("person " + person + " is not in a population of " + size);
        }
        long drift = driftAt(person);
        List<String> anonymousIds = secondDevice(person)
                ? List.of(anonymousId(person, 0), anonymousId(person, 1))
                : List.of(anonymousId(person, 0));
        return new Persona(person, Persona.personId(person), userId(person), anonymousIds, email(person),
                anonymousFirst(person), linksWithAlias(person),
                catalogue.categories().get(favourite(person)), catalogue.categories().get(laterFavourite(person)),
                drift == Long.MAX_VALUE ? null : Instant.ofEpochMilli(drift));
    }
}
