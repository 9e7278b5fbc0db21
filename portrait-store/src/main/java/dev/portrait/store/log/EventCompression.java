package dev.portrait.store.log;

import com.github.luben.zstd.ZstdCompressCtx;
import com.github.luben.zstd.ZstdDecompressCtx;
import com.github.luben.zstd.ZstdDictCompress;
import com.github.luben.zstd.ZstdDictDecompress;
import com.github.luben.zstd.ZstdException;
import dev.portrait.core.event.Event;
import dev.portrait.core.event.EventBinaryCodec;
import net.jpountz.lz4.LZ4Compressor;
import net.jpountz.lz4.LZ4Factory;
import net.jpountz.lz4.LZ4FastDecompressor;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One event, binary-encoded ({@link EventBinaryCodec}) and compressed on its own, as the log stores it:
 * the "prepared" bytes an {@code EventRecord} carries from an ingest thread to the group committer.
 *
 * <pre>
 *   codec[1]  (zstd: dictionary id[1])  raw length(varint)  payload
 * </pre>
 *
 * <h2>Why one event at a time, and why zstd with a dictionary</h2>
 * Compression runs on the ingest threads, in parallel, so that the one committer thread only assigns
 * sequences, seals and writes; that means each event is compressed alone, before the group it will
 * join is known. A lone event of 100–300 bytes has almost nothing to repeat inside itself, so a plain
 * compressor gains little (LZ4 measured: 390 bytes from 400); what repeats is <em>between</em> events
 * (the same property names, library, user agents, product ids' shape). A zstd dictionary trained on a
 * sample of the synthetic stream carries exactly that across events. docs/BENCHMARKS.md ("Issue 10 —
 * log v2") has the figures this choice was made on.
 *
 * <h2>Dictionaries are versioned and kept with the data</h2>
 * Each zstd payload names its dictionary by a one-byte id. The dictionaries ship in this jar
 * ({@code zstd-log-N.dict}) and the store copies each one it writes with into the data directory, so a
 * later version that trains a new one (id N+1) still reads every old record. A dictionary id is never
 * reused for different bytes: {@link #register} refuses that.
 */
public final class EventCompression {
    /** How a prepared event's payload is compressed; the byte is part of the stored format. */
    public enum Codec {
        NONE(0), ZSTD(1), LZ4(2);

        final int id;

        Codec(int id) {
            this.id = id;
        }

        static Codec of(int id) {
            for (Codec c : values()) {
                if (c.id == id) {
                    return c;
                }
            }
            throw new IllegalArgumentException("unknown event compression " + id);
        }
    }

    /** The dictionary new events are compressed with. */
    public static final int CURRENT_DICTIONARY = 1;
    /** What {@link #prepare(Event)} writes. */
    public static final Codec DEFAULT = Codec.ZSTD;
    /** zstd's level: its default. Other levels were not measured. */
    static final int ZSTD_LEVEL = 3;

    private static final Map<Integer, byte[]> DICTIONARY_BYTES = new ConcurrentHashMap<>();
    private static final Map<Integer, ZstdDictCompress> COMPRESS_DICTS = new ConcurrentHashMap<>();
    private static final Map<Integer, ZstdDictDecompress> DECOMPRESS_DICTS = new ConcurrentHashMap<>();
    private static final ThreadLocal<ZstdCompressCtx> COMPRESSORS = ThreadLocal.withInitial(() -> {
        ZstdCompressCtx c = new ZstdCompressCtx();
        // The frame's own header fields are redundant here: the length and the dictionary are in ours.
        c.setLevel(ZSTD_LEVEL).setMagicless(true).setChecksum(false).setContentSize(false).setDictID(false);
        c.loadDict(compressDictionary(CURRENT_DICTIONARY));
        return c;
    });
    private static final ThreadLocal<Map<Integer, ZstdDecompressCtx>> DECOMPRESSORS =
            ThreadLocal.withInitial(java.util.HashMap::new);
    private static final LZ4Compressor LZ4_COMPRESSOR = LZ4Factory.fastestInstance().fastCompressor();
    private static final LZ4FastDecompressor LZ4_DECOMPRESSOR = LZ4Factory.fastestInstance().fastDecompressor();

    private EventCompression() {
    }

    /** The event encoded and compressed as the log stores it. */
    public static byte[] prepare(Event event) {
        return prepare(EventBinaryCodec.encode(event), DEFAULT);
    }

    /** Binary event bytes compressed with {@code codec}. */
    public static byte[] prepare(byte[] binaryEvent, Codec codec) {
        switch (codec) {
            case NONE:
                return frame(codec, -1, binaryEvent.length, binaryEvent, binaryEvent.length);
            case LZ4: {
                byte[] out = new byte[LZ4_COMPRESSOR.maxCompressedLength(binaryEvent.length)];
                int n = LZ4_COMPRESSOR.compress(binaryEvent, 0, binaryEvent.length, out, 0, out.length);
                return frame(codec, -1, binaryEvent.length, out, n);
            }
            default: {
                ZstdCompressCtx c = COMPRESSORS.get();
                byte[] out = c.compress(binaryEvent);
                return frame(codec, CURRENT_DICTIONARY, binaryEvent.length, out, out.length);
            }
        }
    }

    private static byte[] frame(Codec codec, int dictionary, int rawLength, byte[] payload, int payloadLength) {
        int header = 1 + (dictionary >= 0 ? 1 : 0) + varIntSize(rawLength);
        byte[] out = new byte[header + payloadLength];
        int at = 0;
        out[at++] = (byte) codec.id;
        if (dictionary >= 0) {
            out[at++] = (byte) dictionary;
        }
        at = putVarInt(out, at, rawLength);
        System.arraycopy(payload, 0, out, at, payloadLength);
        return out;
    }

    /** Whether {@code prepared} starts like bytes {@link #prepare} wrote (a cheap check, not a decode). */
    public static boolean looksPrepared(byte[] prepared) {
        return prepared.length >= 2 && prepared[0] >= 0 && prepared[0] <= 2;
    }

    /**
     * The binary event back from prepared bytes.
     *
     * @throws IllegalArgumentException when they are not prepared bytes, or name an unknown dictionary
     */
    public static byte[] open(byte[] prepared, int offset, int length) {
        int end = offset + length;
        if (length < 2) {
            throw new IllegalArgumentException("a prepared event of " + length + " bytes");
        }
        Codec codec = Codec.of(prepared[offset]);
        int at = offset + 1;
        int dictionary = -1;
        if (codec == Codec.ZSTD) {
            dictionary = prepared[at++] & 0xFF;
        }
        long rawAndAt = getVarInt(prepared, at, end);
        int raw = (int) (rawAndAt >>> 32);
        at = (int) rawAndAt;
        if (raw < 0 || raw > 64 << 20) {
            throw new IllegalArgumentException("a prepared event claims " + raw + " bytes");
        }
        switch (codec) {
            case NONE:
                if (end - at != raw) {
                    throw new IllegalArgumentException("an uncompressed event of " + (end - at) + " bytes claims " + raw);
                }
                return Arrays.copyOfRange(prepared, at, end);
            case LZ4: {
                byte[] out = new byte[raw];
                try {
                    int read = LZ4_DECOMPRESSOR.decompress(prepared, at, out, 0, raw);
                    if (read != end - at) {
                        throw new IllegalArgumentException("LZ4 payload of " + (end - at) + " bytes used " + read);
                    }
                } catch (net.jpountz.lz4.LZ4Exception e) {
                    throw new IllegalArgumentException("LZ4 payload does not decompress: " + e.getMessage(), e);
                }
                return out;
            }
            default: {
                ZstdDecompressCtx d = DECOMPRESSORS.get().computeIfAbsent(dictionary, id -> {
                    ZstdDecompressCtx ctx = new ZstdDecompressCtx();
                    ctx.setMagicless(true);
                    ctx.loadDict(decompressDictionary(id));
                    return ctx;
                });
                try {
                    byte[] out = d.decompress(prepared, at, end - at, raw);
                    if (out.length != raw) {
                        throw new IllegalArgumentException("zstd payload gave " + out.length + " bytes, not " + raw);
                    }
                    return out;
                } catch (ZstdException e) {
                    throw new IllegalArgumentException("zstd payload does not decompress: " + e.getMessage(), e);
                }
            }
        }
    }

    /** The bytes of a dictionary this jar ships, or that {@link #register} was given; null when unknown. */
    public static byte[] dictionary(int id) {
        return DICTIONARY_BYTES.computeIfAbsent(id, EventCompression::bundled) == null ? null
                : DICTIONARY_BYTES.get(id).clone();
    }

    /**
     * Makes a dictionary a data directory holds known to this process, so records written with it read
     * back even when this jar no longer ships it.
     *
     * @throws IllegalStateException when the id already names different bytes
     */
    public static void register(int id, byte[] bytes) {
        byte[] known = DICTIONARY_BYTES.computeIfAbsent(id, EventCompression::bundled);
        if (known == null) {
            DICTIONARY_BYTES.putIfAbsent(id, bytes.clone());
            known = DICTIONARY_BYTES.get(id);
        }
        if (!Arrays.equals(known, bytes)) {
            throw new IllegalStateException("event compression dictionary " + id
                    + " in the data directory differs from the one this version ships under that id");
        }
    }

    private static byte[] bundled(int id) {
        try (InputStream in = EventCompression.class.getResourceAsStream("zstd-log-" + id + ".dict")) {
            return in == null ? null : in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] known(int id) {
        byte[] d = DICTIONARY_BYTES.computeIfAbsent(id, EventCompression::bundled);
        if (d == null) {
            throw new IllegalArgumentException("event compression dictionary " + id + " is not known here");
        }
        return d;
    }

    private static ZstdDictCompress compressDictionary(int id) {
        return COMPRESS_DICTS.computeIfAbsent(id, i -> new ZstdDictCompress(known(i), ZSTD_LEVEL));
    }

    private static ZstdDictDecompress decompressDictionary(int id) {
        return DECOMPRESS_DICTS.computeIfAbsent(id, i -> new ZstdDictDecompress(known(i)));
    }

    private static int varIntSize(int v) {
        int n = 1;
        while ((v & ~0x7F) != 0) {
            v >>>= 7;
            n++;
        }
        return n;
    }

    private static int putVarInt(byte[] b, int at, int v) {
        while ((v & ~0x7F) != 0) {
            b[at++] = (byte) ((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        b[at++] = (byte) v;
        return at;
    }

    /** The value in the high 32 bits, the position after it in the low 32. */
    private static long getVarInt(byte[] b, int at, int end) {
        int v = 0;
        for (int shift = 0; shift < 35; shift += 7) {
            if (at >= end) {
                throw new IllegalArgumentException("a prepared event ends inside its length");
            }
            int x = b[at++] & 0xFF;
            v |= (x & 0x7F) << shift;
            if ((x & 0x80) == 0) {
                return ((long) v << 32) | at;
            }
        }
        throw new IllegalArgumentException("a prepared event's length is not a varint");
    }
}
