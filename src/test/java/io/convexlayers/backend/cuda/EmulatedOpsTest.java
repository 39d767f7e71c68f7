package io.convexlayers.backend.cuda;

import io.convexlayers.solver.BatchConeProgram;
import io.convexlayers.solver.LinearSystemKind;
import io.convexlayers.solver.SolverSettings;
import io.convexlayers.testing.RandomQps;
import org.junit.jupiter.api.Test;

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
        assertEquals("cuda-batched-cholesky", h.gpu().linearSystemName());
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
