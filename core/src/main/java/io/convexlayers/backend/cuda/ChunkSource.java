// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.backend.cuda;

import io.convexlayers.data.BatchConeProgram;
import io.convexlayers.data.ConeDims;
import io.convexlayers.data.SparsePattern;

/**
 * Where a chunk of a solve ({@link CudaHsdeKernels}) takes its unscaled data from: per-lane values of
 * A, P, b and c written into device buffers, or the one set of shared matrices as host arrays (the
 * shared factorization is made on the host). Two implementations: {@link HostChunkSource} uploads an
 * instantiated {@link BatchConeProgram}; {@link MappedChunkSource} applies the parameter map on the
 * device to θ uploaded once. A source is opened on the backend's pool before the first chunk and
 * closed after the last.
 */
interface ChunkSource {
    int batch();

    int n();

    int m();

    SparsePattern aPattern();

    /** P's pattern, or null. */
    SparsePattern pPattern();

    ConeDims cones();

    /** True when A and P (if any) are the same for every instance. */
    boolean matricesShared();

    /** Makes what the chunks read resident on {@code pool}'s device (a no-op for host data). */
    void open(BufferPool pool);

    /** Gives back what {@link #open} holds. */
    void close();

    /** Host copies of the shared matrices (only when {@link #matricesShared()}); {@code p} null without P. */
    void sharedMatrices(int first, double[] a, double[] p);

    /** A's values for lanes {@code [first, first + lanes)}, batch-minor, in a buffer of {@code lease}. */
    DeviceBuffer laneA(BufferPool.Lease lease, int first, int lanes);

    /** P's values (P has stored entries), as {@link #laneA}. */
    DeviceBuffer laneP(BufferPool.Lease lease, int first, int lanes);

    /** Writes b (m × lanes) and c (n × lanes) of lanes {@code [first, first + lanes)}, batch-minor. */
    void laneVectors(int first, int lanes, DeviceBuffer b, DeviceBuffer c);

    /** The data instantiated on the host, for the CPU fallback and polishing. */
    BatchConeProgram host();
}
