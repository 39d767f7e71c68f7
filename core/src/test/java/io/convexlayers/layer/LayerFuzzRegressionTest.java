// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.layer;

import io.convexlayers.backend.Backends;
import io.convexlayers.diff.DerivativeMode;
import io.convexlayers.diff.DerivativeSettings;
import io.convexlayers.dsl.Parameter;
import io.convexlayers.dsl.Problem;
import io.convexlayers.dsl.Variable;
import io.convexlayers.solver.SolverSettings;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Arrays;

import static io.convexlayers.dsl.Atoms.exp;
import static io.convexlayers.dsl.Atoms.logSumExp;
import static io.convexlayers.dsl.Atoms.sum;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/** Scenarios the layer fuzzer once found, reduced to what triggered them. */
class LayerFuzzRegressionTest {
    /**
     * Found by seed 20261204, input 3468 (scenario seed 8814121536762719793): 65 536 exponential
     * cones differentiated in DENSE mode ran for hours, because the cone blocks were formed by one
     * application of the whole cone derivative per row (quadratic in the rows), and the SVD fallback
     * and dense mode had no bound on the order they factor. Here 20 000 cones (60 000 rows), which
     * took hours, must finish in seconds (200 iterations are not needed to show it: 20 are).
     */
    @Test
    void manyExponentialConesDifferentiateInDenseModeWithoutQuadraticCost() {
        int n = 20_000;
        Variable x = Variable.vector("x", n);
        Parameter p = Parameter.vector("p", n);
        Problem problem = Problem.minimize(logSumExp(x).plus(sum(exp(x))).minus(p.dot(x)));
        ConvexLayer layer = ConvexLayer.builder(problem).parameters(p).outputs(x).backend(Backends.cpu())
                .settings(SolverSettings.defaults().withMaxIters(20))
                .derivativeSettings(DerivativeSettings.defaults().withMode(DerivativeMode.DENSE))
                .failurePolicy(FailurePolicy.RETURN).build();
        double[] values = new double[n];
        Arrays.fill(values, 0.5);
        double[] dLoss = new double[n];
        Arrays.fill(dLoss, 1.0);
        Gradients g = assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
            LayerResult r = layer.forward(values);
            return r.backward(dLoss);
        });
        assertEquals(n, g.of(p).length);
    }
}
