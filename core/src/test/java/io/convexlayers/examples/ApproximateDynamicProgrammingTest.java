// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.examples;

import io.convexlayers.backend.Backends;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ApproximateDynamicProgrammingTest {
    private static final ApproximateDynamicProgramming.Config SMALL =
            ApproximateDynamicProgramming.Config.defaults().withBatch(8).withHorizon(10).withIterations(10);

    @Test
    void rolloutGradientMatchesFiniteDifferences() {
        // Central differences with h = 1e-5 need solutions accurate far below h times the gradient: at the
        // example's eps 1e-7 the interior-point method's solution error (~1e-7, not smooth in P_sqrt) puts
        // the difference off by ~0.06, while each step's gradient agrees with the first-order method's.
        ApproximateDynamicProgramming adp = new ApproximateDynamicProgramming(SMALL.withHorizon(5), Backends.cpu(),
                io.convexlayers.solver.SolverSettings.defaults().withEps(1e-10).withMaxIters(100_000));
        ApproximateDynamicProgramming.Scenario s = adp.scenario(new Random(4), 4);
        double[] p = adp.lqrSqrt();
        double[] grad = new double[p.length];
        adp.rollout(p, s.x0(), s.noise(), grad);
        double h = 1e-5;
        double largest = 0;
        for (int i : new int[] {0, 1, 5, 10, 15}) {
            double[] plus = p.clone();
            double[] minus = p.clone();
            plus[i] += h;
            minus[i] -= h;
            double fd = (adp.rollout(plus, s.x0(), s.noise(), null) - adp.rollout(minus, s.x0(), s.noise(), null))
                    / (2 * h);
            assertEquals(fd, grad[i], 1e-4 * Math.max(1, Math.abs(fd)), "d cost / d P_sqrt[" + i + "]");
            largest = Math.max(largest, Math.abs(fd));
        }
        assertTrue(largest > 1e-3, "nonzero gradient: " + largest);
    }

    @Test
    void trainingLowersTheCostOfTheLqrPolicyByTensOfPercent() {
        ApproximateDynamicProgramming.Result r = new ApproximateDynamicProgramming(SMALL, Backends.cpu()).train(null);
        assertEquals(10, r.costs().length);
        assertTrue(r.reductionPercent() > 15, "cost " + r.initialCost() + " -> " + r.finalCost());
    }
}
