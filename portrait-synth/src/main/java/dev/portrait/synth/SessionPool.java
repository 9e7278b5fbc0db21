package dev.portrait.synth;

import java.util.List;
import java.util.Map;

/**
 * The sessions open at one moment, as parallel arrays indexed by slot, and a binary min-heap of
 * slots ordered by when each session next emits. The pool never shrinks: when a session ends its
 * slot starts the next one, so the number of open sessions, and with it the event rate in
 * simulated time, stays constant.
 */
final class SessionPool {
    static final int CART_LINES = 8;

    final int size;
    final long[] nextTime;
    final int[] person;
    final byte[] device;
    final byte[] stage;
    final int[] ordinal;
    /** Whether the session's device has identified; only this session can change it. */
    final boolean[] linked;
    /** The device's session ordinal from which it is due to identify. */
    final int[] linkOrdinal;
    final long[] serial;
    final int[] lastItem;
    final int[] pendingItem;
    final int[] focusCategory;
    final byte[] focusLeft;
    final int[] cartItem;
    final byte[] cartQuantity;
    final byte[] cartSize;

    // Per-session facts cached at the start so that no event re-derives them.
    final Platform[] platform;
    final String[] personId;
    final String[] anonymousId;
    final String[] userId;
    final String[] ip;
    final String[] userAgent;
    final String[] locale;
    final String[] cartId;
    final int[] favourite;
    final int[] laterFavourite;
    final long[] driftAt;
    /** An app session's whole context, shared by its events. */
    final JsonObject[] appContext;
    /** A web session's current page ({@code context.page} of its events). */
    final JsonObject[] page;
    /** A web session's context for its current page, built on first use. */
    final JsonObject[] webContext;
    final Object[] pendingOrder;

    // The heap keeps each slot's time next to it, so sifting reads one contiguous array.
    private final int[] heap;
    private final long[] heapTime;

    SessionPool(int size) {
        this.size = size;
        nextTime = new long[size];
        person = new int[size];
        device = new byte[size];
        stage = new byte[size];
        ordinal = new int[size];
        linked = new boolean[size];
        linkOrdinal = new int[size];
        serial = new long[size];
        lastItem = new int[size];
        pendingItem = new int[size];
        focusCategory = new int[size];
        focusLeft = new byte[size];
        cartItem = new int[size * CART_LINES];
        cartQuantity = new byte[size * CART_LINES];
        cartSize = new byte[size];
        platform = new Platform[size];
        personId = new String[size];
        anonymousId = new String[size];
        userId = new String[size];
        ip = new String[size];
        userAgent = new String[size];
        locale = new String[size];
        cartId = new String[size];
        favourite = new int[size];
        laterFavourite = new int[size];
        driftAt = new long[size];
        appContext = new JsonObject[size];
        page = new JsonObject[size];
        webContext = new JsonObject[size];
        pendingOrder = new Object[size];
        heap = new int[size];
        heapTime = new long[size];
        for (int i = 0; i < size; i++) {
            heap[i] = i;
        }
    }

    /** Orders the heap once every slot has its first time. */
    void heapify() {
        for (int i = 0; i < size; i++) {
            heapTime[i] = nextTime[heap[i]];
        }
        for (int i = size / 2 - 1; i >= 0; i--) {
            siftDown(i);
        }
    }

    /** The slot that emits next. */
    int earliest() {
        return heap[0];
    }

    /** Moves the earliest slot to a later time. */
    void rescheduleEarliest(long time) {
        nextTime[heap[0]] = time;
        heapTime[0] = time;
        siftDown(0);
    }

    /** Earlier time first; ties by slot, so the order never depends on the heap's history. */
    private void siftDown(int at) {
        int slot = heap[at];
        long time = heapTime[at];
        while (true) {
            int child = 2 * at + 1;
            if (child >= size) {
                break;
            }
            int right = child + 1;
            if (right < size && (heapTime[right] < heapTime[child]
                    || heapTime[right] == heapTime[child] && heap[right] < heap[child])) {
                child = right;
            }
            if (heapTime[child] > time || heapTime[child] == time && heap[child] > slot) {
                break;
            }
            heap[at] = heap[child];
            heapTime[at] = heapTime[child];
            at = child;
        }
        heap[at] = slot;
        heapTime[at] = time;
    }

    /** The order a session's checkout started, until it completes or is abandoned. */
    record PendingOrder(String orderId, List<Map<String, Object>> products, double subtotal, double discount,
                        String coupon, double revenue, double shipping, double tax, double total) {
    }
}
