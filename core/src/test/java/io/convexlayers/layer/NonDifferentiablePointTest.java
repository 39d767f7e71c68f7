// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.layer;

import io.convexlayers.diff.DerivativeIssue;
import io.convexlayers.diff.DerivativeQuality;
import io.convexlayers.dsl.Constant;
import io.convexlayers.dsl.Parameter;
import io.convexlayers.dsl.Problem;
import io.convexlayers.dsl.Variable;
import io.convexlayers.solver.SolverSettings;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The primal-degenerate LP vertex of issue #14: minimize cᵀx s.t. x ≥ 0, sum(x) = 1, x₀ ≤ u. At
 * u = 1 the optimum x = e₀ has five active constraints for four variables and the bound x₀ ≤ u is
 * redundant (its slack and its dual are both zero): the solution map has a kink in u (dL/du is
 * w₀ − w₃ from the left, 0 from the right), and the gradient must not be flagged ACCURATE. At u = 0.5
 * the same LP is strictly complementary and its gradient is exact.
 */
class NonDifferentiablePointTest {
    private static final double[] C = {0.659, 1.133, 1.344, 0.959};
    private static final double[] W = {0.3, -0.2, 0.5, 0.9};

    private static Gradients gradientsAt(double u) {
        Variable x = Variable.vector("x", 4);
        Parameter ub = Parameter.scalar("u");
        Problem p = Problem.minimize(Constant.vector(C).dot(x), x.ge(0), x.sum().eq(1), x.get(0).le(ub));
        ConvexLayer layer = ConvexLayer.builder(p).parameters(ub).outputs(x)
                .settings(SolverSettings.defaults()).build();
        return layer.forward(new double[] {u}).backward(W);
    }

    @Test
    void theDegenerateVertexIsNotCalledAccurate() {
        Gradients g = gradientsAt(1);
        assertEquals(DerivativeQuality.POOR, g.info(0).quality(), "kink at the degenerate vertex");
        // Five active rows for four variables; the interior-point solution keeps the redundant bound's
        // dual just off zero, so the count, not the complementarity test, names it.
        assertEquals(DerivativeIssue.KINK_DEGENERATE, g.info(0).issue());
    }

    /**
     * The documented way to a one-sided derivative at the kink: the gradient just off it, where the LP is
     * nondegenerate again — w₀ − w₃ from the left (x₃ = 1 − u > 0 takes up the mass), 0 from the right (the
     * bound is slack). At u = 1 itself the value returned lies between neither (README, DerivativeQuality).
     */
    @Test
    void theOneSidedDerivativesAreTheGradientsJustOffTheKink() {
        Gradients left = gradientsAt(1 - 1e-3);
        assertEquals(DerivativeQuality.ACCURATE, left.info(0).quality(), left.info(0)::toString);
        assertArrayEquals(new double[] {W[0] - W[3]}, left.of(0), 1e-6);
        Gradients right = gradientsAt(1 + 1e-3);
        assertEquals(DerivativeQuality.ACCURATE, right.info(0).quality(), right.info(0)::toString);
        assertArrayEquals(new double[] {0}, right.of(0), 1e-6);
    }

    @Test
    void aStrictlyComplementaryVertexKeepsItsExactGradient() {
        // x = (u, 0, 0, 1 − u): dL/du = w₀ − w₃.
        Gradients g = gradientsAt(0.5);
        assertEquals(DerivativeQuality.ACCURATE, g.info(0).quality());
        assertEquals(DerivativeIssue.NONE, g.info(0).issue());
        assertArrayEquals(new double[] {W[0] - W[3]}, g.of(0), 1e-6);
    }
}
