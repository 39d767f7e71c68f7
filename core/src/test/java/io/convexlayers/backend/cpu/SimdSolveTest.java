// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.backend.cpu;

import io.convexlayers.backend.Backends;
import io.convexlayers.batch.LaneSimd;
import io.convexlayers.data.BatchConeProgram;
import io.convexlayers.solver.Algorithm;
import io.convexlayers.solver.BatchSolution;
import io.convexlayers.solver.ExecutionSettings;
import io.convexlayers.solver.LinearSystemKind;
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
