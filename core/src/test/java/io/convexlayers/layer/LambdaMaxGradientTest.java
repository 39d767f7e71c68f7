// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.layer;

import io.convexlayers.diff.DerivativeIssue;
import io.convexlayers.diff.DerivativeQuality;
import io.convexlayers.dsl.Expression;
import io.convexlayers.dsl.Parameter;
import io.convexlayers.dsl.Problem;
import io.convexlayers.dsl.Variable;
import io.convexlayers.solver.SolverSettings;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static io.convexlayers.dsl.Atoms.constant;
import static io.convexlayers.dsl.Atoms.lambdaMax;
import static io.convexlayers.dsl.Atoms.sumSquares;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A λ_max layer: min λ_max(Θ + Σ x_q B_q) + ‖x‖² over x ∈ R³ (8 × 8 matrices). Its cone program has 4
 * variables and 28 equality rows that only say the PSD argument is symmetric — with symmetric B_q their
 * rows of A vanish. Those rows constrain nothing, so the point is not degenerate: the gradient is
 * flagged accurate and agrees with central differences (before, every instance was KINK_DEGENERATE and
 * POOR, and neither refined nor polished).
 */
class LambdaMaxGradientTest {
    private static final int K = 8;

    @Test
    void vanishingSymmetryRowsDoNotMakeThePointDegenerate() {
        Random rnd = new Random(7);
        Variable x = Variable.vector("x", 3);
        Parameter theta = Parameter.matrix("Theta", K, K);
        Expression m = theta;
        for (int q = 0; q < 3; q++) {
            m = m.plus(constant(symmetric(rnd)).times(x.get(q)));
        }
        Problem problem = Problem.minimize(lambdaMax(m).plus(sumSquares(x)));
        ConvexLayer layer = ConvexLayer.builder(problem).parameters(theta).outputs(x)
                .settings(SolverSettings.defaults().withEps(1e-10)).build();
        double[] w = {0.7, -1.1, 0.4};
        for (int trial = 0; trial < 3; trial++) {
            double[] t = flat(symmetric(rnd));
            LayerResult r = layer.forward(t);
            Gradients g = r.backward(w);
            assertEquals(DerivativeIssue.NONE, g.info(0).issue(), g.info(0)::toString);
            assertEquals(DerivativeQuality.ACCURATE, g.info(0).quality(), g.info(0)::toString);
            double[] grad = g.of(theta);
            // Central differences along symmetric directions E_ij + E_ji: the gradient's (i, j) + (j, i).
            double h = 1e-5;
            double worst = 0;
            double scale = 0;
            for (int i = 0; i < K; i++) {
                for (int j = 0; j <= i; j++) {
                    double fd = (loss(layer, shifted(t, i, j, h), w) - loss(layer, shifted(t, i, j, -h), w)) / (2 * h);
                    double got = i == j ? grad[i * K + i] : grad[i * K + j] + grad[j * K + i];
                    worst = Math.max(worst, Math.abs(fd - got));
                    scale = Math.max(scale, Math.abs(fd));
                }
            }
            assertTrue(scale > 1e-3, "a gradient worth testing: " + scale);
            assertTrue(worst <= 1e-5 * Math.max(1, scale), "trial " + trial + ": worst " + worst + ", scale " + scale);
        }
    }

    private static double loss(ConvexLayer layer, double[] t, double[] w) {
        double[] x = layer.forward(t).value(0);
        return w[0] * x[0] + w[1] * x[1] + w[2] * x[2];
    }

    private static double[] shifted(double[] t, int i, int j, double h) {
        double[] out = t.clone();
        out[i * K + j] += h;
        if (i != j) {
            out[j * K + i] += h;
        }
        return out;
    }

    private static double[][] symmetric(Random rnd) {
        double[][] a = new double[K][K];
        for (int i = 0; i < K; i++) {
            for (int j = 0; j <= i; j++) {
                a[i][j] = rnd.nextGaussian();
                a[j][i] = a[i][j];
            }
        }
        return a;
    }

    private static double[] flat(double[][] a) {
        double[] out = new double[K * K];
        for (int i = 0; i < K; i++) {
            System.arraycopy(a[i], 0, out, i * K, K);
        }
        return out;
    }
}
