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
        ApproximateDynamicProgramming adp = new ApproximateDynamicProgramming(SMALL.withHorizon(5), Backends.cpu());
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
