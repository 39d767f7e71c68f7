// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.layer;

import io.convexlayers.backend.Backends;
import io.convexlayers.canon.ParametricConeProgram;
import io.convexlayers.data.BatchArray;
import io.convexlayers.data.BatchConeProgram;
import io.convexlayers.diff.DerivativeIssue;
import io.convexlayers.diff.DerivativeMethod;
import io.convexlayers.diff.DerivativeQuality;
import io.convexlayers.diff.DerivativeSettings;
import io.convexlayers.diff.JvpResult;
import io.convexlayers.diff.SolutionDerivative;
import io.convexlayers.diff.VjpResult;
import io.convexlayers.dsl.Expression;
import io.convexlayers.dsl.Parameter;
import io.convexlayers.dsl.Problem;
import io.convexlayers.dsl.Variable;
import io.convexlayers.solver.Algorithm;
import io.convexlayers.solver.BatchSolution;
import io.convexlayers.solver.ExecutionSettings;
import io.convexlayers.solver.SolverSettings;
import io.convexlayers.solver.SolverStatus;
import org.junit.jupiter.api.Test;

import java.util.Map;
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
 * flagged accurate, solved by the active block's LU (the vacuous rows are zero rows and columns of M,
 * left out of the block) and agrees with central differences (before, every instance was
 * KINK_DEGENERATE and POOR, solved by the SVD of M, and neither refined nor polished).
 */
class LambdaMaxGradientTest {
    private static final int K = 8;

    @Test
    void vanishingSymmetryRowsDoNotMakeThePointDegenerate() {
        Random rnd = new Random(7);
        Parameter theta = Parameter.matrix("Theta", K, K);
        ConvexLayer layer = layer(rnd, theta);
        double[] w = {0.7, -1.1, 0.4};
        for (int trial = 0; trial < 3; trial++) {
            double[] t = flat(symmetric(rnd));
            LayerResult r = layer.forward(t);
            Gradients g = r.backward(w);
            assertEquals(DerivativeIssue.NONE, g.info(0).issue(), g.info(0)::toString);
            assertEquals(DerivativeQuality.ACCURATE, g.info(0).quality(), g.info(0)::toString);
            // Solved through the active block's LU: the vacuous rows are left out of it (not the SVD of M).
            assertEquals(DerivativeMethod.DENSE_ACTIVE_BLOCK, g.info(0).method(), g.info(0)::toString);
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

    /**
     * The adjoint identity ⟨J·v, w⟩ = ⟨v, Jᵀ·w⟩ of the cone program's solution map at a point with
     * vacuous rows: the forward and transposed solves leave the same coordinates out.
     */
    @Test
    void theSolveAndItsTransposeAgreeAcrossVacuousRows() {
        Random rnd = new Random(11);
        Parameter theta = Parameter.matrix("Theta", K, K);
        ConvexLayer layer = layer(rnd, theta);
        ParametricConeProgram pc = layer.program();
        BatchConeProgram program = pc.instantiateBatch(pc.theta(Map.of(theta, flat(symmetric(rnd)))), 1);
        assertTrue(program.cones().zero() > program.n(), "more equality rows than variables: "
                + program.cones() + ", n = " + program.n());
        BatchSolution solution = Backends.cpu().solve(program, layer.settings(), ExecutionSettings.defaults(), null,
                null);
        SolutionDerivative d = SolutionDerivative.at(program, solution, DerivativeSettings.defaults());
        double[] dA = gaussian(rnd, program.aPattern().nnz());
        double[] db = gaussian(rnd, program.m());
        double[] dc = gaussian(rnd, program.n());
        double[] dP = program.pPattern() == null ? null : gaussian(rnd, program.pPattern().nnz());
        double[] wx = gaussian(rnd, program.n());
        double[] wy = gaussian(rnd, program.m());
        double[] ws = gaussian(rnd, program.m());
        JvpResult j = d.jvp(dP == null ? null : one(dP), one(dA), one(db), one(dc));
        VjpResult v = d.vjp(one(wx), one(wy), one(ws));
        assertEquals(DerivativeMethod.DENSE_ACTIVE_BLOCK, j.info()[0].method(), j.info()[0]::toString);
        double lhs = dot(j.dx().instance(0), wx) + dot(j.dy().instance(0), wy) + dot(j.ds().instance(0), ws);
        double rhs = dot(dA, v.dA().instance(0)) + dot(db, v.db().instance(0)) + dot(dc, v.dc().instance(0))
                + (dP == null ? 0 : dot(dP, v.dP().instance(0)));
        assertEquals(lhs, rhs, 1e-9 * (1 + Math.abs(lhs)), "⟨Jv, w⟩ " + lhs + " against ⟨v, Jᵀw⟩ " + rhs);
    }

    /**
     * The interior-point method solves the same λ_max layer (an 8 × 8 PSD cone, more equality rows than
     * variables) when asked for by name: its solution's gradient is flagged accurate and agrees with the
     * first-order solution's (eps 1e-10) and with central differences of its own forward pass. Those take
     * a step of 1e-3: the interior point's x moves by a few 1e-7 between neighbouring θ (residuals near
     * 1e-10 bound x only to the square root of the gap, and its iteration count changes with θ), which
     * a step of 1e-5 would turn into errors near 1e-2.
     */
    @Test
    void theInteriorPointSolutionGivesTheSameGradient() {
        Random rnd = new Random(13);
        Parameter theta = Parameter.matrix("Theta", K, K);
        ConvexLayer firstOrder = layer(new Random(5), theta);
        ConvexLayer interior = layer(new Random(5), theta, SolverSettings.defaults().withEps(1e-8)
                .withAlgorithm(Algorithm.INTERIOR_POINT));
        double[] w = {0.3, 0.9, -0.6};
        for (int trial = 0; trial < 2; trial++) {
            double[] t = flat(symmetric(rnd));
            LayerResult r = interior.forward(t);
            assertEquals(Algorithm.INTERIOR_POINT, r.solution(0).algorithm());
            Gradients g = r.backward(w);
            assertEquals(DerivativeQuality.ACCURATE, g.info(0).quality(), g.info(0)::toString);
            double[] grad = g.of(theta);
            double[] reference = firstOrder.forward(t).backward(w).of(theta);
            double h = 1e-3;
            double worst = 0;
            double worstFd = 0;
            double scale = 0;
            for (int i = 0; i < K; i++) {
                for (int j = 0; j <= i; j++) {
                    double got = i == j ? grad[i * K + i] : grad[i * K + j] + grad[j * K + i];
                    double ref = i == j ? reference[i * K + i] : reference[i * K + j] + reference[j * K + i];
                    double fd = (loss(interior, shifted(t, i, j, h), w) - loss(interior, shifted(t, i, j, -h), w))
                            / (2 * h);
                    worst = Math.max(worst, Math.abs(got - ref));
                    worstFd = Math.max(worstFd, Math.abs(got - fd));
                    scale = Math.max(scale, Math.abs(ref));
                }
            }
            assertTrue(scale > 1e-3, "a gradient worth testing: " + scale);
            assertTrue(worst <= 1e-6 * Math.max(1, scale), "against the first-order solution: " + worst);
            assertTrue(worstFd <= 1e-3 * Math.max(1, scale), "against central differences: " + worstFd);
        }
    }

    private static ConvexLayer layer(Random rnd, Parameter theta) {
        return layer(rnd, theta, SolverSettings.defaults().withEps(1e-10));
    }

    private static ConvexLayer layer(Random rnd, Parameter theta, SolverSettings settings) {
        Variable x = Variable.vector("x", 3);
        Expression m = theta;
        for (int q = 0; q < 3; q++) {
            m = m.plus(constant(symmetric(rnd)).times(x.get(q)));
        }
        Problem problem = Problem.minimize(lambdaMax(m).plus(sumSquares(x)));
        return ConvexLayer.builder(problem).parameters(theta).outputs(x).settings(settings).build();
    }

    private static BatchArray one(double[] v) {
        return BatchArray.perInstance(new double[][] {v});
    }

    private static double[] gaussian(Random rnd, int len) {
        double[] v = new double[len];
        for (int i = 0; i < len; i++) {
            v[i] = rnd.nextGaussian();
        }
        return v;
    }

    private static double dot(double[] a, double[] b) {
        double acc = 0;
        for (int i = 0; i < a.length; i++) {
            acc += a[i] * b[i];
        }
        return acc;
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
