// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.backend.cuda;

/**
 * One allocation of device memory: {@code count} doubles or ints. The handle is the device's own
 * (a {@code CUdeviceptr} on a GPU, a Java array on the emulated device).
 */
final class DeviceBuffer {
    private final Device owner;
    private final boolean ints;
    private final int count;
    private final Object handle;
    private boolean freed;

    DeviceBuffer(Device owner, boolean ints, int count, Object handle) {
        this.owner = owner;
        this.ints = ints;
        this.count = count;
        this.handle = handle;
    }

    Device owner() {
        return owner;
    }

    boolean isInts() {
        return ints;
    }

    int count() {
        return count;
    }

    long bytes() {
        return (long) count * (ints ? 4 : 8);
    }

    Object handle() {
        if (freed) {
            throw new IllegalStateException("device buffer used after it was freed");
        }
        return handle;
    }

    boolean isFreed() {
        return freed;
    }

    void markFreed() {
        freed = true;
    }

    /** A kernel argument pointing {@code offset} elements into this buffer. */
    Ptr at(int offset) {
        return new Ptr(this, offset);
    }

    /** A kernel argument pointing at the start of this buffer. */
    Ptr ptr() {
        return new Ptr(this, 0);
    }

    /** A pointer kernel argument: a buffer and an element offset into it. */
    record Ptr(DeviceBuffer buffer, int offset) {
        Ptr {
            if (offset < 0 || offset > buffer.count()) {
                throw new IndexOutOfBoundsException("offset " + offset + " outside a buffer of " + buffer.count());
            }
        }
    }
}
