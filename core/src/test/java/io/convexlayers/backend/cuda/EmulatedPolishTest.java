// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.backend.cuda;

import io.convexlayers.backend.Backends;
import io.convexlayers.data.BatchConeProgram;
import io.convexlayers.solver.BatchSolution;
import io.convexlayers.solver.PolishStatus;
import io.convexlayers.solver.SolverSettings;
import io.convexlayers.solver.SolverStatus;
import io.convexlayers.testing.RandomQps;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Polishing on the CUDA backend's results (emulated device): the device solves at the default eps
 * 1e-5, the host polishes every instance, and the polished points agree with a CPU solve at eps
 * 1e-10 far more closely than the unpolished device points do.
 */
class EmulatedPolishTest {

    @Test
    void deviceSolutionsArePolishedOnTheHost() {
        BatchConeProgram batch = RandomQps.batch(12, 24, 6, false, 41);
        SolverSettings settings = SolverSettings.defaults().withPolish(true).withAlgorithm(io.convexlayers.solver.Algorithm.FIRST_ORDER);
        BatchSolution exact = Backends.cpu().solve(batch, settings.withEps(1e-10).withPolish(false), null, null);
        BatchSolution polished = EmulatedSolveTest.emulated().solve(batch, settings, null, null);
        BatchSolution plain = EmulatedSolveTest.emulated().solve(batch, settings.withPolish(false), null, null);
        double worstPolished = 0;
        double worstPlain = 0;
        for (int b = 0; b < batch.batch(); b++) {
            assertEquals(SolverStatus.SOLVED, polished.status(b));
            assertEquals(PolishStatus.SUCCEEDED, polished.polish(b), "instance " + b);
            assertEquals(PolishStatus.NOT_RUN, plain.polish(b), "instance " + b);
            worstPolished = Math.max(worstPolished, maxDiff(exact.get(b).x(), polished.get(b).x()));
            worstPlain = Math.max(worstPlain, maxDiff(exact.get(b).x(), plain.get(b).x()));
        }
        assertTrue(worstPolished <= 1e-8, "polished device points vs eps 1e-10: " + worstPolished);
        assertTrue(worstPlain > 100 * worstPolished, "unpolished: " + worstPlain + ", polished: " + worstPolished);
    }

    private static double maxDiff(double[] a, double[] b) {
        double worst = 0;
        for (int i = 0; i < a.length; i++) {
            worst = Math.max(worst, Math.abs(a[i] - b[i]));
        }
        return worst;
    }
}
