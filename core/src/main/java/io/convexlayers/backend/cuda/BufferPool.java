// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.backend.cuda;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Device allocations kept for reuse: a solve returns its buffers here and the next solve of the
 * same sizes (the same batch size and structure) takes them back without touching the allocator.
 * When an allocation fails, the idle buffers are released and the allocation is tried once more.
 */
final class BufferPool implements AutoCloseable {
    private final Device device;
    private final Map<Long, ArrayDeque<DeviceBuffer>> idle = new HashMap<>();
    private long idleBytes;

    BufferPool(Device device) {
        this.device = device;
    }

    Device device() {
        return device;
    }

    DeviceBuffer doubles(int count) {
        return take(false, count);
    }

    DeviceBuffer ints(int count) {
        return take(true, count);
    }

    private DeviceBuffer take(boolean ints, int count) {
        ArrayDeque<DeviceBuffer> q = idle.get(key(ints, count));
        if (q != null && !q.isEmpty()) {
            DeviceBuffer b = q.pop();
            idleBytes -= b.bytes();
            return b;
        }
        try {
            return allocate(ints, count);
        } catch (OutOfDeviceMemoryException e) {
            if (idleBytes == 0) {
                throw e;
            }
            releaseIdle();
            return allocate(ints, count);
        }
    }

    private DeviceBuffer allocate(boolean ints, int count) {
        return ints ? device.allocInts(count) : device.allocDoubles(count);
    }

    /** Returns a buffer for reuse. */
    void give(DeviceBuffer b) {
        idle.computeIfAbsent(key(b.isInts(), b.count()), k -> new ArrayDeque<>()).push(b);
        idleBytes += b.bytes();
    }

    /** Bytes held idle. */
    long idleBytes() {
        return idleBytes;
    }

    /** Frees every idle buffer. */
    void releaseIdle() {
        for (ArrayDeque<DeviceBuffer> q : idle.values()) {
            for (DeviceBuffer b : q) {
                device.free(b);
            }
        }
        idle.clear();
        idleBytes = 0;
    }

    /**
     * Drops every idle buffer without freeing it: after a device reset their memory is gone already,
     * and freeing a stale handle would fail.
     */
    void forget() {
        idle.clear();
        idleBytes = 0;
    }

    @Override
    public void close() {
        releaseIdle();
    }

    private static long key(boolean ints, int count) {
        return 2L * count + (ints ? 1 : 0);
    }

    /** The buffers of one user (a solve of one chunk), handed back to the pool together. */
    static final class Lease implements AutoCloseable {
        private final BufferPool pool;
        private final List<DeviceBuffer> held = new ArrayList<>();

        Lease(BufferPool pool) {
            this.pool = pool;
        }

        Device device() {
            return pool.device();
        }

        DeviceBuffer doubles(int count) {
            DeviceBuffer b = pool.doubles(count);
            held.add(b);
            return b;
        }

        DeviceBuffer ints(int count) {
            DeviceBuffer b = pool.ints(count);
            held.add(b);
            return b;
        }

        /** An uploaded copy of {@code host}. */
        DeviceBuffer upload(double[] host) {
            DeviceBuffer b = doubles(Math.max(1, host.length));
            pool.device().upload(host, 0, b.ptr(), host.length);
            return b;
        }

        /** An uploaded copy of {@code host}. */
        DeviceBuffer upload(int[] host) {
            DeviceBuffer b = ints(Math.max(1, host.length));
            pool.device().upload(host, 0, b.ptr(), host.length);
            return b;
        }

        DeviceVector vector(int length, int lanes) {
            return new DeviceVector(doubles(Math.max(1, length * lanes)), length, lanes);
        }

        @Override
        public void close() {
            for (DeviceBuffer b : held) {
                pool.give(b);
            }
            held.clear();
        }
    }
}
