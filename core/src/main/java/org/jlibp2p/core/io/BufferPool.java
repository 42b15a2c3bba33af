package org.jlibp2p.core.io;

import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * A small, bounded pool of equally sized byte arrays, shared by the connections of one owner (Noise: the sessions of
 * one secure channel, so of one node): an active connection takes a buffer for the frame it is working on and gives
 * it back once the frame is done, so that an idle connection holds none. {@link #take()} never blocks (it allocates when the pool is empty) and {@link #give(byte[])} drops what
 * does not fit, so the pool holds at most {@code capacity * bufferSize} bytes.
 *
 * <p>Thread-safe and lock-free. A buffer taken comes back with whatever bytes it held; callers overwrite before they
 * read.
 */
public final class BufferPool {
    private final int bufferSize;
    private final AtomicReferenceArray<byte[]> slots;

    public BufferPool(int bufferSize, int capacity) {
        if (bufferSize <= 0 || capacity <= 0) {
            throw new IllegalArgumentException("buffer size and capacity must be positive");
        }
        this.bufferSize = bufferSize;
        this.slots = new AtomicReferenceArray<>(capacity);
    }

    /** The size of every buffer of this pool. */
    public int bufferSize() {
        return bufferSize;
    }

    /** A buffer of {@link #bufferSize()} bytes: a pooled one if any is free, else a new one. */
    public byte[] take() {
        int n = slots.length();
        int start = start(n);
        for (int i = 0; i < n; i++) {
            int slot = (start + i) % n;
            if (slots.getPlain(slot) != null) {
                byte[] b = slots.getAndSet(slot, null);
                if (b != null) {
                    return b;
                }
            }
        }
        return new byte[bufferSize];
    }

    /** Returns a buffer taken from this pool; it is dropped if the pool is full. The caller must not use it again. */
    public void give(byte[] buffer) {
        if (buffer.length != bufferSize) {
            throw new IllegalArgumentException("a buffer of " + buffer.length + " bytes is not of this pool");
        }
        int n = slots.length();
        int start = start(n);
        for (int i = 0; i < n; i++) {
            int slot = (start + i) % n;
            if (slots.getPlain(slot) == null && slots.compareAndSet(slot, null, buffer)) {
                return;
            }
        }
    }

    /** Buffers waiting in the pool now (for tests and metrics). */
    public int pooled() {
        int count = 0;
        for (int i = 0; i < slots.length(); i++) {
            if (slots.get(i) != null) {
                count++;
            }
        }
        return count;
    }

    private static int start(int n) {
        // Spread threads over the slots so that two connections rarely race for the same one.
        return (int) (Thread.currentThread().threadId() * 0x9E3779B9L >>> 16 & 0x7FFF_FFFF) % n;
    }
}
