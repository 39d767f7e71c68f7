// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.backend.cuda;

import io.convexlayers.batch.CpuBatchVectors;
import io.convexlayers.batch.TileSparse;
import io.convexlayers.batch.BatchOperator;
import io.convexlayers.batch.Lsqr;
import io.convexlayers.batch.LsqrResult;
import io.convexlayers.data.CscMatrix;
import io.convexlayers.data.SparsePattern;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/**
 * {@link CudaBatchVectors} (on the emulated device) against {@link CpuBatchVectors}, operation by
 * operation and through the batched LSQR, which runs unchanged on both.
 */
class CudaBatchVectorsTest {
    static final int LANES = 5;
    Device dev;
    BufferPool pool;

    @org.junit.jupiter.api.BeforeEach
    void setUp() {
        dev = device();
        pool = new BufferPool(dev);
    }

    /** The device under test; the GPU suite overrides it. */
    Device device() {
        return new EmulatedDevice(1L << 30);
    }

    @Test
    void operationsMatchTheCpu() {
        Random rnd = new Random(5);
        CpuBatchVectors cpu = new CpuBatchVectors(LANES);
        try (CudaBatchVectors gpu = new CudaBatchVectors(pool, LANES)) {
            int len = 37;
            double[] a = new double[len * LANES];
            double[] b = new double[len * LANES];
            for (int k = 0; k < a.length; k++) {
                a[k] = rnd.nextGaussian();
                b[k] = rnd.nextGaussian();
            }
            double[] alpha = {0.5, -1, 2, 0, 3};
            double[] beta = {1, 0.25, -2, 1, 0};
            DeviceVector ga = gpu.newVector(len);
            DeviceVector gb = gpu.newVector(len);
            gpu.upload(a, ga);
            gpu.upload(b, gb);
            double[] want = new double[LANES];
            double[] got = new double[LANES];
            cpu.dot(a, b, want);
            gpu.dot(ga, gb, got);
            assertArrayEquals(want, got, 1e-12);
            cpu.norm2(a, want);
            gpu.norm2(ga, got);
            assertArrayEquals(want, got, 1e-12);
            cpu.axpby(alpha, a, beta, b);
            gpu.axpby(alpha, ga, beta, gb);
            double[] h = new double[len * LANES];
            gpu.download(gb, h);
            assertArrayEquals(b, h, 1e-12);
            cpu.scale(a, beta);
            gpu.scale(ga, beta);
            gpu.download(ga, h);
            assertArrayEquals(a, h, 1e-12);
            gpu.copy(ga, gb);
            gpu.download(gb, h);
            assertArrayEquals(a, h, 0);
            gpu.zero(gb);
            gpu.download(gb, h);
            assertArrayEquals(new double[len * LANES], h, 0);
        }
    }

    @Test
    void lsqrRunsUnchangedOnDeviceVectors() {
        Random rnd = new Random(6);
        int rows = 12;
        int cols = 7;
        SparsePattern pat = CscMatrix.fromDense("K", CudaTestProblems.gaussian(rows, cols, rnd)).pattern();
        double[] vals = new double[pat.nnz() * LANES];
        for (int k = 0; k < vals.length; k++) {
            vals[k] = rnd.nextGaussian();
        }
        double[] rhs = new double[rows * LANES];
        for (int k = 0; k < rhs.length; k++) {
            rhs[k] = rnd.nextGaussian();
        }
        Lsqr.Limits settings = new Lsqr.Limits(1e-12, 1e-12, 1e12, 0, 0);

        BatchOperator<double[]> cpuOp = new BatchOperator<>() {
            public int rows() {
                return rows;
            }

            public int cols() {
                return cols;
            }

            public void apply(double[] in, double[] out) {
                java.util.Arrays.fill(out, 0);
                TileSparse.multiplyAdd(pat, vals, false, LANES, in, 0, out, 0);
            }

            public void applyTranspose(double[] in, double[] out) {
                java.util.Arrays.fill(out, 0);
                TileSparse.transposeMultiplyAdd(pat, vals, false, LANES, in, 0, out, 0);
            }
        };
        double[] xCpu = new double[cols * LANES];
        new Lsqr<>(new CpuBatchVectors(LANES), cpuOp, settings).solve(rhs, xCpu);

        try (BufferPool.Lease lease = new BufferPool.Lease(pool);
             CudaBatchVectors gpu = new CudaBatchVectors(pool, LANES)) {
            DeviceMatrices mat = new DeviceMatrices(lease, pat, vals, null, null, false, LANES);
            BatchOperator<DeviceVector> gpuOp = new BatchOperator<>() {
                public int rows() {
                    return rows;
                }

                public int cols() {
                    return cols;
                }

                public void apply(DeviceVector in, DeviceVector out) {
                    mat.mulA(in.ptr(), out.ptr(), false);
                }

                public void applyTranspose(DeviceVector in, DeviceVector out) {
                    mat.mulAT(in.ptr(), out.ptr(), false);
                }
            };
            DeviceVector b = gpu.newVector(rows);
            gpu.upload(rhs, b);
            DeviceVector x = gpu.newVector(cols);
            LsqrResult r = new Lsqr<>(gpu, gpuOp, settings).solve(b, x);
            double[] xGpu = new double[cols * LANES];
            gpu.download(x, xGpu);
            assertArrayEquals(xCpu, xGpu, 1e-9);
            org.junit.jupiter.api.Assertions.assertEquals(LANES, r.iterations().length);
        }
    }
}
