// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.backend.cuda;

import io.convexlayers.batch.BatchVectors;

/**
 * {@link BatchVectors} on a CUDA device (the building blocks of the batched LSQR of the derivative):
 * vectors stay on the device, per-lane scalars go up (α, β) and come back (dots, norms) as one small
 * host array per call. Close it to return its buffers to the backend's pool. Like the other device
 * helpers it is not thread-safe: use it from the thread that created it, not during a solve on
 * another thread.
 */
final class CudaBatchVectors implements BatchVectors<DeviceVector>, AutoCloseable {
    private final Device dev;
    private final BufferPool.Lease lease;
    private final int lanes;
    private final DeviceBuffer laneA;
    private final DeviceBuffer laneB;
    private final DeviceBuffer laneOut;
    private final DeviceBuffer laneS;
    /** What laneA, laneB and laneS hold (null: unknown): an unchanged scalar array is not uploaded again. */
    private double[] heldA;
    private double[] heldB;
    private double[] heldS;

    CudaBatchVectors(BufferPool pool, int lanes) {
        if (lanes < 1) {
            throw new IllegalArgumentException("lanes must be >= 1, got " + lanes);
        }
        this.dev = pool.device();
        this.lease = new BufferPool.Lease(pool);
        this.lanes = lanes;
        this.laneA = lease.doubles(lanes);
        this.laneB = lease.doubles(lanes);
        this.laneOut = lease.doubles(lanes);
        this.laneS = lease.doubles(lanes);
    }

    /** Batched vectors of {@code lanes} lanes on the CUDA backend's device. */
    public static CudaBatchVectors on(CudaBackend backend, int lanes) {
        backend.bindToCurrentThread();
        return new CudaBatchVectors(backend.pool(), lanes);
    }

    @Override
    public int lanes() {
        return lanes;
    }

    @Override
    public DeviceVector newVector(int length) {
        DeviceVector v = lease.vector(length, lanes);
        zero(v);
        return v;
    }

    @Override
    public void copy(DeviceVector src, DeviceVector dst) {
        check(src, dst);
        dev.copy(src.ptr(), dst.ptr(), src.size());
    }

    @Override
    public void zero(DeviceVector v) {
        dev.launch(CudaKernel.FILL, v.size(), v.size(), v, 0.0);
    }

    @Override
    public void norm2(DeviceVector v, double[] out) {
        dot(v, v, out);
        for (int l = 0; l < lanes; l++) {
            out[l] = Math.sqrt(out[l]);
        }
    }

    @Override
    public void dot(DeviceVector a, DeviceVector b, double[] out) {
        check(a, b);
        dev.launch(CudaKernel.LANE_DOT, lanes * LaunchGeometry.WARP, lanes, a.length(), a, b, laneOut);
        dev.download(laneOut.ptr(), out, 0, lanes);
    }

    @Override
    public void scale(DeviceVector v, double[] alpha) {
        heldS = put(alpha, heldS, laneS);
        dev.launch(CudaKernel.LANE_SCALE, v.size(), v.size(), lanes, v, laneS);
    }

    @Override
    public void axpby(double[] alpha, DeviceVector x, double[] beta, DeviceVector y) {
        check(x, y);
        heldA = put(alpha, heldA, laneA);
        heldB = put(beta, heldB, laneB);
        dev.launch(CudaKernel.LANE_AXPBY, y.size(), y.size(), lanes, laneA, x, laneB, y);
    }

    /**
     * Uploads {@code values} into {@code lane} unless it already holds them (LSQR passes the same
     * coefficients, often all ones, again and again: each upload is a host wait); returns what it holds.
     */
    private double[] put(double[] values, double[] held, DeviceBuffer lane) {
        if (held != null && java.util.Arrays.equals(values, 0, lanes, held, 0, lanes)) {
            return held;
        }
        dev.upload(values, 0, lane.ptr(), lanes);
        return java.util.Arrays.copyOf(values, lanes);
    }

    @Override
    public void upload(double[] host, DeviceVector v) {
        dev.upload(host, 0, v.ptr(), v.size());
    }

    @Override
    public void download(DeviceVector v, double[] host) {
        dev.download(v.ptr(), host, 0, v.size());
    }

    private void check(DeviceVector a, DeviceVector b) {
        if (a.length() != b.length() || a.lanes() != lanes || b.lanes() != lanes) {
            throw new IllegalArgumentException("vectors " + a + " and " + b + " do not match " + lanes + " lanes");
        }
    }

    @Override
    public void close() {
        lease.close();
    }
}
