package dev.portrait.core.model;

import dev.portrait.core.encoding.BinaryIn;
import dev.portrait.core.encoding.BinaryOut;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The models' state that belongs to no one person: item co-occurrence and popularity, the persona
 * centroids, the propensity weights, and the counts the dashboards show. A runtime holds one per
 * engine and checkpoints it on its own ({@link #encode} at a log position, {@link #restore} before
 * replaying the events after it). It changes only through {@link #absorb}, in step order.
 *
 * <p>No person's identifiers or history are kept here: items, categories, weights and centroids only.
 */
public final class SharedModels {
    private static final int VERSION = 2;

    private final DeclaredModels declared;
    ItemStatistics items;
    final Recommender recommender;
    final Map<String, String> categoryOfItem = new HashMap<>();
    StreamingKMeans personas;
    OnlineLogisticRegression propensity;
    /** Daily samples assigned to each persona, decayed with {@link #SIZE_HALF_LIFE}: its active people. */
    double[] personaSizes;
    long sizesAt = Long.MIN_VALUE;
    long suspectedBots;
    static final long SIZE_HALF_LIFE = 7L * 24 * 3_600_000;

    SharedModels(DeclaredModels declared) {
        this.declared = declared;
        this.items = declared.itemConfig == null ? null : new ItemStatistics(declared.itemConfig);
        this.recommender = declared.recommenderConfig == null ? null : new Recommender(declared.recommenderConfig);
        this.personas = declared.personaConfig == null ? null : new StreamingKMeans(declared.personaConfig);
        this.personaSizes = new double[declared.personaConfig == null ? 0 : declared.personaConfig.k()];
        this.propensity = declared.propensityConfig == null ? null
                : new OnlineLogisticRegression(OnlineLogisticRegression.Config.defaults());
    }

    /** Learns what one engine step asks, in order. */
    public void absorb(java.util.List<ModelUpdate> updates) {
        for (int i = 0; i < updates.size(); i++) {
            absorb(updates.get(i));
        }
    }

    /** Learns one update. */
    public void absorb(ModelUpdate update) {
        // an instanceof chain, not a pattern switch: the bytecode targets Java 17
        if (update instanceof ModelUpdate.Interaction i) {
            items.observe(i.event(), i.history());
            String property = declared.categoryProperty;
            if (property != null && i.event().properties().get(property) instanceof String category) {
                for (String item : items.itemsOf(i.event())) {
                    categoryOfItem.put(item, category);
                }
            }
        } else if (update instanceof ModelUpdate.Labelled l) {
            propensity.update(l.example().features(), l.example().label());
        } else if (update instanceof ModelUpdate.Settled s) {
            settled(s.outcome());
        } else if (update instanceof ModelUpdate.Sample s) {
            if (personas != null) {
                personas.observe(s.vector());
                personas.assign(s.vector()).ifPresent(a -> countSample(a.cluster(), s.time()));
            }
        } else if (update instanceof ModelUpdate.SuspectedBots b) {
            suspectedBots = Math.max(0, suspectedBots + b.delta());
        }
    }

    private void countSample(int persona, long time) {
        if (sizesAt != Long.MIN_VALUE && time > sizesAt) {
            double fade = Math.pow(2.0, -(double) (time - sizesAt) / SIZE_HALF_LIFE);
            for (int i = 0; i < personaSizes.length; i++) {
                personaSizes[i] *= fade;
            }
        }
        sizesAt = sizesAt == Long.MIN_VALUE ? time : Math.max(sizesAt, time);
        if (persona >= 0 && persona < personaSizes.length) {
            personaSizes[persona] += 1;
        }
    }

    private void settled(DelayedOutcomes.Outcome outcome) {
        // the regression model joins in the next step of issue 9
    }

    /** Items in the co-occurrence table (0 without a recommender). */
    public int items() {
        return items == null ? 0 : items.size();
    }

    /** Profiles whose bot score is at or above the threshold, as counted when scores crossed it. */
    public long suspectedBots() {
        return suspectedBots;
    }

    /** The propensity model's prequential quality, or null without one. */
    public PrequentialMetrics propensityMetrics() {
        return propensity == null ? null : propensity.metrics();
    }

    /** The checkpoint: every part in a fixed order, each tagged present or absent. */
    public byte[] encode() {
        BinaryOut out = new BinaryOut(4096);
        out.writeByte(VERSION);
        out.writeString(declared.fingerprint());
        out.writeBoolean(items != null);
        if (items != null) {
            items.encode(out);
            out.writeVarInt(categoryOfItem.size());
            new TreeMap<>(categoryOfItem).forEach((k, v) -> out.writeString(k).writeString(v));
        }
        out.writeBoolean(personas != null);
        if (personas != null) {
            personas.encode(out);
            out.writeSignedVarLong(sizesAt).writeVarInt(personaSizes.length);
            for (double s : personaSizes) {
                out.writeDouble(s);
            }
        }
        out.writeBoolean(propensity != null);
        if (propensity != null) {
            propensity.encode(out);
        }
        out.writeVarLong(suspectedBots);
        return out.toByteArray();
    }

    /**
     * Restores what {@link #encode} wrote. A checkpoint written under other model settings (another
     * {@code models:} section) is ignored: the models start afresh and learn from the events replayed
     * after it, rather than mixing two configurations. Returns whether it was taken.
     */
    public boolean restore(byte[] bytes) {
        if (bytes == null) {
            return false;
        }
        BinaryIn in = new BinaryIn(bytes);
        if (bytes.length == 0 || bytes[0] != VERSION) {
            return false; // an older layout (the server's blob of issue 5): start afresh
        }
        in.expectVersion("shared models", VERSION);
        if (!declared.fingerprint().equals(in.readString())) {
            return false;
        }
        if (in.readBoolean()) {
            items = ItemStatistics.decode(in);
            int n = in.readLength();
            for (int i = 0; i < n; i++) {
                categoryOfItem.put(in.readString(), in.readString());
            }
        }
        if (in.readBoolean()) {
            personas = StreamingKMeans.decode(in);
            sizesAt = in.readSignedVarLong();
            int n = in.readLength();
            personaSizes = new double[n];
            for (int i = 0; i < n; i++) {
                personaSizes[i] = in.readDouble();
            }
        }
        if (in.readBoolean()) {
            propensity = OnlineLogisticRegression.decode(in);
        }
        suspectedBots = in.readVarLong();
        return true;
    }
}
