// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.layer;

import io.convexlayers.dsl.Parameter;
import io.convexlayers.dsl.Problem;
import io.convexlayers.dsl.Variable;
import io.convexlayers.solver.SolverSettings;
import io.convexlayers.solver.SolverStatus;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static io.convexlayers.dsl.Atoms.sumSquares;
import static org.junit.jupiter.api.Assertions.*;

/** Infeasible and unbounded instances under both failure policies. */
class LayerFailureTest {
    // First order: the box projection with c on a bound is degenerate (a constraint active with a zero
    // dual), where an interior-point x is only as accurate as the square root of its gap.
    private static final SolverSettings S = SolverSettings.defaults().withEps(1e-9)
            .withAlgorithm(io.convexlayers.solver.Algorithm.FIRST_ORDER);

    /** minimize ‖x − c‖²  s.t.  lo ≤ x ≤ hi: infeasible where lo &gt; hi. */
    private static ConvexLayer box(FailurePolicy policy, Parameter c, Parameter lo, Parameter hi, Variable x) {
        Problem p = Problem.minimize(sumSquares(x.minus(c)), x.ge(lo), x.le(hi));
        return ConvexLayer.builder(p).parameters(c, lo, hi).outputs(x).settings(S).failurePolicy(policy).build();
    }

    @Test
    void infeasibleInstancesThrowListingThemByDefault() {
        Parameter c = Parameter.vector("c", 2);
        Parameter lo = Parameter.vector("lo", 2);
        Parameter hi = Parameter.vector("hi", 2);
        Variable x = Variable.vector("x", 2);
        ConvexLayer layer = box(FailurePolicy.THROW, c, lo, hi, x);
        assertEquals(FailurePolicy.THROW, ConvexLayer.builder(Problem.minimize(sumSquares(x.minus(c))))
                .outputs(x).build().failurePolicy(), "THROW is the default");
        double[] cs = {0, 0, 5, 5, -3, 1};
        double[] los = {-1, -1, 1, 2, -1, -1}; // instance 1: lo₀ = 1 > hi₀ = 0
        double[] his = {1, 1, 0, 3, 1, 1};
        LayerSolveException e = assertThrows(LayerSolveException.class, () -> layer.forward(cs, los, his));
        assertArrayEquals(new int[] {1}, e.failedInstances());
        assertEquals(SolverStatus.INFEASIBLE, e.status(1));
        assertTrue(e.getMessage().startsWith("1 of 3 instances have no solution: instance 1 infeasible"),
                e.getMessage());
        assertTrue(e.getMessage().contains("FailurePolicy.RETURN"), e.getMessage());
        // the exception still carries the solved instances
        assertEquals(SolverStatus.SOLVED, e.result().status(0));
        assertArrayEquals(new double[] {0, 0}, e.result().value(x, 0), 1e-6);
    }

    @Test
    void returnPolicyGivesStatusesZeroOutputsAndZeroGradients() {
        Parameter c = Parameter.vector("c", 2);
        Parameter lo = Parameter.vector("lo", 2);
        Parameter hi = Parameter.vector("hi", 2);
        Variable x = Variable.vector("x", 2);
        ConvexLayer layer = box(FailurePolicy.RETURN, c, lo, hi, x);
        double[] cs = {2, 0, 5, 5, -3, 1};
        double[] los = {-1, -1, 1, 2, -1, -1};
        double[] his = {1, 1, 0, 3, 1, 1};
        LayerResult r = layer.forward(cs, los, his);
        assertEquals(Arrays.asList(SolverStatus.SOLVED, SolverStatus.INFEASIBLE, SolverStatus.SOLVED), r.statuses());
        assertArrayEquals(new int[] {1}, r.failedInstances());
        assertFalse(r.allSolved());
        assertEquals(Double.POSITIVE_INFINITY, r.objective(1));
        assertArrayEquals(new double[] {1, 0, 0, 0, -1, 1}, r.value(x), 1e-6);
        double[] dx = {1, 1, Double.NaN, Double.NaN, 1, 1}; // a failed instance's cotangent is ignored
        Gradients g = r.backward(dx);
        double[] dc = g.of(c);
        double[] dHi = g.of(hi);
        for (double v : dc) {
            assertTrue(Double.isFinite(v));
        }
        assertArrayEquals(new double[] {0, 0}, Arrays.copyOfRange(dc, 2, 4), 0, "failed instance: zero gradient");
        assertArrayEquals(new double[] {0, 0}, Arrays.copyOfRange(dHi, 2, 4), 0);
        // instance 0: x = (clamped 1, 0) ⇒ dx0/dhi0 = 1, dx1/dc1 = 1; instance 2: x = (−1, 1) at the bounds
        assertArrayEquals(new double[] {0, 1}, Arrays.copyOfRange(dc, 0, 2), 1e-5);
        assertArrayEquals(new double[] {1, 0}, Arrays.copyOfRange(dHi, 0, 2), 1e-5);
        assertEquals(io.convexlayers.diff.DerivativeQuality.UNDEFINED, g.info(1).quality());
    }

    @Test
    void unboundedProblem() {
        Parameter q = Parameter.vector("q", 2);
        Variable x = Variable.vector("x", 2);
        Problem p = Problem.minimize(q.dot(x), x.ge(0));
        ConvexLayer strict = ConvexLayer.builder(p).parameters(q).outputs(x).settings(S).build();
        ConvexLayer lenient = ConvexLayer.builder(p).parameters(q).outputs(x).settings(S)
                .failurePolicy(FailurePolicy.RETURN).build();
        double[] qs = {1, 2, -1, 1};
        LayerSolveException e = assertThrows(LayerSolveException.class, () -> strict.forward(qs));
        assertTrue(e.getMessage().contains("instance 1 unbounded (the objective is unbounded)"), e.getMessage());
        LayerResult r = lenient.forward(qs);
        assertEquals(SolverStatus.SOLVED, r.status(0));
        assertEquals(SolverStatus.UNBOUNDED, r.status(1));
        assertEquals(Double.NEGATIVE_INFINITY, r.objective(1));
        assertArrayEquals(new double[] {0, 0, 0, 0}, r.value(x), 1e-6);
        assertArrayEquals(new double[] {0, 0, 0, 0}, r.backward(new double[] {1, 1, 1, 1}).of(q), 1e-6);
    }
}
