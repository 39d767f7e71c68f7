// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.layer;

import io.convexlayers.diff.DerivativeIssue;
import io.convexlayers.diff.DerivativeQuality;
import io.convexlayers.dsl.Constant;
import io.convexlayers.dsl.Constraint;
import io.convexlayers.dsl.Parameter;
import io.convexlayers.dsl.Problem;
import io.convexlayers.dsl.Variable;
import io.convexlayers.solver.Algorithm;
import io.convexlayers.solver.SolverSettings;
import org.junit.jupiter.api.Test;

import static io.convexlayers.dsl.Atoms.sumSquares;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Kinks of second-order, PSD and exponential cone blocks (issue #14 item 3): projections whose solution map is not
 * differentiable where the point to project lies on the set's boundary. The ball projection x(θ, r) of
 * ½‖x − θ‖² s.t. ‖x‖ ≤ r at ‖θ‖ = r has the derivative I in θ from inside and (I − uuᵀ) from outside
 * (u = θ/‖θ‖); the PSD projection of a symmetric Θ clips negative eigenvalues and has a kink where one is
 * zero; the projection of θ onto {x : (x, 1, c) ∈ K_exp} = {x ≤ log c} has one at θ = log c. At those points
 * the constraint's slack lies on the cone's boundary and its dual is zero (for the self-dual cones, s + y
 * is on the boundary): no strict complementarity, and the gradient is flagged POOR with that reason, by
 * every solver that takes the cone. Just off the kink the gradient is the one-sided derivative, exactly
 * and ACCURATE.
 */
class ConeKinkTest {
    private static final double[] THETA = {0.6, 0.8, 0};
    private static final double[] W = {0.5, -1.2, 0.7};

    private static Gradients ball(double r, Algorithm algorithm) {
        Variable x = Variable.vector("x", 3);
        Parameter theta = Parameter.vector("theta", 3);
        Parameter radius = Parameter.scalar("r");
        // (r, x) ∈ SOC itself: norm2(x) <= r would add an epigraph variable whose nonnegative row shows the kink.
        Problem p = Problem.minimize(sumSquares(x.minus(theta)).times(0.5), Constraint.soc(radius, x));
        SolverSettings settings = SolverSettings.defaults().withEps(1e-9).withAlgorithm(algorithm);
        ConvexLayer layer = ConvexLayer.builder(p).parameters(theta, radius).outputs(x).settings(settings).build();
        return layer.forward(THETA, new double[] {r}).backward(W);
    }

    @Test
    void theBallProjectionOnItsSphereIsAKink() {
        for (Algorithm algorithm : new Algorithm[] {Algorithm.INTERIOR_POINT, Algorithm.FIRST_ORDER}) {
            Gradients g = ball(1, algorithm); // ‖θ‖ = 1 = r
            assertEquals(DerivativeQuality.POOR, g.info(0).quality(), algorithm + ": " + g.info(0));
            assertEquals(DerivativeIssue.KINK_NO_STRICT_COMPLEMENTARITY, g.info(0).issue(), algorithm + ": "
                    + g.info(0));
        }
    }

    @Test
    void theOneSidedDerivativesAreTheGradientsJustOffTheSphere() {
        // Inside (r > ‖θ‖): x = θ, so dL/dθ = w and dL/dr = 0.
        Gradients inside = ball(1 + 1e-3, Algorithm.AUTO);
        assertEquals(DerivativeQuality.ACCURATE, inside.info(0).quality(), inside.info(0)::toString);
        assertArrayEquals(W, inside.of(0), 1e-6);
        assertArrayEquals(new double[] {0}, inside.of(1), 1e-6);
        // Outside (r < ‖θ‖ = 1): x = rθ/‖θ‖, dL/dθ = r·(w − u·uᵀw), dL/dr = uᵀw with u = θ.
        double r = 1 - 1e-3;
        Gradients outside = ball(r, Algorithm.AUTO);
        assertEquals(DerivativeQuality.ACCURATE, outside.info(0).quality(), outside.info(0)::toString);
        double uw = THETA[0] * W[0] + THETA[1] * W[1] + THETA[2] * W[2];
        double[] dTheta = new double[3];
        for (int j = 0; j < 3; j++) {
            dTheta[j] = r * (W[j] - THETA[j] * uw);
        }
        assertArrayEquals(dTheta, outside.of(0), 1e-6);
        assertArrayEquals(new double[] {uw}, outside.of(1), 1e-6);
    }

    /** The projection of diag(1, d) onto the PSD cone, with the loss ⟨W, X⟩ for a symmetric W. */
    private static Gradients psdProjection(double d, Algorithm algorithm) {
        Variable x = Variable.symmetric("X", 2);
        Parameter theta = Parameter.matrix("Theta", 2, 2);
        Problem p = Problem.minimize(sumSquares(x.minus(theta)), Constraint.psd(x));
        SolverSettings settings = SolverSettings.defaults().withEps(1e-9).withAlgorithm(algorithm);
        ConvexLayer layer = ConvexLayer.builder(p).parameters(theta).outputs(x).settings(settings).build();
        return layer.forward(new double[] {1, 0, 0, d}).backward(new double[] {0.4, 0.3, 0.3, -0.9});
    }

    @Test
    void thePsdProjectionAtAZeroEigenvalueIsAKink() {
        for (Algorithm algorithm : new Algorithm[] {Algorithm.INTERIOR_POINT, Algorithm.FIRST_ORDER}) {
            Gradients g = psdProjection(0, algorithm);
            assertEquals(DerivativeQuality.POOR, g.info(0).quality(), algorithm + ": " + g.info(0));
            assertEquals(DerivativeIssue.KINK_NO_STRICT_COMPLEMENTARITY, g.info(0).issue(), algorithm + ": "
                    + g.info(0));
        }
    }

    /**
     * Off the kink the PSD projection is differentiable: at diag(1, 0.5) it is the identity (gradient W);
     * at diag(1, −0.5) it scales entry (i, j) of a perturbation by 1, 0 on the diagonal and by
     * λ₁⁺/(λ₁ − λ₂) = 2/3 off it (the derivative of the eigenvalue clipping), so the gradient is W scaled
     * so. The symmetric part of Θ is projected, so a gradient's off-diagonal entries are half the derivative
     * along E₁₂ + E₂₁ each.
     */
    @Test
    void thePsdProjectionOffTheKinkHasItsExactGradient() {
        Gradients interior = psdProjection(0.5, Algorithm.AUTO);
        assertEquals(DerivativeQuality.ACCURATE, interior.info(0).quality(), interior.info(0)::toString);
        assertArrayEquals(new double[] {0.4, 0.3, 0.3, -0.9}, interior.of(0), 1e-6);
        Gradients clipped = psdProjection(-0.5, Algorithm.AUTO);
        assertEquals(DerivativeQuality.ACCURATE, clipped.info(0).quality(), clipped.info(0)::toString);
        assertArrayEquals(new double[] {0.4, 0.2, 0.2, 0}, clipped.of(0), 1e-6);
    }
    /** x(θ, c) = min(θ, log c): the projection onto {x : e^x ≤ c}, written as (x, 1, c) ∈ K_exp. */
    private static Gradients exponential(double theta, double c) {
        Variable x = Variable.scalar("x");
        Parameter t = Parameter.scalar("theta");
        Parameter cp = Parameter.scalar("c");
        Problem p = Problem.minimize(sumSquares(x.minus(t)).times(0.5),
                Constraint.expCone(x, Constant.scalar(1), cp));
        SolverSettings settings = SolverSettings.defaults().withEps(1e-9);
        ConvexLayer layer = ConvexLayer.builder(p).parameters(t, cp).outputs(x).settings(settings).build();
        return layer.forward(new double[] {theta}, new double[] {c}).backward(new double[] {0.7});
    }

    @Test
    void theExponentialConeProjectionAtItsBoundaryIsAKink() {
        Gradients g = exponential(1, Math.E);
        assertEquals(DerivativeQuality.POOR, g.info(0).quality(), g.info(0)::toString);
        assertEquals(DerivativeIssue.KINK_NO_STRICT_COMPLEMENTARITY, g.info(0).issue(), g.info(0)::toString);
        // Inside (θ < log c): x = θ, dL/dθ = w, dL/dc = 0. Outside: x = log c, dL/dθ = 0, dL/dc = w/c.
        Gradients inside = exponential(1 - 1e-3, Math.E);
        assertEquals(DerivativeQuality.ACCURATE, inside.info(0).quality(), inside.info(0)::toString);
        assertArrayEquals(new double[] {0.7}, inside.of(0), 1e-6);
        assertArrayEquals(new double[] {0}, inside.of(1), 1e-6);
        Gradients outside = exponential(1 + 1e-3, Math.E);
        assertEquals(DerivativeQuality.ACCURATE, outside.info(0).quality(), outside.info(0)::toString);
        assertArrayEquals(new double[] {0}, outside.of(0), 1e-6);
        assertArrayEquals(new double[] {0.7 / Math.E}, outside.of(1), 1e-6);
    }

    /**
     * x(θ) of ½(x − θ)² + u s.t. (x, u, 1) ∈ K_exp: for θ ≤ 0, x = θ and u = 0 — the slack (θ, 0, 1) on the
     * cone's flat face, its dual (0, 1, 0) on K_exp*'s, both nonzero. Inside the face (θ &lt; 0) the
     * projection is linear and the gradient exact; at θ = 0 the slack reaches the face's edge (0, 0, 1),
     * where the projection kinks although neither side vanishes.
     */
    private static Gradients flatFace(double theta) {
        Variable x = Variable.scalar("x");
        Variable u = Variable.scalar("u");
        Parameter t = Parameter.scalar("theta");
        Problem p = Problem.minimize(sumSquares(x.minus(t)).times(0.5).plus(u),
                Constraint.expCone(x, u, Constant.scalar(1)));
        SolverSettings settings = SolverSettings.defaults().withEps(1e-9);
        ConvexLayer layer = ConvexLayer.builder(p).parameters(t).outputs(x).settings(settings).build();
        return layer.forward(new double[] {theta}).backward(new double[] {0.7});
    }

    @Test
    void theExponentialConesFlatFaceIsSmoothInsideAndAKinkAtItsEdge() {
        Gradients inside = flatFace(-0.5);
        assertEquals(DerivativeQuality.ACCURATE, inside.info(0).quality(), inside.info(0)::toString);
        assertArrayEquals(new double[] {0.7}, inside.of(0), 1e-6);
        Gradients edge = flatFace(0);
        assertEquals(DerivativeQuality.POOR, edge.info(0).quality(), edge.info(0)::toString);
        assertEquals(DerivativeIssue.KINK_NO_STRICT_COMPLEMENTARITY, edge.info(0).issue(), edge.info(0)::toString);
    }
}
