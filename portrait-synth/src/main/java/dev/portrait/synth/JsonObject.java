package dev.portrait.synth;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Arrays;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;

/**
 * A JSON object backed by two arrays, in insertion order, read-only once handed out.
 *
 * <p>Hand-written because profiling the generator showed {@code LinkedHashMap} construction
 * (an entry object and a hash per key, some twenty keys per event) taking half of its time.
 * Events are built once and read a few times, by a serialiser or a test, so appending to arrays
 * and looking keys up by a linear scan over at most a dozen keys is the better trade. The
 * {@code Map} contract is {@link AbstractMap}'s, so equality with any other map holds.
 */
final class JsonObject extends AbstractMap<String, Object> {
    private String[] keys;
    private Object[] values;
    private int size;

    JsonObject(int capacity) {
        keys = new String[capacity];
        values = new Object[capacity];
    }

    /**
     * Appends a field while the object is being built; a {@code null} value leaves the field out,
     * as SDKs do. Callers never append a key twice.
     */
    JsonObject add(String key, Object value) {
        if (value == null) {
            return this;
        }
        if (size == keys.length) {
            keys = Arrays.copyOf(keys, size * 2 + 1);
            values = Arrays.copyOf(values, size * 2 + 1);
        }
        keys[size] = key;
        values[size] = value;
        size++;
        return this;
    }

    /** A copy with room for {@code extra} more fields. */
    JsonObject copyWithRoom(int extra) {
        JsonObject copy = new JsonObject(size + extra);
        System.arraycopy(keys, 0, copy.keys, 0, size);
        System.arraycopy(values, 0, copy.values, 0, size);
        copy.size = size;
        return copy;
    }

    private int indexOf(Object key) {
        for (int i = 0; i < size; i++) {
            if (keys[i] == key) {
                return i;
            }
        }
        for (int i = 0; i < size; i++) {
            if (keys[i].equals(key)) {
                return i;
            }
        }
        return -1;
    }

    @Override
    public Object get(Object key) {
        int i = indexOf(key);
        return i < 0 ? null : values[i];
    }

    @Override
    public boolean containsKey(Object key) {
        return indexOf(key) >= 0;
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public Set<Entry<String, Object>> entrySet() {
        return new AbstractSet<>() {
            @Override
            public Iterator<Entry<String, Object>> iterator() {
                return new Iterator<>() {
                    private int next;

                    @Override
                    public boolean hasNext() {
                        return next < size;
                    }

                    @Override
                    public Entry<String, Object> next() {
                        if (next >= size) {
                            throw new NoSuchElementException();
                        }
                        int i = next++;
                        return new SimpleImmutableEntry<>(keys[i], values[i]);
                    }
                };
            }

            @Override
            public int size() {
                return size;
            }
        };
    }

    /** Shortcut for small literal objects. */
    static JsonObject of(Object... keysAndValues) {
        JsonObject o = new JsonObject(keysAndValues.length / 2);
        for (int i = 0; i < keysAndValues.length; i += 2) {
            o.add((String) Objects.requireNonNull(keysAndValues[i]), keysAndValues[i + 1]);
        }
        return o;
    }
}
