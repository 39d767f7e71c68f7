// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.backend.cuda;

import io.convexlayers.data.BatchConeProgram;
import io.convexlayers.solver.BatchSolution;
import io.convexlayers.solver.LinearSystemKind;
import io.convexlayers.solver.SolverSettings;
import io.convexlayers.testing.RandomQps;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every {@link CudaHsdeKernels} operation, run on the emulated device (the kernels' Java twins),
 * against the CPU tile kernels: the host orchestration and the twins compute what the CPU backend
 * computes. The same harness runs on a real GPU in {@link CudaGpuTest}.
 */
class EmulatedOpsTest {
    private static final SolverSettings SETTINGS = SolverSettings.defaults();

    static double[] laneScales(int lanes, boolean shared) {
        double[] s = new double[lanes];
        for (int l = 0; l < lanes; l++) {
            s[l] = shared ? 0.1 : 0.05 * (1 + l);
        }
        return s;
    }

    @Test
    void perInstanceMatricesBatchedCholesky() {
        BatchConeProgram batch = RandomQps.batch(7, 11, 5, false, 1);
        OpsHarness h = new OpsHarness(new EmulatedDevice(1L << 30), batch, SETTINGS, 2, 1e-9);
        assertEquals("cuda-batched-inverse", h.gpu().linearSystemName());
        assertTrue(h.runAll(laneScales(5, false)) > 10);
    }

    @Test
    void sharedMatricesSharedInverse() {
        BatchConeProgram batch = RandomQps.batch(9, 14, 3, true, 3);
        OpsHarness h = new OpsHarness(new EmulatedDevice(1L << 30), batch, SETTINGS, 4, 1e-9);
        assertEquals("cuda-shared-inverse", h.gpu().linearSystemName());
        h.runAll(laneScales(3, true));
    }

    @Test
    void onlyResidualChecksAndSolutionsReadBack() {
        for (boolean shared : new boolean[] {false, true}) {
            BatchConeProgram batch = RandomQps.batch(6, 10, 4, shared, 9);
            EmulatedDevice dev = new EmulatedDevice(1L << 30);
            CudaHsdeKernels k = new CudaHsdeKernels(new BufferPool(dev), batch, 0, 4, SETTINGS,
                    io.convexlayers.solver.ExecutionSettings.defaults());
            k.setScale(laneScales(4, true));
            DeviceVector v = k.newVector(k.n() + k.m() + 1);
            DeviceVector u = k.newVector(k.n() + k.m() + 1);
            DeviceVector ut = k.newVector(k.n() + k.m() + 1);
            DeviceVector rsk = k.newVector(k.n() + k.m() + 1);
            DeviceVector anchor = k.newVector(k.n() + k.m() + 1);
            k.initialize(v, null, null, null, null);
            boolean[] all = {true, true, true, true};
            long before = dev.downloads();
            for (int it = 0; it < 30; it++) {
                k.normalize(v);
                k.linearStep(v, ut, it == 0);
                k.coneStep(ut, v, u, it == 0);
                k.dualIterate(v, u, ut, rsk);
                k.relax(v, u, ut, 1.5);
                if (it % 10 == 9) {
                    k.andersonStep(v, anchor, all);
                    k.andersonReject(v, anchor, new boolean[] {true, false, false, false});
                }
            }
            k.resetAfterScaleChange(v, u, ut, rsk, anchor, all);
            assertEquals(before, dev.downloads(), "per-iteration operations must not read back (shared=" + shared + ")");
            double[] stats = new double[4 * io.convexlayers.solver.hsde.ResidualStats.WIDTH];
            k.residuals(u, rsk, stats);
            assertEquals(before + 1, dev.downloads(), "one readback per residual check");
            double[] x = new double[k.n()];
            double[] y = new double[k.m()];
            double[] s = new double[k.m()];
            long bytes = dev.downloadedBytes();
            k.prepareReads(u, rsk, new boolean[] {true, false, true, false});
            for (int l : new int[] {0, 2}) {
                k.readSolution(u, rsk, l, 1, x, y, s, 0, 1);
            }
            assertEquals(before + 3, dev.downloads(), "finished lanes of one check share one download of u and rsk");
            assertEquals(2L * 2 * 8 * (k.n() + k.m() + 1), dev.downloadedBytes() - bytes,
                    "only the two finished lanes are copied");
            // A lane read without being announced is fetched on its own, and still right.
            double[] x1 = x.clone();
            k.readSolution(u, rsk, 1, 1, x, y, s, 0, 1);
            assertEquals(before + 5, dev.downloads());
            k.readSolution(u, rsk, 2, 1, x, y, s, 0, 1);
            assertArrayEquals(x1, x, 0, "lane 2 again, after lane 1 alone");
            k.close();
        }
    }

    @Test
    void theGpuSuiteLaunchesEveryKernel() {
        // The pieces CudaGpuTest and the GPU variants of the other suites run, on one emulated device.
        EmulatedDevice dev = new EmulatedDevice(1L << 31);
        new OpsHarness(dev, RandomQps.batch(5, 8, 3, false, 1), SETTINGS, 1, 1e-9).runAll(laneScales(3, false));
        new OpsHarness(dev, RandomQps.batch(5, 8, 3, true, 1), SETTINGS, 1, 1e-9).runAll(laneScales(3, true));
        new OpsHarness(dev, RandomQps.batch(5, 8, 3, false, 1), SETTINGS.withLinearSystem(LinearSystemKind.CG), 1,
                1e-5).runAll(laneScales(3, false));
        assertTrue(KktPaths.maxRelativeDifference(dev, 6, 9, 3, 7) < 1e-12);
        assertEquals(0, EquilibrationCheck.maxRelativeDifference(dev, 5, 2, 8, true));
        // Whole solves (CudaGpuTest's): lanes finish at different checks and retire.
        new CudaBackend(dev, 0).solve(RandomQps.batch(5, 8, 6, false, 2), SETTINGS.withAlgorithm(io.convexlayers.solver.Algorithm.FIRST_ORDER), null, null);
        // Per-lane QPs run fused; shared matrices take the graph path with its polyhedral tail kernel.
        new CudaBackend(dev, 0).solve(RandomQps.batch(5, 8, 6, true, 2), SETTINGS.withAlgorithm(io.convexlayers.solver.Algorithm.FIRST_ORDER), null, null);
        // The interior-point method on the device (DeviceInteriorPointGpuTest's).
        // (more than DeviceInteriorPoint.HOST_PREPARED_LANES instances: equilibrated and densified on the device).
        new CudaBackend(dev, 0).solve(RandomQps.batch(5, 8, 10, false, 2),
                SETTINGS.withAlgorithm(io.convexlayers.solver.Algorithm.INTERIOR_POINT), null, null);
        // A layer's forward with the data made on the device (DeviceForwardGpuTest's).
        DeviceForwardTest.oneMappedForward(dev);
        try (BufferPool.Lease lease = new BufferPool.Lease(new BufferPool(dev))) {
            DeviceCones cones = new DeviceCones(lease, CudaTestProblems.ALL_CONES, 2);
            DeviceVector v = lease.vector(CudaTestProblems.ALL_CONES.rows(), 2);
            dev.launch(CudaKernel.FILL, v.size(), v.size(), v, 0.5);
            cones.project(v, 0, true);
            DeviceConeDerivative der = new DeviceConeDerivative(lease, CudaTestProblems.ALL_CONES, 2);
            der.linearizeAt(v, 0, false);
            DeviceVector out = lease.vector(CudaTestProblems.ALL_CONES.rows(), 2);
            der.apply(v, 0, out, 0);
            der.applyTranspose(v, 0, out, 0);
            CudaParamMap map = new CudaParamMap(new BufferPool(dev),
                    io.convexlayers.data.CscMatrix.fromDense("T", new double[][] {{1, 2}}), 2);
            map.apply(lease.vector(1, 2), lease.vector(1, 2));
            CudaBatchVectors bv = new CudaBatchVectors(new BufferPool(dev), 2);
            DeviceVector a = bv.newVector(3);
            bv.axpby(new double[] {1, 1}, a, new double[] {1, 1}, bv.newVector(3));
            bv.dot(a, a, new double[2]);
            bv.scale(a, new double[] {2, 3});
        }
        // The device backward (DeviceBackwardTest's GPU variant).
        BatchConeProgram qps = RandomQps.batch(4, 6, 2, false, 3);
        BatchSolution sol = new CudaBackend(dev, 0).solve(qps, SETTINGS, null, null);
        CudaDerivatives.vjp(new CudaBackend(dev, 0), qps, sol,
                CudaDerivativeKernelsTest.identity(CudaDerivativeKernelsTest.rows(qps)),
                io.convexlayers.diff.DerivativeSettings.defaults().withMode(io.convexlayers.diff.DerivativeMode.LSQR),
                new double[4 * 2], null);
        java.util.Set<CudaKernel> missing = java.util.EnumSet.allOf(CudaKernel.class);
        missing.removeAll(dev.launchCounts().keySet());
        assertTrue(missing.isEmpty(), "kernels no test launches: " + missing);
    }

    @Test
    void singleLane() {
        BatchConeProgram batch = RandomQps.batch(4, 6, 1, false, 5);
        OpsHarness h = new OpsHarness(new EmulatedDevice(1L << 30), batch, SETTINGS, 6, 1e-9);
        h.runAll(laneScales(1, false));
    }

    @Test
    void conjugateGradientsToItsTolerance() {
        BatchConeProgram batch = RandomQps.batch(6, 10, 4, false, 7);
        SolverSettings cg = SETTINGS.withLinearSystem(LinearSystemKind.CG);
        OpsHarness h = new OpsHarness(new EmulatedDevice(1L << 30), batch, cg, 8, 1e-5);
        assertEquals("cuda-jacobi-cg", h.gpu().linearSystemName());
        h.runAll(laneScales(4, false));
    }

    @Test
    void secondOrderAndZeroCones() {
        BatchConeProgram batch = CudaTestProblems.planted(CudaTestProblems.SOC_CONES, 6, 4, 11, false).batch();
        OpsHarness h = new OpsHarness(new EmulatedDevice(1L << 30), batch, SETTINGS, 12, 1e-9);
        h.runAll(laneScales(4, false));
    }
}
