// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.solver;

import io.convexlayers.backend.ConeSolver;
import io.convexlayers.data.BatchArray;
import io.convexlayers.data.BatchConeProgram;
import io.convexlayers.data.ConeProgram;
import io.convexlayers.testing.Kkt;
import io.convexlayers.testing.RandomQps;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Batched solves against single solves, the shared-factorization path, warm starts. */
class BatchSolveTest {
    /** Unpolished: the default polishes LP/QP batches of eight or more instances, so not the single solves. */
    private static final SolverSettings TIGHT = SolverSettings.defaults().withEps(1e-9)
            .withAlgorithm(io.convexlayers.solver.Algorithm.FIRST_ORDER).withPolishing(Polishing.OFF);

    @Test
    void batchEqualsSingleSolves() {
        BatchConeProgram batch = RandomQps.batch(12, 24, 11, false, 3);
        BatchSolution all = ConeSolver.solveBatch(batch, TIGHT);
        for (int b = 0; b < batch.batch(); b++) {
            Solution one = ConeSolver.solve(batch.instance(b), TIGHT);
            Solution inBatch = all.get(b);
            assertEquals(SolverStatus.SOLVED, inBatch.status());
            assertArrayEquals(one.x(), inBatch.x(), 1e-9, "instance " + b);
            assertArrayEquals(one.y(), inBatch.y(), 1e-9, "instance " + b);
            assertEquals(one.iterations(), inBatch.iterations(), "instance " + b);
        }
    }

    @Test
    void sharedFactorizationMatchesPerInstancePath() {
        BatchConeProgram batch = RandomQps.batch(15, 30, 10, true, 4);
        assertTrue(batch.matricesShared());
        BatchSolution shared = ConeSolver.solveBatch(batch, TIGHT.withLinearSystem(LinearSystemKind.SHARED));
        BatchSolution dense = ConeSolver.solveBatch(batch, TIGHT.withLinearSystem(LinearSystemKind.DENSE));
        for (int b = 0; b < batch.batch(); b++) {
            assertEquals(SolverStatus.SOLVED, shared.status(b));
            assertEquals(SolverStatus.SOLVED, dense.status(b));
            assertArrayEquals(dense.get(b).x(), shared.get(b).x(), 1e-6, "instance " + b);
            ConeProgram p = batch.instance(b);
            assertTrue(Kkt.primalResidual(p, shared.get(b).x(), shared.get(b).s()) < 1e-7);
            assertTrue(Kkt.dualResidual(p, shared.get(b).x(), shared.get(b).y()) < 1e-7);
        }
    }

    @Test
    void warmStartFromTheSolutionConvergesAtOnce() {
        ConeProgram p = RandomQps.single(20, 40, 9);
        Solution cold = ConeSolver.solve(p, TIGHT);
        Solution warm = ConeSolver.solve(p, TIGHT, cold.x(), cold.y(), cold.s());
        assertEquals(SolverStatus.SOLVED, warm.status());
        assertTrue(warm.iterations() <= 3 * TIGHT.checkInterval(),
                "warm " + warm.iterations() + " vs cold " + cold.iterations());
        assertTrue(cold.iterations() > warm.iterations());
        assertArrayEquals(cold.x(), warm.x(), 1e-7);
    }

    @Test
    void oneInfeasibleInstanceDoesNotDisturbTheOthers() {
        BatchConeProgram good = RandomQps.batch(6, 12, 5, false, 8);
        double[][] h = new double[5][];
        for (int b = 0; b < 5; b++) {
            h[b] = good.b().instance(b);
        }
        // Instance 2: make Gx ≤ h infeasible by demanding g₀ᵀx ≤ −1 − t and −g₀ᵀx ≤ t... use rows 0 and 1
        // after replacing them by opposite copies with an empty intersection.
        BatchArray aVals = good.aValues();
        double[][] perA = new double[5][];
        for (int b = 0; b < 5; b++) {
            perA[b] = aVals.instance(b);
        }
        var pat = good.aPattern();
        for (int j = 0; j < pat.cols(); j++) {
            int k0 = pat.find(0, j);
            int k1 = pat.find(1, j);
            perA[2][k1] = -perA[2][k0];
        }
        h[2][0] = -1;
        h[2][1] = -1;
        BatchConeProgram mixed = new BatchConeProgram(good.pPattern(), good.pValues(), pat,
                BatchArray.perInstance(perA), BatchArray.perInstance(h), good.c(), good.cones());
        BatchSolution sol = ConeSolver.solveBatch(mixed, TIGHT);
        assertEquals(SolverStatus.INFEASIBLE, sol.status(2));
        for (int b = 0; b < 5; b++) {
            if (b == 2) {
                continue;
            }
            Solution alone = ConeSolver.solve(mixed.instance(b), TIGHT);
            assertEquals(SolverStatus.SOLVED, sol.status(b));
            assertArrayEquals(alone.x(), sol.get(b).x(), 1e-9);
        }
    }
}
