// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.backend.cpu;

import io.convexlayers.backend.Backends;
import io.convexlayers.batch.LaneSimd;
import io.convexlayers.data.BatchConeProgram;
import io.convexlayers.solver.Algorithm;
import io.convexlayers.solver.BatchSolution;
import io.convexlayers.solver.ExecutionSettings;
import io.convexlayers.solver.LinearSystemKind;
import io.convexlayers.solver.Polishing;
import io.convexlayers.solver.SolverSettings;
import io.convexlayers.solver.SolverStatus;
import io.convexlayers.testing.RandomQps;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Whole solves with the SIMD lane loops against the scalar loops: every instance's status,
 * iterations, polishing and (x, y, s) bit for bit, for the first-order method on each linear
 * system (with lane compaction, so that narrowed tiles mix with 8-lane ones), with shared
 * matrices, with polishing, and for the interior-point method (whose equilibration and products run
 * on the same loops).
 */
class SimdSolveTest {
    private static final SolverSettings FIRST_ORDER = SolverSettings.defaults().withEps(1e-7)
            .withAlgorithm(Algorithm.FIRST_ORDER);
    private static final ExecutionSettings ONE_THREAD = new ExecutionSettings(1, 8, true);

    @AfterEach
    void restore() {
        LaneSimd.setEnabled(true);
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = LinearSystemKind.class, names = {"DENSE", "SPARSE", "CG"})
    void firstOrderSolvesAreTheScalarSolvesBitForBit(LinearSystemKind kind) {
        BatchConeProgram socps = LaneCompactionTest.varyingBatch(19, true, 41);
        assertSameWithAndWithoutSimd(socps, FIRST_ORDER.withLinearSystem(kind), kind.toString());
    }

    @Test
    void simdTilesSkipTheFourLaneWidth() {
        // A scalar 4-lane tile costs about what a SIMD 8-lane tile does: with SIMD an 8-lane tile
        // narrows only once its running lanes fit in 2, so it computes more lane-iterations than
        // scalar compaction (same results) and fewer than no compaction at all.
        assumeTrue(LaneSimd.available(), LaneSimd.description());
        // Unpolished: polishing ends lanes in groups (its riders), which would blur the widths counted here.
        SolverSettings unpolished = FIRST_ORDER.withPolishing(Polishing.OFF);
        BatchConeProgram batch = LaneCompactionTest.varyingBatch(8, false, 45);
        LaneSimd.setEnabled(false);
        BatchSolution scalar = Backends.cpu().solve(batch, unpolished, ONE_THREAD, null, null);
        BatchSolution uncompacted = Backends.cpu().solve(batch, unpolished, new ExecutionSettings(1, 8, false),
                null, null);
        LaneSimd.setEnabled(true);
        BatchSolution simd = Backends.cpu().solve(batch, unpolished, ONE_THREAD, null, null);
        LaneCompactionTest.assertSameBits(scalar, simd, "narrowing");
        int[] iterations = new int[8];
        for (int b = 0; b < 8; b++) {
            iterations[b] = simd.iterations(b);
        }
        java.util.Arrays.sort(iterations);
        // Until the third-slowest lane finishes all 8 lanes run; then 2 lanes, then 1.
        long expected = 8L * iterations[5] + 2L * (iterations[6] - iterations[5]) + (iterations[7] - iterations[6]);
        assertEquals(expected, simd.laneIterations(), "SIMD lane-iterations");
        org.junit.jupiter.api.Assertions.assertTrue(scalar.laneIterations() < simd.laneIterations()
                && simd.laneIterations() < uncompacted.laneIterations(), scalar.laneIterations() + " < "
                + simd.laneIterations() + " < " + uncompacted.laneIterations());
    }

    @Test
    void sharedMatricesAndPolishingAreUnchanged() {
        assertSameWithAndWithoutSimd(RandomQps.batch(12, 30, 16, true, 42), FIRST_ORDER, "shared");
        assertSameWithAndWithoutSimd(LaneCompactionTest.varyingBatch(16, false, 43),
                FIRST_ORDER.withEps(1e-5).withPolish(true), "polished");
    }

    @Test
    void interiorPointSolvesAreUnchanged() {
        BatchConeProgram qps = RandomQps.batch(20, 40, 16, false, 44);
        BatchSolution simd = assertSameWithAndWithoutSimd(qps,
                SolverSettings.defaults().withAlgorithm(Algorithm.INTERIOR_POINT), "interior point");
        assertEquals(Algorithm.INTERIOR_POINT, simd.algorithm());
    }

    private static BatchSolution assertSameWithAndWithoutSimd(BatchConeProgram batch, SolverSettings settings,
                                                              String what) {
        assumeTrue(LaneSimd.available(), LaneSimd.description());
        LaneSimd.setEnabled(false);
        BatchSolution scalar = Backends.cpu().solve(batch, settings, ONE_THREAD, null, null);
        LaneSimd.setEnabled(true);
        BatchSolution simd = Backends.cpu().solve(batch, settings, ONE_THREAD, null, null);
        LaneCompactionTest.assertSameBits(scalar, simd, what);
        for (int b = 0; b < batch.batch(); b++) {
            assertEquals(SolverStatus.SOLVED, simd.status(b), what + " instance " + b);
        }
        return simd;
    }
}
