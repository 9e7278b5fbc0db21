package dev.portrait.core.model;

import dev.portrait.core.encoding.BinaryIn;
import dev.portrait.core.encoding.BinaryOut;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One person's side of the feedback loop, inside their {@link ModelState}: the recommendation answers they
 * were recently shown (at most {@code remember}, to count each once and to find what a conversion follows)
 * and their own counts per placement. {@link RecommendationFeedback} owns the logic; this is the data and
 * its binary form. Bounded: {@code remember} answers of at most {@link #ITEMS_PER_ANSWER} clicked items,
 * and at most {@link #MAX_PLACEMENTS} rows of counts (later ones are counted under {@link #OTHER}).
 */
public final class FeedbackState {
    static final int ITEMS_PER_ANSWER = 8;
    static final int MAX_PLACEMENTS = 16;
    static final String OTHER = "_other";

    /** An answer this person was shown. */
    static final class Answer {
        final String id;
        final long servedAt;
        final String placement;
        final int experiment;
        final int variant;
        boolean clicked;
        long clickedAt;
        final List<String> clickedItems = new ArrayList<>(2);
        boolean converted;

        Answer(String id, long servedAt, String placement, int experiment, int variant) {
            this.id = id;
            this.servedAt = servedAt;
            this.placement = placement;
            this.experiment = experiment;
            this.variant = variant;
        }

        /** Whether this one goes before {@code o} when the oldest is let go: by serving time, then id. */
        boolean olderThan(Answer o) {
            return servedAt != o.servedAt ? servedAt < o.servedAt : id.compareTo(o.id) < 0;
        }

        void addClickedItem(String item) {
            if (item != null && !clickedItems.contains(item) && clickedItems.size() < ITEMS_PER_ANSWER) {
                clickedItems.add(item);
            }
        }
    }

    /** Remembered answers by id. */
    final Map<String, Answer> answers = new LinkedHashMap<>();
    /**
     * The latest serving time of an answer let go (evicted or past every window): an id served no later
     * than this that is not remembered was counted before, or is too old to count, and is not counted again.
     */
    long forgottenUpTo = Long.MIN_VALUE;
    /**
     * Per placement, experiment and variant ({@link #rowKey}): shown, clicked, converted. Kept by variant too
     * so a forget can take exactly this person's share back from the shared counts.
     */
    final TreeMap<String, long[]> counts = new TreeMap<>();

    FeedbackState() {
    }

    /** This person's counts per placement: shown, clicked, converted (summed over variants; copies). */
    public Map<String, long[]> countsByPlacement() {
        Map<String, long[]> out = new TreeMap<>();
        counts.forEach((k, v) -> {
            long[] row = out.computeIfAbsent(k.substring(0, k.indexOf('\0')), x -> new long[3]);
            for (int i = 0; i < 3; i++) {
                row[i] += v[i];
            }
        });
        return out;
    }

    static String rowKey(String placement, String experiment, String variant) {
        return placement + "\0" + experiment + "\0" + variant;
    }

    /** The row's parts: placement, experiment, variant. */
    static String[] rowParts(String key) {
        return key.split("\0", -1);
    }

    /** The counts' row, a new one unless {@link #MAX_PLACEMENTS} are taken (then the {@link #OTHER} row). */
    long[] row(String placement, String experiment, String variant) {
        String key = rowKey(placement, experiment, variant);
        long[] row = counts.get(key);
        if (row == null) {
            if (counts.size() >= MAX_PLACEMENTS - 1 && !placement.equals(OTHER)) {
                key = rowKey(OTHER, "", "");
            }
            row = counts.computeIfAbsent(key, k -> new long[3]);
        }
        return row;
    }

    void encode(BinaryOut out) {
        out.writeSignedVarLong(forgottenUpTo).writeVarInt(answers.size());
        for (Answer a : answers.values()) {
            out.writeString(a.id).writeSignedVarLong(a.servedAt).writeString(a.placement)
                    .writeVarInt(a.experiment + 1).writeVarInt(a.variant + 1)
                    .writeBoolean(a.clicked).writeSignedVarLong(a.clickedAt).writeBoolean(a.converted)
                    .writeVarInt(a.clickedItems.size());
            a.clickedItems.forEach(out::writeString);
        }
        out.writeVarInt(counts.size());
        counts.forEach((placement, c) -> out.writeString(placement).writeVarLong(c[0]).writeVarLong(c[1]).writeVarLong(c[2]));
    }

    static FeedbackState decode(BinaryIn in) {
        FeedbackState s = new FeedbackState();
        s.forgottenUpTo = in.readSignedVarLong();
        int n = in.readLength();
        for (int i = 0; i < n; i++) {
            Answer a = new Answer(in.readString(), in.readSignedVarLong(), in.readString(), in.readVarInt() - 1,
                    in.readVarInt() - 1);
            a.clicked = in.readBoolean();
            a.clickedAt = in.readSignedVarLong();
            a.converted = in.readBoolean();
            int items = in.readLength();
            for (int j = 0; j < items; j++) {
                a.clickedItems.add(in.readString());
            }
            s.answers.put(a.id, a);
        }
        int placements = in.readLength();
        for (int i = 0; i < placements; i++) {
            s.counts.put(in.readString(), new long[]{in.readVarLong(), in.readVarLong(), in.readVarLong()});
        }
        return s;
    }
}
