// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.backend.cuda;

/**
 * The CUDA backend's vector handle: {@code length} entries per lane for {@code lanes} lanes,
 * batch-minor (entry i of lane l at {@code i * lanes + l}), in device memory. Obtained from
 * {@link CudaHsdeKernels#newVector} or {@link CudaBatchVectors#newVector}.
 */
final class DeviceVector {
    private final DeviceBuffer buffer;
    private final int length;
    private final int lanes;

    DeviceVector(DeviceBuffer buffer, int length, int lanes) {
        if (buffer.isInts() || buffer.count() < length * lanes) {
            throw new IllegalArgumentException("buffer of " + buffer.count() + " cannot hold " + length + " x "
                    + lanes + " doubles");
        }
        this.buffer = buffer;
        this.length = length;
        this.lanes = lanes;
    }

    /** Entries per lane. */
    public int length() {
        return length;
    }

    /** Number of lanes. */
    public int lanes() {
        return lanes;
    }

    /** Total number of entries, {@code length * lanes}. */
    public int size() {
        return length * lanes;
    }

    DeviceBuffer buffer() {
        return buffer;
    }

    /** A kernel argument pointing at row {@code i} (entry i of lane 0). */
    DeviceBuffer.Ptr row(int i) {
        return buffer.at(i * lanes);
    }

    DeviceBuffer.Ptr ptr() {
        return buffer.ptr();
    }

    @Override
    public String toString() {
        return "DeviceVector[" + length + " x " + lanes + "]";
    }
}
