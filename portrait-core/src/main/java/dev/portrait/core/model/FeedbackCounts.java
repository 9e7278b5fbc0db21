package dev.portrait.core.model;

import dev.portrait.core.encoding.BinaryIn;
import dev.portrait.core.encoding.BinaryOut;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The feedback join's totals over everyone: answers shown, clicked and converted per model, placement and
 * experiment variant, and the shown or clicked events that did not join, by reason. Built from
 * {@link ModelUpdate.Feedback} updates in step order (so a replay rebuilds it) and checkpointed with the
 * shared models. At most {@link #MAX_ROWS} rows: placements are names a read key chooses, and these rows
 * become metric series, so rows beyond the bound are counted under placement {@link FeedbackState#OTHER}.
 * Not thread-safe: the runtime's models thread owns it.
 */
public final class FeedbackCounts {
    static final int MAX_ROWS = 256;
    private static final int VERSION = 1;

    /**
     * One row.
     *
     * @param experiment the experiment whose variant served the answers, "" for none
     * @param variant    its variant, "" for none
     */
    public record Row(String model, String placement, String experiment, String variant, long shown, long clicked,
                      long converted) {
        /** Clicked answers per shown answer, NaN before any was shown. */
        public double ctr() {
            return shown == 0 ? Double.NaN : (double) clicked / shown;
        }

        /** Converted answers per clicked answer, NaN before any was clicked. */
        public double conversionRate() {
            return clicked == 0 ? Double.NaN : (double) converted / clicked;
        }
    }

    private final TreeMap<List<String>, long[]> rows = new TreeMap<>(FeedbackCounts::compareKeys);
    private final TreeMap<String, Long> unjoined = new TreeMap<>();

    private static int compareKeys(List<String> a, List<String> b) {
        for (int i = 0; i < a.size(); i++) {
            int c = a.get(i).compareTo(b.get(i));
            if (c != 0) {
                return c;
            }
        }
        return 0;
    }

    void absorb(ModelUpdate.Feedback f) {
        List<String> key = List.of(f.model(), f.placement(), f.experiment(), f.variant());
        long[] row = rows.get(key);
        if (row == null) {
            if (rows.size() >= MAX_ROWS - 1) {
                key = List.of(f.model(), FeedbackState.OTHER, f.experiment(), f.variant());
            }
            row = rows.computeIfAbsent(key, k -> new long[3]);
        }
        row[0] = Math.max(0, row[0] + f.shown());
        row[1] = Math.max(0, row[1] + f.clicked());
        row[2] = Math.max(0, row[2] + f.converted());
    }

    void absorb(ModelUpdate.FeedbackUnjoined u) {
        unjoined.merge(u.model() + "\0" + u.reason(), 1L, Long::sum);
    }

    /** Every row, ordered by model, placement, experiment, variant. */
    public List<Row> rows() {
        List<Row> out = new ArrayList<>(rows.size());
        rows.forEach((k, c) -> out.add(new Row(k.get(0), k.get(1), k.get(2), k.get(3), c[0], c[1], c[2])));
        return out;
    }

    /** Shown or clicked events that did not join, by model and reason ({@code model → reason → count}). */
    public Map<String, Map<String, Long>> unjoined() {
        Map<String, Map<String, Long>> out = new TreeMap<>();
        unjoined.forEach((k, n) -> {
            int cut = k.indexOf('\0');
            out.computeIfAbsent(k.substring(0, cut), m -> new TreeMap<>()).put(k.substring(cut + 1), n);
        });
        return out;
    }

    void encode(BinaryOut out) {
        out.writeByte(VERSION).writeVarInt(rows.size());
        rows.forEach((k, c) -> {
            k.forEach(out::writeString);
            out.writeVarLong(c[0]).writeVarLong(c[1]).writeVarLong(c[2]);
        });
        out.writeVarInt(unjoined.size());
        unjoined.forEach((k, n) -> out.writeString(k).writeVarLong(n));
    }

    void restore(BinaryIn in) {
        in.expectVersion("feedback counts", VERSION);
        rows.clear();
        unjoined.clear();
        int n = in.readLength();
        for (int i = 0; i < n; i++) {
            List<String> key = List.of(in.readString(), in.readString(), in.readString(), in.readString());
            rows.put(key, new long[]{in.readVarLong(), in.readVarLong(), in.readVarLong()});
        }
        int u = in.readLength();
        for (int i = 0; i < u; i++) {
            unjoined.put(in.readString(), in.readVarLong());
        }
    }
}
