package dev.portrait.core.model;

import dev.portrait.core.encoding.BinaryIn;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;

/**
 * A profile's features as they were when a model example opened: an immutable map from feature name
 * to value, sorted by name, in two arrays. An example waits days for its label inside its profile, so
 * every decoded profile carries one or two of these; as a {@code TreeMap} each feature cost an entry
 * and a boxed {@code Double} (≈ 56 bytes besides its name), which made the waiting examples the largest
 * part of a hot profile (docs/BENCHMARKS.md, "bounded memory at 1,000,000 profiles"). Here a feature
 * costs a slot and a {@code double} (12 bytes). It reads, iterates, compares and prints exactly as the
 * sorted map it replaces, so encodings and the order-free merge's tie-break are unchanged.
 */
final class FeatureSnapshot extends AbstractMap<String, Double> {
    static final FeatureSnapshot EMPTY = new FeatureSnapshot(new String[0], new double[0]);

    private final String[] names;
    private final double[] values;

    private FeatureSnapshot(String[] names, double[] values) {
        this.names = names;
        this.values = values;
    }

    /** A sorted copy of these features; every name and value must be non-null. */
    static FeatureSnapshot of(Map<String, Double> features) {
        if (features instanceof FeatureSnapshot s) {
            return s;
        }
        if (features.isEmpty()) {
            return EMPTY;
        }
        String[] names = features.keySet().toArray(new String[0]);
        Arrays.sort(names);
        double[] values = new double[names.length];
        for (int i = 0; i < names.length; i++) {
            values[i] = features.get(names[i]);
        }
        return new FeatureSnapshot(names, values);
    }

    /** {@code size} (name, value) pairs as the examples' encodings write them, in name order. */
    static FeatureSnapshot decode(BinaryIn in, int size) {
        if (size == 0) {
            return EMPTY;
        }
        String[] names = new String[size];
        double[] values = new double[size];
        boolean sorted = true;
        for (int i = 0; i < size; i++) {
            names[i] = in.readString();
            values[i] = in.readDouble();
            sorted &= i == 0 || names[i - 1].compareTo(names[i]) < 0;
        }
        if (sorted) {
            return new FeatureSnapshot(names, values);
        }
        // written by something other than this class's iteration order: rebuild as a sorted map would
        java.util.TreeMap<String, Double> map = new java.util.TreeMap<>();
        for (int i = 0; i < size; i++) {
            map.put(names[i], values[i]);
        }
        return of(map);
    }

    @Override
    public int size() {
        return names.length;
    }

    @Override
    public boolean containsKey(Object key) {
        return key instanceof String s && Arrays.binarySearch(names, s) >= 0;
    }

    @Override
    public Double get(Object key) {
        if (!(key instanceof String s)) {
            return null;
        }
        int i = Arrays.binarySearch(names, s);
        return i < 0 ? null : values[i];
    }

    @Override
    public Set<Entry<String, Double>> entrySet() {
        return new AbstractSet<>() {
            @Override
            public Iterator<Entry<String, Double>> iterator() {
                return new Iterator<>() {
                    private int next;

                    @Override
                    public boolean hasNext() {
                        return next < names.length;
                    }

                    @Override
                    public Entry<String, Double> next() {
                        if (next >= names.length) {
                            throw new NoSuchElementException();
                        }
                        int i = next++;
                        return new SimpleImmutableEntry<>(names[i], values[i]);
                    }
                };
            }

            @Override
            public int size() {
                return names.length;
            }
        };
    }

    @Override
    public void forEach(java.util.function.BiConsumer<? super String, ? super Double> action) {
        for (int i = 0; i < names.length; i++) {
            action.accept(names[i], values[i]);
        }
    }
}
