// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.dsl;

import io.convexlayers.solver.SolverSettings;
import io.convexlayers.solver.SolverStatus;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static io.convexlayers.dsl.Atoms.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * A zoo of geometric programs with answers known independently: closed forms (AM–GM, Lagrange
 * conditions solved by hand), one-dimensional searches on explicit formulas, and a convex
 * reformulation solved as a DCP problem. Each is solved through its log-log form at tight
 * tolerance and checked to 1e-6 relative, variables and objective; each is also solved with the
 * parameters folded in as constants (same answer), and its objective is evaluated at the solution.
 */
class DgpZooTest {
    private static final SolverSettings TIGHT = SolverSettings.defaults().withEps(1e-10);
    private static final double TOL = 1e-6;

    private static ProblemSolution check(Problem p, Variable[] xs, double[][] expected, double expectedObjective) {
        assertTrue(p.isDgp(Rules.DPP), p.explainDgp());
        ProblemSolution s = p.solveGp(TIGHT);
        assertEquals(SolverStatus.SOLVED, s.status());
        for (int k = 0; k < xs.length; k++) {
            assertRelative(expected[k], s.value(xs[k]), xs[k].name());
        }
        assertEquals(expectedObjective, s.objective(), TOL * Math.abs(expectedObjective), "objective");
        Map<Variable, double[]> at = new java.util.IdentityHashMap<>();
        for (Variable v : p.variables()) {
            at.put(v, s.value(v));
        }
        assertEquals(expectedObjective, p.objective().value(at)[0], TOL * Math.abs(expectedObjective),
                "objective evaluated at the solution");
        ProblemSolution folded = new LogLogSolution(LogLogForm.withValues(p),
                ProblemSolver.installed().solve(LogLogForm.withValues(p).problem(), TIGHT, CompileOptions.defaults()));
        assertEquals(expectedObjective, folded.objective(), TOL * Math.abs(expectedObjective), "constants form");
        return s;
    }

    private static void assertRelative(double[] want, double[] got, String what) {
        assertEquals(want.length, got.length, what);
        for (int i = 0; i < want.length; i++) {
            assertEquals(want[i], got[i], TOL * Math.max(1e-3, Math.abs(want[i])), what + "[" + i + "]");
        }
    }

    private static Variable pos(String name) {
        return Variable.scalar(name, Attribute.POS);
    }

    /** Largest box h·w·d with wall area 2(hw + hd) ≤ A and floor area wd ≤ F: w = d = √F, h = A/(4√F). */
    @Test
    void boxVolume() {
        Variable h = pos("h");
        Variable w = pos("w");
        Variable d = pos("d");
        Parameter wall = Parameter.scalar("Awall", Attribute.POS).setValue(100);
        Parameter floor = Parameter.scalar("Afloor", Attribute.POS).setValue(10);
        Problem p = Problem.maximize(h.times(w).times(d),
                h.times(w).plus(h.times(d)).times(2).le(wall), w.times(d).le(floor),
                h.div(w).le(10), h.div(w).ge(0.1)); // aspect limits, inactive at the optimum
        double r = Math.sqrt(10);
        check(p, new Variable[] {h, w, d}, new double[][] {{100 / (4 * r)}, {r}, {r}}, 100 * r / 4);
    }

    /** min a·x + b/x = 2√(ab) at x = √(b/a). */
    @Test
    void posynomialOfOneVariable() {
        Variable x = pos("x");
        Problem p = Problem.minimize(x.times(3).plus(invPos(x).times(12)));
        check(p, new Variable[] {x}, new double[][] {{2}}, 12);
    }

    /** max xyz with x + y + z ≤ s: x = y = z = s/3 (AM–GM). */
    @Test
    void productUnderSumBudget() {
        Variable x = Variable.vector("x", 3, Attribute.POS);
        Parameter s = Parameter.scalar("s", Attribute.POS).setValue(6);
        Problem p = Problem.maximize(prod(x), sum(x).le(s));
        check(p, new Variable[] {x}, new double[][] {{2, 2, 2}}, 8);
    }

    /** min Σ cᵢxᵢ with Π xᵢ^wᵢ ≥ 1 (Σw = 1): optimum Π (cᵢ/wᵢ)^wᵢ at xᵢ = wᵢ·opt/cᵢ (weighted AM–GM). */
    @Test
    void weightedGeometricMean() {
        double[] c = {1, 2, 4};
        double[] w = {0.5, 0.3, 0.2};
        Variable x = Variable.vector("x", 3, Attribute.POS);
        Problem p = Problem.minimize(constant(c).dot(x), geoMean(x, w).ge(1));
        double opt = 1;
        for (int i = 0; i < 3; i++) {
            opt *= Math.pow(c[i] / w[i], w[i]);
        }
        double[] xs = new double[3];
        for (int i = 0; i < 3; i++) {
            xs[i] = w[i] * opt / c[i];
        }
        check(p, new Variable[] {x}, new double[][] {xs}, opt);
    }

    /**
     * Power control: min p₁ + p₂ with SINRᵢ = Gᵢᵢpᵢ / (σ + Gᵢⱼpⱼ) ≥ γ; both constraints are tight, so
     * p solves (Gᵢᵢ/γ)pᵢ − Gᵢⱼpⱼ = σ.
     */
    @Test
    void powerControl() {
        double[][] g = {{1.0, 0.1}, {0.2, 0.8}};
        double sigma = 0.5;
        double gamma = 2;
        Variable p1 = pos("p1");
        Variable p2 = pos("p2");
        Parameter gam = Parameter.scalar("gamma", Attribute.POS).setValue(gamma);
        Problem p = Problem.minimize(p1.plus(p2),
                gam.times(constant(sigma).plus(p2.times(g[0][1]))).div(p1.times(g[0][0])).le(1),
                gam.times(constant(sigma).plus(p1.times(g[1][0]))).div(p2.times(g[1][1])).le(1));
        double a = g[0][0] / gamma;
        double b = -g[0][1];
        double c = -g[1][0];
        double d = g[1][1] / gamma;
        double det = a * d - b * c;
        double x1 = (d * sigma - b * sigma) / det;
        double x2 = (a * sigma - c * sigma) / det;
        check(p, new Variable[] {p1, p2}, new double[][] {{x1}, {x2}}, x1 + x2);
    }

    /** max xy with x ≤ 1 − y (oneMinusPos): x = y = 1/2. */
    @Test
    void oneMinusPosBudget() {
        Variable x = pos("x");
        Variable y = pos("y");
        Problem p = Problem.maximize(x.times(y), x.le(oneMinusPos(y)));
        check(p, new Variable[] {x, y}, new double[][] {{0.5}, {0.5}}, 0.25);
    }

    /** min max(2x, 3/x): the two monomials meet at x = √1.5. */
    @Test
    void maximumOfMonomials() {
        Variable x = pos("x");
        Problem p = Problem.minimize(maximum(x.times(2), invPos(x).times(3)));
        double xs = Math.sqrt(1.5);
        check(p, new Variable[] {x}, new double[][] {{xs}}, 2 * xs);
    }

    /** Allocation: min Σ 1/xᵢ with Σ aᵢxᵢ ≤ 1: xᵢ = 1/(√aᵢ Σ√aⱼ), optimum (Σ√aⱼ)² (Lagrange). */
    @Test
    void resourceAllocation() {
        double[] a = {1, 4, 9, 0.25};
        Variable x = Variable.vector("x", 4, Attribute.POS);
        Parameter pa = Parameter.vector("a", 4, Attribute.POS).setValue(a);
        Problem p = Problem.minimize(sum(invPos(x)), pa.dot(x).le(1));
        double s = 0;
        for (double t : a) {
            s += Math.sqrt(t);
        }
        double[] xs = new double[4];
        for (int i = 0; i < 4; i++) {
            xs[i] = 1 / (Math.sqrt(a[i]) * s);
        }
        check(p, new Variable[] {x}, new double[][] {xs}, s * s);
    }

    /** min x + y with the monomial equality xy = c: x = y = √c. */
    @Test
    void monomialEquality() {
        Variable x = pos("x");
        Variable y = pos("y");
        Parameter c = Parameter.scalar("c", Attribute.POS).setValue(7);
        Problem p = Problem.minimize(x.plus(y), x.times(y).eq(c));
        double r = Math.sqrt(7);
        check(p, new Variable[] {x, y}, new double[][] {{r}, {r}}, 2 * r);
    }

    /** min ‖x‖₂ with Π xᵢ ≥ c (n = 3): xᵢ = c^(1/3), ‖x‖ = √3·c^(1/3). */
    @Test
    void normUnderProductFloor() {
        Variable x = Variable.vector("x", 3, Attribute.POS);
        Problem p = Problem.minimize(norm2(x), prod(x).ge(8));
        check(p, new Variable[] {x}, new double[][] {{2, 2, 2}}, 2 * Math.sqrt(3));
    }

    /**
     * min Σ 1/xᵢ with A x ≤ 1 for a positive matrix A: convex in x as it stands, so the same problem
     * solved as a DCP problem is the independent answer.
     */
    @Test
    void matrixProductConstraintAgainstConvexForm() {
        double[][] a = {{1, 2, 0.5}, {0.3, 1, 2}};
        Variable x = Variable.vector("x", 3, Attribute.POS);
        Problem gp = Problem.minimize(sum(invPos(x)), constant(a).times(x).le(1));
        Variable y = Variable.vector("y", 3);
        Problem convex = Problem.minimize(sum(invPos(y)), constant(a).times(y).le(1));
        ProblemSolution truth = convex.solve(TIGHT);
        assertEquals(SolverStatus.SOLVED, truth.status());
        check(gp, new Variable[] {x}, new double[][] {truth.value(y)}, truth.objective());
    }

    /**
     * min λ_pf([[x, 1], [2, 4/x]]) + x: λ_pf of a 2×2 positive matrix is (a + d)/2 +
     * √(((a − d)/2)² + bc); the minimum is found by golden-section search on log x.
     */
    @Test
    void perronFrobeniusEigenvalue() {
        Variable x = pos("x");
        Expression m = vstack(hstack(x, constant(1)), hstack(constant(2), invPos(x).times(4)));
        Problem p = Problem.minimize(pfEigenvalue(m).plus(x));
        java.util.function.DoubleUnaryOperator f = lx -> {
            double t = Math.exp(lx);
            double a = t;
            double d = 4 / t;
            return (a + d) / 2 + Math.sqrt((a - d) * (a - d) / 4 + 2) + t;
        };
        double best = goldenSection(f, -5, 5);
        check(p, new Variable[] {x}, new double[][] {{Math.exp(best)}}, f.applyAsDouble(best));
    }

    /**
     * max x with sum((I − x·B)⁻¹) ≤ s: the sum increases with x, so the answer is the root of
     * sum((I − x·B)⁻¹) = s, found by bisection on the explicit 2×2 inverse.
     */
    @Test
    void eyeMinusInverseBudget() {
        double[][] bm = {{0.2, 0.3}, {0.1, 0.4}};
        double budget = 5;
        Variable x = pos("x");
        Problem p = Problem.maximize(x, sum(eyeMinusInv(constant(bm).times(x))).le(budget));
        java.util.function.DoubleUnaryOperator total = t -> {
            double a = 1 - t * bm[0][0];
            double b = -t * bm[0][1];
            double c = -t * bm[1][0];
            double d = 1 - t * bm[1][1];
            double det = a * d - b * c;
            return (d - b - c + a) / det;
        };
        double lo = 0;
        double hi = 1.5; // spectral radius of 1.5·B is 0.75
        for (int it = 0; it < 200; it++) {
            double mid = (lo + hi) / 2;
            if (total.applyAsDouble(mid) < budget) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        check(p, new Variable[] {x}, new double[][] {{lo}}, lo);
    }

    /** min (x² + y²)/t + t with xy ≥ 1 (quadOverLin): x = y = 1, t = √2. */
    @Test
    void quadOverLinAndSumSquares() {
        Variable x = pos("x");
        Variable y = pos("y");
        Variable t = pos("t");
        Problem p = Problem.minimize(quadOverLin(hstack(x, y), t).plus(t), x.times(y).ge(1));
        double r = Math.sqrt(2);
        check(p, new Variable[] {x, y, t}, new double[][] {{1}, {1}, {r}}, 2 * r);
    }

    /** max min(x, 2y) with x + y ≤ 3: the minimum's two sides meet, x = 2y, so y = 1, x = 2. */
    @Test
    void minimumUnderABudget() {
        Variable x = pos("x");
        Variable y = pos("y");
        Problem p = Problem.maximize(minimum(x, y.times(2)), x.plus(y).le(3));
        check(p, new Variable[] {x, y}, new double[][] {{2}, {1}}, 2);
    }

    /** A log-log convex term inside a posynomial: min max(x, 2/x) + y + 1/y = √2 + 2 at x = √2, y = 1. */
    @Test
    void maximumInsideASum() {
        Variable x = pos("x");
        Variable y = pos("y");
        Problem p = Problem.minimize(maximum(x, invPos(x).times(2)).plus(y).plus(invPos(y)));
        check(p, new Variable[] {x, y}, new double[][] {{Math.sqrt(2)}, {1}}, Math.sqrt(2) + 2);
    }

    /** min eˣ + 1/x (exp is log-log convex): eˣ = 1/x² at the optimum, found by bisection. */
    @Test
    void exponentialPlusInverse() {
        Variable x = pos("x");
        Problem p = Problem.minimize(exp(x).plus(invPos(x)));
        double lo = 0.1;
        double hi = 2;
        for (int it = 0; it < 200; it++) {
            double mid = (lo + hi) / 2;
            if (Math.exp(mid) - 1 / (mid * mid) < 0) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        check(p, new Variable[] {x}, new double[][] {{lo}}, Math.exp(lo) + 1 / lo);
    }

    /**
     * Axis sums and a transpose of a matrix variable: min sum(sum(X, 1)) + c·sum(invPos(Xᵀ)); each
     * entry minimizes x + c/x, so x = √c = 3 and the value is 6 entries × 2√c = 36.
     */
    @Test
    void axisSumsAndTransposeOfAMatrixVariable() {
        Variable x = Variable.matrix("X", 2, 3, Attribute.POS);
        Parameter c = Parameter.scalar("c", Attribute.POS).setValue(9);
        Problem p = Problem.minimize(sum(sum(x, 1)).plus(sum(invPos(x.T())).times(c)));
        double[] three = new double[6];
        java.util.Arrays.fill(three, 3);
        check(p, new Variable[] {x}, new double[][] {three}, 36);
    }

    private static double goldenSection(java.util.function.DoubleUnaryOperator f, double lo, double hi) {
        double g = (Math.sqrt(5) - 1) / 2;
        double a = lo;
        double b = hi;
        for (int it = 0; it < 300; it++) {
            double c = b - g * (b - a);
            double d = a + g * (b - a);
            if (f.applyAsDouble(c) < f.applyAsDouble(d)) {
                b = d;
            } else {
                a = c;
            }
        }
        return (a + b) / 2;
    }
}
