package dev.portrait.synth;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Set;

/**
 * A seeded stream of social/content traffic in Segment's format, in the vocabulary of the shipped
 * social definition ({@code default-social.yaml}), with its ground truth known: who belongs to which
 * community, who follows whom, and each person's planted close friends.
 *
 * <h2>The model</h2>
 *
 * {@code people} persons fall into {@code communities}, each with a topic of its own. Each person
 * follows {@code follows} others: with probability {@code homophily} someone of their own community,
 * otherwise anyone, drawn by Zipf popularity so that a few accounts gather many followers. On top of
 * that every person is paired with up to {@code closeFriends} <em>close friends</em> of their own
 * community (pairs are mutual, drawn round by round from shuffled communities, so a few people end a
 * round without a partner); close friends follow each other.
 *
 * <p>Each simulated day, every person: exchanges messages with each close friend with probability
 * {@link #EXCHANGE}; likes and now and then comments on posts of a few random followees; views posts
 * of followees, mostly on their community's topic; and sometimes posts. Follows happen over the first
 * three days. Every interaction is emitted twice, as the product's backend would: the acting side on
 * the actor ({@code Message Sent}, naming {@code target_user_id}) and the receiving side on the other
 * person ({@code Message Received}, naming {@code source_user_id}).
 *
 * <p><b>Friends' views predict yours (planted).</b> Each day, with probability {@code echo}, a person also
 * views one post that one of their close friends (drawn at random) viewed the day before — as people open
 * what a friend shared or mentioned. Without it a close friend's views would tell no more about yours than
 * any member of your community's do (both follow mostly inside the community, at random), so a recommender
 * reading friends' views could gain only the topic, which the interest part already has. With
 * {@code echo = 0} the stream is the one generated before this effect existed; {@code portrait eval social}
 * measures the recommender's social part on both (docs/EVALUATION.md).
 *
 * <p>So the strongest ties are planted: a close friend exchanges a message about every other day in
 * each direction, while a followee who is not a close friend gets a like every few weeks. With the
 * social definition's weights and half-life, each person's top ties are their close friends, which
 * the generator's test checks against the engine's {@code tie_strength}.
 *
 * <h2>Determinism</h2>
 *
 * SplitMix64 ({@link SeededRandom}) seeded by the shape, one day built at a time and emitted in time
 * order (ties by construction order); the same shape gives the same events on every run.
 */
public final class SyntheticSocial implements Iterator<SyntheticEvent> {
    /** The chance a pair of close friends exchange messages on a given day. */
    public static final double EXCHANGE = 0.6;
    private static final long DAY = 86_400_000L;
    private static final int FOLLOW_DAYS = 3;

    /**
     * What to generate.
     *
     * @param seed         everything follows from it
     * @param people       how many persons
     * @param communities  how many communities (each with a topic); at most people / 2
     * @param closeFriends the planted close friends per person (fewer for a few, see the class comment)
     * @param follows      accounts each person follows besides close friends
     * @param homophily    the chance a follow stays inside the person's community, in [0, 1]
     * @param days         how many simulated days
     * @param start        the first day's start
     * @param echo         the chance a person views, on a given day, a post a close friend viewed the day before
     */
    public record Shape(long seed, int people, int communities, int closeFriends, int follows, double homophily,
                        int days, Instant start, double echo) {
        public Shape {
            if (people < 4) {
                throw new IllegalArgumentException("a social stream needs at least 4 people, got " + people);
            }
            if (communities < 1 || communities > people / 2) {
                throw new IllegalArgumentException("communities must be 1 to people / 2 (" + people / 2 + "), got "
                        + communities);
            }
            if (closeFriends < 0 || follows < 0 || days < 1) {
                throw new IllegalArgumentException("closeFriends and follows must not be negative and days positive, got "
                        + closeFriends + ", " + follows + ", " + days);
            }
            if (!(homophily >= 0 && homophily <= 1)) {
                throw new IllegalArgumentException("homophily must be in [0, 1], got " + homophily);
            }
            if (!(echo >= 0 && echo <= 1)) {
                throw new IllegalArgumentException("echo must be in [0, 1], got " + echo);
            }
            java.util.Objects.requireNonNull(start, "start");
        }

        /** 2,000 people in 20 communities, 5 close friends and 30 follows each, homophily 0.8, 30 days, echo 0.5. */
        public static Shape defaults(long seed) {
            return new Shape(seed, 2_000, 20, 5, 30, 0.8, 30, SyntheticConfig.DEFAULT_START, 0.5);
        }

        public Shape withPeople(int n, int newCommunities) {
            return new Shape(seed, n, newCommunities, closeFriends, follows, homophily, days, start, echo);
        }

        public Shape withDays(int n) {
            return new Shape(seed, people, communities, closeFriends, follows, homophily, n, start, echo);
        }

        public Shape withEcho(double chance) {
            return new Shape(seed, people, communities, closeFriends, follows, homophily, days, start, chance);
        }
    }

    private record Timed(long time, SyntheticEvent event) {
    }

    private record View(String post, int author) {
    }

    private final Shape shape;
    private final SeededRandom random;
    private final IsoMillis iso = new IsoMillis();
    private final int[] community;
    private final int[][] members;
    private final int[][] followees;
    private final int[][] friends;
    private final List<Timed> today = new ArrayList<>();
    /** Per person, the posts viewed yesterday and today: what friends echo. */
    private List<List<View>> viewedYesterday = new ArrayList<>();
    private List<List<View>> viewedToday = new ArrayList<>();
    private int day;
    private int next;
    private long messages;
    private long posts;

    private SyntheticSocial(Shape shape) {
        this.shape = shape;
        this.random = new SeededRandom(SeededRandom.salt(shape.seed(), 29));
        int n = shape.people();
        community = new int[n];
        List<List<Integer>> byCommunity = new ArrayList<>();
        for (int c = 0; c < shape.communities(); c++) {
            byCommunity.add(new ArrayList<>());
        }
        for (int p = 0; p < n; p++) {
            // every community gets at least two members; the rest fall at random
            community[p] = p < 2 * shape.communities() ? p / 2 : random.nextInt(shape.communities());
            byCommunity.get(community[p]).add(p);
        }
        members = new int[shape.communities()][];
        for (int c = 0; c < members.length; c++) {
            members[c] = byCommunity.get(c).stream().mapToInt(Integer::intValue).toArray();
        }
        friends = plantFriends();
        followees = drawFollows();
    }

    /** A stream of {@code shape.days()} days. */
    public static SyntheticSocial of(Shape shape) {
        return new SyntheticSocial(shape);
    }

    public Shape shape() {
        return shape;
    }

    /** The user id the events of person {@code p} carry. */
    public static String userId(int p) {
        return "member-" + p;
    }

    public int community(int p) {
        return community[p];
    }

    /** The topic of a community: what its members post and read about. */
    public static String topic(int community) {
        return "topic-" + community;
    }

    /** Person {@code p}'s planted close friends, as user ids, sorted. */
    public Set<String> closeFriends(int p) {
        Set<String> out = new java.util.TreeSet<>();
        for (int f : friends[p]) {
            out.add(userId(f));
        }
        return out;
    }

    /** Whom person {@code p} follows (close friends included), as user ids. */
    public Set<String> follows(int p) {
        Set<String> out = new LinkedHashSet<>();
        for (int f : followees[p]) {
            out.add(userId(f));
        }
        return out;
    }

    /** Mutual pairs, round by round: each round shuffles each community and pairs neighbours. */
    private int[][] plantFriends() {
        List<Set<Integer>> chosen = new ArrayList<>();
        for (int p = 0; p < shape.people(); p++) {
            chosen.add(new java.util.TreeSet<>());
        }
        for (int round = 0; round < shape.closeFriends(); round++) {
            for (int[] group : members) {
                int[] order = shuffled(group);
                for (int i = 0; i + 1 < order.length; i += 2) {
                    int a = order[i];
                    int b = order[i + 1];
                    if (!chosen.get(a).contains(b)) {
                        chosen.get(a).add(b);
                        chosen.get(b).add(a);
                    }
                }
            }
        }
        int[][] out = new int[shape.people()][];
        for (int p = 0; p < out.length; p++) {
            out[p] = chosen.get(p).stream().mapToInt(Integer::intValue).toArray();
        }
        return out;
    }

    private int[][] drawFollows() {
        ZipfSampler popularity = new ZipfSampler(shape.people(), 1.0);
        int[][] out = new int[shape.people()][];
        for (int p = 0; p < shape.people(); p++) {
            Set<Integer> f = new LinkedHashSet<>();
            for (int q : friends[p]) {
                f.add(q);
            }
            int wanted = f.size() + Math.min(shape.follows(), shape.people() - 1 - f.size());
            int[] own = members[community[p]];
            for (int attempts = 0; f.size() < wanted && attempts < 50 * wanted; attempts++) {
                int q = random.chance(shape.homophily()) ? own[random.nextInt(own.length)] : popularity.sample(random) - 1;
                if (q != p) {
                    f.add(q);
                }
            }
            out[p] = f.stream().mapToInt(Integer::intValue).toArray();
        }
        return out;
    }

    private int[] shuffled(int[] group) {
        int[] order = group.clone();
        for (int i = order.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return order;
    }

    @Override
    public boolean hasNext() {
        while (next >= today.size() && day < shape.days()) {
            buildDay();
        }
        return next < today.size();
    }

    @Override
    public SyntheticEvent next() {
        if (!hasNext()) {
            throw new NoSuchElementException("the social stream ended after " + shape.days() + " days");
        }
        return today.get(next++).event();
    }

    /** The time of the event {@link #next()} returned last: a {@code now} to read profiles at. */
    public Instant clock() {
        return Instant.ofEpochMilli(today.isEmpty() ? shape.start().toEpochMilli() : today.get(Math.max(0, next - 1)).time());
    }

    private void buildDay() {
        today.clear();
        next = 0;
        long dayStart = shape.start().toEpochMilli() + day * DAY;
        List<List<View>> swap = viewedYesterday;
        viewedYesterday = viewedToday;
        viewedToday = swap;
        viewedToday.clear();
        for (int p = 0; p < shape.people(); p++) {
            viewedToday.add(new ArrayList<>());
        }
        for (int p = 0; p < shape.people(); p++) {
            if (day < FOLLOW_DAYS) {
                for (int k = day; k < followees[p].length; k += FOLLOW_DAYS) {
                    pair(p, followees[p][k], "User Followed", "Follower Gained", dayStart, null);
                }
            }
            for (int f : friends[p]) {
                // each pair's exchange is decided by the smaller id, so both sides happen together
                if (p < f && random.chance(EXCHANGE)) {
                    pair(p, f, "Message Sent", "Message Received", dayStart, null);
                    pair(f, p, "Message Sent", "Message Received", dayStart, null);
                }
            }
            if (followees[p].length > 0) {
                for (int k = random.nextInt(3); k > 0; k--) {
                    int q = followees[p][random.nextInt(followees[p].length)];
                    String post = "post-" + q + "-" + random.nextInt(20);
                    view(p, q, post, dayStart);
                    if (random.chance(0.5)) {
                        pair(p, q, "Post Liked", "Like Received", dayStart, post);
                    } else if (random.chance(0.2)) {
                        pair(p, q, "Comment Posted", "Comment Received", dayStart, post);
                    }
                }
            }
            // drawn only when the effect is on, so echo 0 gives the stream made before it existed
            if (shape.echo() > 0 && friends[p].length > 0 && random.chance(shape.echo())) {
                int f = friends[p][random.nextInt(friends[p].length)];
                List<View> theirs = viewedYesterday.isEmpty() ? List.of() : viewedYesterday.get(f);
                if (!theirs.isEmpty()) {
                    View v = theirs.get(random.nextInt(theirs.size()));
                    view(p, v.author(), v.post(), dayStart);
                }
            }
            if (random.chance(0.3)) {
                long t = dayStart + random.nextInt((int) DAY);
                add(t, p, "Post Created", JsonObject.of("post_id", "post-" + p + "-" + (posts++ % 20),
                        "topic", topic(community[p])));
            }
        }
        // stable: events at the same ms keep the order they were made in
        today.sort(Comparator.comparingLong(Timed::time));
        day++;
    }

    private void view(int p, int author, String post, long dayStart) {
        viewedToday.get(p).add(new View(post, author));
        long t = dayStart + random.nextInt((int) DAY);
        add(t, p, "Post Viewed", JsonObject.of("post_id", post, "target_user_id", userId(author),
                "topic", topic(community[author])));
    }

    /** The acting side on {@code actor} and, a second later, the receiving side on {@code other}. */
    private void pair(int actor, int other, String acting, String receiving, long dayStart, String post) {
        long t = dayStart + random.nextInt((int) DAY - 1000);
        JsonObject out = post == null
                ? JsonObject.of("target_user_id", userId(other))
                : JsonObject.of("post_id", post, "target_user_id", userId(other), "topic", topic(community[other]));
        add(t, actor, acting, out);
        JsonObject in = post == null
                ? JsonObject.of("source_user_id", userId(actor))
                : JsonObject.of("source_user_id", userId(actor), "post_id", post);
        add(t + 1000, other, receiving, in);
    }

    private void add(long time, int person, String event, JsonObject properties) {
        JsonObject json = JsonObject.of(
                "type", "track",
                "messageId", Ids.uuid(shape.seed(), ++messages),
                "userId", userId(person),
                "event", event,
                "properties", properties,
                "timestamp", iso.format(time));
        today.add(new Timed(time, new SyntheticEvent(json, Flaw.NONE, null, userId(person))));
    }

    /** Person indices 0 .. people − 1, for tests that walk the population. */
    public List<Integer> people() {
        Integer[] all = new Integer[shape.people()];
        Arrays.setAll(all, i -> i);
        return Collections.unmodifiableList(Arrays.asList(all));
    }
}
