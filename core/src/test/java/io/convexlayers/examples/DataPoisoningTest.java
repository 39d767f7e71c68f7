// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.examples;

import io.convexlayers.backend.Backends;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DataPoisoningTest {
    private final DataPoisoning example = new DataPoisoning(new DataPoisoning.Config(20, 100, 2, 0.01, 3),
            Backends.cpu());

    @Test
    void testLossGradientMatchesFiniteDifferences() {
        double[] points = example.trainingPoints();
        DataPoisoning.Influence inf = example.influence(points);
        double h = 1e-4;
        double largest = 0;
        for (int i : new int[] {0, 1, 7, 22, 39}) {
            double[] plus = points.clone();
            double[] minus = points.clone();
            plus[i] += h;
            minus[i] -= h;
            double fd = (example.testLoss(plus) - example.testLoss(minus)) / (2 * h);
            assertEquals(fd, inf.gradient()[i], 1e-5, "d test loss / d X[" + i + "]");
            largest = Math.max(largest, Math.abs(fd));
        }
        assertTrue(largest > 1e-3, "nonzero influence: " + largest);
    }

    @Test
    void aPoisoningStepRaisesTheTestLoss() {
        double[] points = example.trainingPoints();
        DataPoisoning.Influence inf = example.influence(points);
        double poisoned = example.testLoss(example.poison(points, inf.gradient(), 0.3));
        assertTrue(poisoned > inf.testLoss() + 0.02, inf.testLoss() + " -> " + poisoned);
    }
}
