// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.solver.ipm;

import io.convexlayers.backend.Backends;
import io.convexlayers.data.BatchArray;
import io.convexlayers.data.BatchConeProgram;
import io.convexlayers.data.SparsePattern;
import io.convexlayers.diff.DerivativeMethod;
import io.convexlayers.diff.DerivativeMode;
import io.convexlayers.diff.DerivativeQuality;
import io.convexlayers.diff.DerivativeSettings;
import io.convexlayers.diff.SolutionDerivative;
import io.convexlayers.diff.VjpResult;
import io.convexlayers.solver.Algorithm;
import io.convexlayers.solver.BatchSolution;
import io.convexlayers.solver.DataScaling;
import io.convexlayers.solver.ExecutionSettings;
import io.convexlayers.solver.Polishing;
import io.convexlayers.solver.SolverSettings;
import io.convexlayers.testing.RandomQps;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The scaling the interior-point tiles record ({@link DataScaling}) and the derivative's reuse of it:
 * recorded for every instance a tile finished, absent without equilibration; applied to the raw data
 * it reproduces the solve's equilibrated tile; the first-order tiles record theirs without a cost
 * scale, polished or not; and the active KKT solve factored with either gives the gradients of the
 * per-instance dense derivative.
 */
class RecordedScalingTest {
    private static final SolverSettings IPM = SolverSettings.defaults().withEps(1e-8)
            .withAlgorithm(Algorithm.INTERIOR_POINT);

    private static BatchSolution solve(BatchConeProgram batch, SolverSettings settings) {
        return InteriorPointSolver.solve(batch, settings, ExecutionSettings.defaults(), null, NewtonSystemChoice.DENSE, true);
    }

    @Test
    void tilesRecordEveryInstanceTheyFinishAndNothingWithoutEquilibration() {
        BatchConeProgram batch = RandomQps.batch(10, 20, 13, false, 21);
        DataScaling scaling = solve(batch, IPM).dataScaling();
        assertNotNull(scaling);
        for (int b = 0; b < batch.batch(); b++) {
            assertTrue(scaling.recorded(b), "instance " + b);
        }
        assertNull(solve(batch, IPM.toBuilder().equilibrate(false).build()).dataScaling());
        double[] d = new double[20 * 8];
        double[] e = new double[10 * 8];
        double[] cost = new double[8];
        // The second tile's last three lanes repeat instance 12.
        assertTrue(scaling.copyTile(8, 8, d, e, cost));
        assertEquals(cost[4], cost[7]);
        assertEquals(d[19 * 8 + 4], d[19 * 8 + 6]);
    }

    @Test
    void theRecordedScalingReproducesTheSolvesEquilibratedTile() {
        BatchConeProgram batch = RandomQps.batch(12, 24, 16, false, 22);
        DataScaling scaling = solve(batch, IPM).dataScaling();
        IpmLayout layout = new IpmLayout(batch, NewtonSystemChoice.DENSE);
        for (int first = 0; first < 16; first += 8) {
            ScaledTile equilibrated = new ScaledTile(layout, 8);
            equilibrated.load(batch, first, true);
            ScaledTile rescaled = new ScaledTile(layout, 8);
            assertTrue(rescaled.loadScaled(batch, first, scaling));
            assertClose(equilibrated.a, rescaled.a, "Â");
            assertClose(equilibrated.p, rescaled.p, "P̂");
            assertClose(equilibrated.b, rescaled.b, "b̂");
            assertClose(equilibrated.c, rescaled.c, "ĉ");
            assertClose(equilibrated.costScale, rescaled.costScale, "σ");
        }
    }

    @Test
    void theActiveKktSolveWithTheRecordedScalingGivesTheDenseDerivativesGradients() {
        BatchConeProgram batch = RandomQps.batch(10, 20, 16, false, 23);
        BatchSolution solution = solve(batch, IPM);
        assertNotNull(solution.dataScaling());
        assertGradientsAgree(batch, solution, 1e-8);
        assertFalse(solution.dataScaling().toString().isEmpty());
    }

    @Test
    void firstOrderTilesRecordTheirFactorsWithoutACostScaleAndTheDerivativeTakesIt() {
        BatchConeProgram batch = RandomQps.batch(10, 20, 16, false, 25);
        SolverSettings firstOrder = SolverSettings.defaults().withEps(1e-9).withAlgorithm(Algorithm.FIRST_ORDER);
        ExecutionSettings one = ExecutionSettings.defaults().withThreads(1);
        for (Polishing polishing : new Polishing[] {Polishing.OFF, Polishing.ON}) {
            BatchSolution solution = Backends.cpu().solve(batch, firstOrder.withPolishing(polishing), one, null, null);
            DataScaling scaling = solution.dataScaling();
            assertNotNull(scaling, polishing.toString());
            for (int b = 0; b < batch.batch(); b++) {
                assertTrue(scaling.recorded(b), polishing + " instance " + b);
            }
            double[] d = new double[20 * 8];
            double[] e = new double[10 * 8];
            double[] cost = new double[8];
            assertTrue(scaling.copyTile(0, 8, d, e, cost));
            assertTrue(Double.isNaN(cost[3]), "the first-order method scales b and c jointly: no cost scale");
            // D·A·E with the recorded factors is equilibrated: every column of Â near unit size.
            IpmLayout layout = new IpmLayout(batch, NewtonSystemChoice.DENSE);
            ScaledTile tile = new ScaledTile(layout, 8);
            assertTrue(tile.loadScaled(batch, 0, scaling));
            SparsePattern ap = layout.aPattern;
            for (int j = 0; j < ap.cols(); j++) {
                double sum = 0;
                for (int k = ap.colStart(j); k < ap.colStart(j + 1); k++) {
                    sum += tile.a[k * 8] * tile.a[k * 8];
                }
                double norm = Math.sqrt(sum);
                assertTrue(norm > 0.2 && norm < 5, polishing + " column " + j + " of Â: norm " + norm);
            }
            assertGradientsAgree(batch, solution, 1e-6);
        }
    }

    /** The active KKT solve's VJP against the per-instance dense derivative's, instance by instance. */
    private static void assertGradientsAgree(BatchConeProgram batch, BatchSolution solution, double tolerance) {
        double[] gx = new double[batch.n() * batch.batch()];
        Random rnd = new Random(24);
        for (int k = 0; k < gx.length; k++) {
            gx[k] = rnd.nextGaussian();
        }
        BatchArray g = BatchArray.batchMinor(batch.n(), batch.batch(), gx);
        ExecutionSettings one = ExecutionSettings.defaults().withThreads(1);
        VjpResult auto = SolutionDerivative.at(batch, solution, DerivativeSettings.defaults(), one).vjp(g, null, null);
        VjpResult dense = SolutionDerivative.at(batch, solution,
                DerivativeSettings.defaults().withMode(DerivativeMode.DENSE), one).vjp(g, null, null);
        int compared = 0;
        for (int b = 0; b < batch.batch(); b++) {
            if (auto.info()[b].quality() != DerivativeQuality.ACCURATE
                    || dense.info()[b].quality() != DerivativeQuality.ACCURATE) {
                continue;
            }
            assertEquals(DerivativeMethod.ACTIVE_KKT, auto.info()[b].method(), "instance " + b);
            compared++;
            BatchArray[][] pairs = {{auto.dA(), dense.dA()}, {auto.db(), dense.db()}, {auto.dc(), dense.dc()},
                    {auto.dP(), dense.dP()}};
            for (BatchArray[] pair : pairs) {
                for (int i = 0; i < pair[0].length(); i++) {
                    double want = pair[1].get(i, b);
                    assertEquals(want, pair[0].get(i, b), tolerance * (1 + Math.abs(want)),
                            "instance " + b + " entry " + i);
                }
            }
        }
        assertTrue(compared >= 12, compared + " instances compared");
    }

    private static void assertClose(double[] expected, double[] actual, String what) {
        if (expected == null) {
            assertNull(actual, what);
            return;
        }
        assertEquals(expected.length, actual.length, what);
        for (int k = 0; k < expected.length; k++) {
            assertEquals(expected[k], actual[k], 1e-12 * Math.max(1, Math.abs(expected[k])), what + " entry " + k);
        }
    }
}
