// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.backend.cuda;

import io.convexlayers.data.BatchConeProgram;
import io.convexlayers.data.ConeDims;
import io.convexlayers.solver.Algorithm;
import io.convexlayers.solver.BatchSolution;
import io.convexlayers.solver.ExecutionSettings;
import io.convexlayers.solver.SolverSettings;
import io.convexlayers.solver.SolverStatus;
import io.convexlayers.testing.RandomQps;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The fused runs of {@code cl_hsde_fused} ({@link FusedIterations}) on the emulated device, whose twin
 * walks each block phase by phase between the kernel's barriers: the same iterates, bit for bit, as the
 * graphs of separate kernels (which themselves agree with the CPU, see {@link EmulatedSolveTest}); the
 * same bits with the threads of every phase run in the opposite order (no phase reads what another
 * thread of the same phase writes); one launch per run between checks; planted optima reached; and the
 * geometry and shared-memory choices.
 */
class FusedIterationsTest {
    private static final SolverSettings SETTINGS = SolverSettings.defaults().withEps(1e-7)
            .withAlgorithm(Algorithm.FIRST_ORDER);

    @AfterEach
    void restore() {
        System.clearProperty(FusedIterations.PROPERTY);
        FusedKernelTwin.reverseThreads = false;
    }

    private record Run(BatchSolution solution, Map<CudaKernel, Integer> launches) {
    }

    private static Run solve(BatchConeProgram batch, boolean fused, Supplier<EmulatedDevice> device) {
        System.setProperty(FusedIterations.PROPERTY, String.valueOf(fused));
        EmulatedDevice dev = device.get();
        CudaBackend backend = new CudaBackend(dev, 0);
        BatchSolution s = backend.solve(batch, SETTINGS, ExecutionSettings.defaults(), null, null);
        return new Run(s, Map.copyOf(dev.launchCounts()));
    }

    private static Run solve(BatchConeProgram batch, boolean fused) {
        return solve(batch, fused, () -> new EmulatedDevice(1L << 31));
    }

    private static void assertSameBits(BatchSolution want, BatchSolution got) {
        assertEquals(want.batch(), got.batch());
        for (int b = 0; b < want.batch(); b++) {
            assertEquals(want.status(b), got.status(b), "status of instance " + b);
            assertEquals(want.iterations(b), got.iterations(b), "iterations of instance " + b);
            assertArrayEquals(want.get(b).x(), got.get(b).x(), 0.0, "x of instance " + b);
            assertArrayEquals(want.get(b).y(), got.get(b).y(), 0.0, "y of instance " + b);
            assertArrayEquals(want.get(b).s(), got.get(b).s(), 0.0, "s of instance " + b);
        }
        assertEquals(want.laneIterations(), got.laneIterations());
    }

    @Test
    void perInstanceQpsGiveTheGraphPathsBitsWithOneLaunchPerCheck() {
        // 13 lanes: groups of 8 with a partial last group; instances finish at different checks.
        BatchConeProgram batch = RandomQps.batch(10, 20, 13, false, 31);
        Run graph = solve(batch, false);
        Run fused = solve(batch, true);
        assertSameBits(graph.solution(), fused.solution());
        for (int b = 0; b < batch.batch(); b++) {
            assertEquals(SolverStatus.SOLVED, fused.solution().status(b));
        }
        assertNull(graph.launches().get(CudaKernel.HSDE_FUSED));
        int checks = fused.launches().get(CudaKernel.HSDE_FUSED);
        // One fused launch per check: the τ-fixing first iteration runs unfused, the eight after it and the
        // check iteration are the first launch. The polyhedral tail kernel is never launched.
        int maxIters = 0;
        for (int b = 0; b < batch.batch(); b++) {
            maxIters = Math.max(maxIters, fused.solution().iterations(b));
        }
        assertEquals(maxIters / SETTINGS.checkInterval(), checks);
        assertNull(fused.launches().get(CudaKernel.HSDE_POLYHEDRAL_TAIL));
        assertTrue(graph.launches().get(CudaKernel.HSDE_POLYHEDRAL_TAIL) > 5 * checks);
    }

    @Test
    void equalityConstrainedLpsWithoutPAndWithAPlantedOptimum() {
        ConeDims cones = ConeDims.builder().zero(3).nonneg(12).build();
        CudaTestProblems.Planted planted = CudaTestProblems.planted(cones, 8, 9, 41, false);
        Run graph = solve(planted.batch(), false);
        Run fused = solve(planted.batch(), true);
        assertSameBits(graph.solution(), fused.solution());
        for (int b = 0; b < 9; b++) {
            assertEquals(SolverStatus.SOLVED, fused.solution().status(b));
            double opt = planted.optimum()[b];
            assertEquals(opt, fused.solution().objective(b), 1e-5 * Math.max(1, Math.abs(opt)), "objective " + b);
        }
    }

    @Test
    void aSingleInstanceRunsOnOneWarpOfOneBlock() {
        BatchConeProgram batch = RandomQps.batch(6, 9, 1, false, 5);
        Run graph = solve(batch, false);
        Run fused = solve(batch, true);
        assertSameBits(graph.solution(), fused.solution());
        assertEquals(32, FusedIterations.rowThreads(6, 9));
        assertEquals(1, FusedIterations.group(32, 1));
    }

    @Test
    void threadOrderWithinAPhaseDoesNotMatter() {
        // 40 and 60 rows over 64 row threads: two warps per lane, idle threads in every phase.
        BatchConeProgram batch = RandomQps.batch(40, 60, 5, false, 17);
        Run forward = solve(batch, true);
        FusedKernelTwin.reverseThreads = true;
        Run reversed = solve(batch, true);
        assertSameBits(forward.solution(), reversed.solution());
        Run graph = solve(batch, false);
        assertSameBits(graph.solution(), forward.solution());
    }

    @Test
    void inversesFromGlobalMemoryWhenTheyDoNotFitSharedMemory() {
        BatchConeProgram batch = RandomQps.batch(12, 16, 4, false, 23);
        // 4 lanes x 12 x 12 doubles = 4.6 KB; a 4 KB limit keeps the inverses in global memory.
        Supplier<EmulatedDevice> small = () -> {
            EmulatedDevice d = new EmulatedDevice(1L << 31);
            d.limitSharedMemory(4096);
            return d;
        };
        Run global = solve(batch, true, small);
        Run shared = solve(batch, true);
        assertSameBits(shared.solution(), global.solution());
        assertTrue(FusedIterations.sharedBytes(4, 12) > 4096);
    }

    @Test
    void onlyPerLaneInversesAndPolyhedralConesRunFused() {
        EmulatedDevice dev = new EmulatedDevice(1L << 31);
        BufferPool pool = new BufferPool(dev);
        BatchConeProgram qp = RandomQps.batch(10, 20, 3, false, 3);
        try (CudaHsdeKernels k = new CudaHsdeKernels(pool, qp, 0, 3, SETTINGS, ExecutionSettings.defaults())) {
            assertNotNull(k.fused());
            assertEquals(3, k.fused().group());
            assertTrue(k.fused().inverseInSharedMemory());
        }
        BatchConeProgram shared = RandomQps.batch(10, 20, 3, true, 3);
        try (CudaHsdeKernels k = new CudaHsdeKernels(pool, shared, 0, 3, SETTINGS, ExecutionSettings.defaults())) {
            assertNull(k.fused(), "shared matrices use the shared inverse, not the per-lane path");
        }
        CudaTestProblems.Planted soc = CudaTestProblems.planted(CudaTestProblems.SOC_CONES, 6, 2, 7, false);
        try (CudaHsdeKernels k = new CudaHsdeKernels(pool, soc.batch(), 0, 2, SETTINGS, ExecutionSettings.defaults())) {
            assertNull(k.fused(), "second-order cones need the cone kernels");
        }
        BatchConeProgram longRows = RandomQps.batch(10, FusedIterations.MAX_ROWS + 1, 2, false, 3);
        try (CudaHsdeKernels k = new CudaHsdeKernels(pool, longRows, 0, 2, SETTINGS, ExecutionSettings.defaults())) {
            assertNull(k.fused(), "longer rows keep the graph path's thread per (row, lane)");
        }
        System.setProperty(FusedIterations.PROPERTY, "false");
        try (CudaHsdeKernels k = new CudaHsdeKernels(pool, qp, 0, 3, SETTINGS, ExecutionSettings.defaults())) {
            assertNull(k.fused(), "the property turns fusing off");
        }
    }

    @Test
    void geometryCoversTheRowsWithWholeWarpsAndFillsBlocks() {
        assertEquals(32, FusedIterations.rowThreads(10, 20));
        assertEquals(224, FusedIterations.rowThreads(100, 200));
        assertEquals(256, FusedIterations.rowThreads(100, 1000));
        assertEquals(8, FusedIterations.group(32, 1024));
        assertEquals(1, FusedIterations.group(224, 1024));
        assertEquals(2, FusedIterations.group(128, 1024));
        // Every order of the per-lane inverse path (n <= 169) fits one lane's inverse in a block.
        assertTrue(FusedIterations.sharedBytes(1, BatchedCholeskyKkt.inverseMaxOrder(Device.MAX_SHARED_BYTES))
                <= Device.MAX_SHARED_BYTES);
        assertFalse(FusedIterations.sharedBytes(2, 169) <= Device.MAX_SHARED_BYTES);
    }
}
