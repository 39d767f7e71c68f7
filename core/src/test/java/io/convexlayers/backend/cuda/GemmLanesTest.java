// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.backend.cuda;

import io.convexlayers.data.BatchConeProgram;
import io.convexlayers.solver.Algorithm;
import io.convexlayers.solver.BatchSolution;
import io.convexlayers.solver.SolverSettings;
import io.convexlayers.testing.RandomQps;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code cl_gemm_lanes} on the emulated device, whose twin walks each 32 × 32 tile chunk by chunk
 * between the kernel's barriers ({@link GemmKernelTwin}): every output equals a plain dot product in
 * ascending k bit for bit (the order of {@code cl_csr_mv} over a full row), at sizes that leave partial
 * tiles and chunks, with accumulation and finished lanes left untouched, and with the threads of each phase in either
 * order; and the shared-matrix solves that now use it agree with the CPU.
 */
class GemmLanesTest {
    @AfterEach
    void restore() {
        FusedKernelTwin.reverseThreads = false;
        System.clearProperty(DeviceMatrices.DENSE_PRODUCTS_PROPERTY);
    }

    private static double[] product(int rows, int inner, int lanes, boolean reverse, boolean accumulate,
                                    int[] liveLanes, double[] m, double[] x, double[] start) {
        FusedKernelTwin.reverseThreads = reverse;
        try (EmulatedDevice dev = new EmulatedDevice(1L << 28)) {
            DeviceBuffer mb = dev.allocDoubles(m.length);
            DeviceBuffer xb = dev.allocDoubles(x.length);
            DeviceBuffer ob = dev.allocDoubles(rows * lanes);
            DeviceBuffer ib = dev.allocInts(lanes);
            dev.upload(m, 0, mb.ptr(), m.length);
            dev.upload(x, 0, xb.ptr(), x.length);
            dev.upload(start, 0, ob.ptr(), start.length);
            dev.upload(liveLanes, 0, ib.ptr(), liveLanes.length);
            DeviceMatrices.gemm(dev, rows, inner, lanes, liveLanes.length, ib, mb.ptr(), xb.ptr(), ob.ptr(),
                    accumulate);
            double[] out = new double[rows * lanes];
            dev.download(ob.ptr(), out, 0, out.length);
            return out;
        }
    }

    @Test
    void everyOutputIsThePlainDotProductBitForBit() {
        Random rnd = new Random(7);
        int rows = 37;
        int inner = 21;
        int lanes = 45;
        double[] m = new double[rows * inner];
        double[] x = new double[inner * lanes];
        double[] start = new double[rows * lanes];
        for (int k = 0; k < m.length; k++) {
            m[k] = rnd.nextGaussian();
        }
        for (int k = 0; k < x.length; k++) {
            x[k] = rnd.nextGaussian() * 1e3;
        }
        for (int k = 0; k < start.length; k++) {
            start[k] = rnd.nextGaussian();
        }
        // Every lane but each seventh is live (partial tiles of live columns as well as of rows and k).
        boolean[] isLive = new boolean[lanes];
        int[] live = java.util.stream.IntStream.range(0, lanes).filter(l -> l % 7 != 3).toArray();
        for (int l : live) {
            isLive[l] = true;
        }
        for (boolean accumulate : new boolean[] {false, true}) {
            double[] got = product(rows, inner, lanes, false, accumulate, live, m, x, start);
            double[] reversed = product(rows, inner, lanes, true, accumulate, live, m, x, start);
            for (int i = 0; i < rows; i++) {
                for (int l = 0; l < lanes; l++) {
                    double s = 0;
                    for (int k = 0; k < inner; k++) {
                        s += m[i * inner + k] * x[k * lanes + l];
                    }
                    // A finished lane's output is left as it was.
                    double want = !isLive[l] ? start[i * lanes + l] : accumulate ? start[i * lanes + l] + s : s;
                    int o = i * lanes + l;
                    assertEquals(want, got[o], 0.0, "row " + i + " lane " + l + " accumulate " + accumulate);
                    assertEquals(got[o], reversed[o], 0.0, "thread order, row " + i + " lane " + l);
                }
            }
        }
    }

    @Test
    void sharedFullPatternsUseTheTiledProductsWithTheSpmvsBitsAndSolveAsTheCpu() {
        BatchConeProgram batch = RandomQps.batch(12, 40, 70, true, 19);
        SolverSettings tight = SolverSettings.defaults().withEps(1e-8).withAlgorithm(Algorithm.FIRST_ORDER);
        EmulatedDevice dev = new EmulatedDevice(1L << 31);
        BatchSolution tiled = new CudaBackend(dev, 0).solve(batch, tight, null, null);
        // Products and the shared inverse all went through the tiled kernel; no per-(row, lane) SpMV.
        assertTrue(dev.launchCounts().get(CudaKernel.GEMM_LANES) > 100);
        assertFalse(dev.launchCounts().containsKey(CudaKernel.CSR_MV));
        System.setProperty(DeviceMatrices.DENSE_PRODUCTS_PROPERTY, "false");
        EmulatedDevice spmvDev = new EmulatedDevice(1L << 31);
        BatchSolution spmv = new CudaBackend(spmvDev, 0).solve(batch, tight, null, null);
        assertTrue(spmvDev.launchCounts().get(CudaKernel.CSR_MV) > 100);
        for (int b = 0; b < batch.batch(); b++) {
            assertEquals(spmv.iterations(b), tiled.iterations(b), "iterations of instance " + b);
            org.junit.jupiter.api.Assertions.assertArrayEquals(spmv.get(b).x(), tiled.get(b).x(), 0.0);
            org.junit.jupiter.api.Assertions.assertArrayEquals(spmv.get(b).y(), tiled.get(b).y(), 0.0);
        }
        // Against the CPU: the same optimum with a self-certifying dual (some duals of this batch are
        // determined only to ~1e-5 at eps 1e-8).
        EmulatedSolveTest.assertSameOptimum(batch, io.convexlayers.backend.Backends.cpu().solve(batch, tight, null,
                null), tiled, 1e-6);
    }
}
