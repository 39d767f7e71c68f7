// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.canon;

import io.convexlayers.dsl.CompileOptions;
import io.convexlayers.dsl.Attribute;
import io.convexlayers.dsl.Constant;
import io.convexlayers.dsl.Constraint;
import io.convexlayers.dsl.DppException;
import io.convexlayers.dsl.Expression;
import io.convexlayers.dsl.Numerics;
import io.convexlayers.dsl.Parameter;
import io.convexlayers.dsl.Problem;
import io.convexlayers.dsl.ProblemSolution;
import io.convexlayers.dsl.Variable;
import io.convexlayers.solver.Algorithm;
import io.convexlayers.solver.SolverStatus;
import io.convexlayers.solver.ipm.InteriorPointSolver;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;

import static io.convexlayers.canon.CanonTesting.*;
import static io.convexlayers.dsl.Atoms.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * A zoo of small problems with known answers (closed forms, or algorithms written here). Each is
 * solved at tight tolerance; quadratic ones in both the native and the all-cone form; each checks
 * that compiling with parameters and applying their values gives the same cone program as
 * compiling with the values as constants.
 */
class ProblemZooTest {
    private static final double TOL = 1e-6;
    /**
     * The interior point's solutions against the closed forms: its objectives agree to 7e-9, but where
     * the objective is flat near the optimum (Σ√x, Σ1/x, λ_max) x is pinned only to about the square root
     * of its 1e-10 residuals (up to 8.7e-6 off, at residuals below 1e-9).
     */
    private static final double IPM_TOL = 2e-5;

    /**
     * The checks every zoo problem gets (the interior-point method's solution too, where it takes the
     * cones); returns the (native) solution.
     */
    private static ProblemSolution check(Problem p, boolean quadratic, Variable x, double[] expectedX,
                                         double expectedObjective) {
        assertTrue(p.isDpp(), p.explainDpp());
        assertParametricMatchesConstant(p, CompileOptions.defaults());
        ProblemSolution s = p.solve(TIGHT);
        assertEquals(SolverStatus.SOLVED, s.status());
        assertArrayEquals(expectedX, s.value(x), TOL, "solution");
        assertEquals(expectedObjective, s.objective(), TOL * Math.max(1, Math.abs(expectedObjective)), "objective");
        assertEquals(expectedObjective, p.objective().value(java.util.Map.of(x, s.value(x)))[0],
                TOL * Math.max(1, Math.abs(expectedObjective)), "objective evaluated at the solution");
        ParametricConeProgram nat = Compiler.compile(p);
        if (InteriorPointSolver.supports(nat.cones())) {
            // The interior-point method, by name, on every zoo problem whose cones it takes.
            ProblemSolution ipm = p.solve(TIGHT.withEps(1e-8).withAlgorithm(Algorithm.INTERIOR_POINT));
            assertEquals(Algorithm.INTERIOR_POINT, ipm.raw().algorithm());
            assertEquals(SolverStatus.SOLVED, ipm.status(), "interior point");
            assertArrayEquals(expectedX, ipm.value(x), IPM_TOL, "interior-point solution");
            assertEquals(expectedObjective, ipm.objective(), TOL * Math.max(1, Math.abs(expectedObjective)),
                    "interior-point objective");
        }
        if (quadratic) {
            assertNotNull(nat.pPattern(), "native form has P");
            assertFalse(nat.pDependsOnParameters(), "native P is parameter-free");
            CompileOptions cone = CompileOptions.defaults().allCone();
            ParametricConeProgram cp = Compiler.compile(p, cone);
            assertNull(cp.pPattern(), "all-cone form has no P");
            assertTrue(cp.cones().soc().length > 0, "all-cone form uses second-order cones");
            assertParametricMatchesConstant(p, cone);
            ProblemSolution sc = p.solve(TIGHT, cone);
            assertEquals(SolverStatus.SOLVED, sc.status());
            assertArrayEquals(s.value(x), sc.value(x), TOL, "native and all-cone solutions");
            assertEquals(s.objective(), sc.objective(), TOL * Math.max(1, Math.abs(expectedObjective)));
        } else {
            assertNull(nat.pPattern(), "linear objective has no P");
        }
        return s;
    }

    private static double sq(double[] v) {
        double s = 0;
        for (double t : v) {
            s += t * t;
        }
        return s;
    }

    private static double[] sub(double[] a, double[] b) {
        double[] c = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            c[i] = a[i] - b[i];
        }
        return c;
    }

    @Test
    void leastSquaresMatchesNormalEquations() {
        Random rnd = new Random(11);
        int m = 12;
        int n = 5;
        double[] a = gaussian(rnd, m * n);
        double[] b = gaussian(rnd, m);
        Variable x = Variable.vector("x", n);
        Parameter pa = Parameter.matrix("A", m, n).setValue(a);
        Parameter pb = Parameter.vector("b", m).setValue(b);
        Problem p = Problem.minimize(sumSquares(pa.times(x).minus(pb)));
        double[] xs = solve(gram(a, m, n), n, mulT(a, m, n, b));
        check(p, true, x, xs, sq(sub(mul(a, m, n, xs), b)));
    }

    @Test
    void nonnegativeLeastSquaresMatchesCoordinateDescent() {
        Random rnd = new Random(12);
        int m = 12;
        int n = 6;
        double[] a = gaussian(rnd, m * n);
        double[] b = mul(a, m, n, new double[] {1, -1, 0.5, -0.5, 2, 0});
        Variable x = Variable.vector("x", n, Attribute.NONNEG);
        Parameter pa = Parameter.matrix("A", m, n).setValue(a);
        Parameter pb = Parameter.vector("b", m).setValue(b);
        Problem p = Problem.minimize(sumSquares(pa.times(x).minus(pb)));
        double[] h = gram(a, m, n);
        double[] atb = mulT(a, m, n, b);
        double[] xs = new double[n];
        for (int sweep = 0; sweep < 100_000; sweep++) {
            double change = 0;
            for (int j = 0; j < n; j++) {
                double g = -atb[j];
                for (int k = 0; k < n; k++) {
                    g += h[j * n + k] * xs[k];
                }
                double nx = Math.max(0, xs[j] - g / h[j * n + j]);
                change = Math.max(change, Math.abs(nx - xs[j]));
                xs[j] = nx;
            }
            if (change < 1e-15) {
                break;
            }
        }
        assertTrue(Arrays.stream(xs).anyMatch(v -> v == 0), "some bound is active");
        check(p, true, x, xs, sq(sub(mul(a, m, n, xs), b)));
    }

    @Test
    void linearProgramMatchesPlantedSolutionAndDuals() {
        Random rnd = new Random(13);
        int n = 5;
        int mi = 8;
        int me = 2;
        double[] g = gaussian(rnd, mi * n);
        double[] ae = gaussian(rnd, me * n);
        double[] xs = gaussian(rnd, n);
        double[] slack = uniform(rnd, mi, 0.5, 1.5);
        double[] lambda = new double[mi];
        for (int i = 0; i < 3; i++) {
            slack[i] = 0;
            lambda[i] = 0.5 + rnd.nextDouble();
        }
        double[] nu = gaussian(rnd, me);
        double[] h = mul(g, mi, n, xs);
        for (int i = 0; i < mi; i++) {
            h[i] += slack[i];
        }
        double[] beq = mul(ae, me, n, xs);
        double[] c = new double[n];
        double[] gl = mulT(g, mi, n, lambda);
        double[] an = mulT(ae, me, n, nu);
        for (int j = 0; j < n; j++) {
            c[j] = -gl[j] - an[j];
        }
        Variable x = Variable.vector("x", n);
        Parameter pc = Parameter.vector("c", n).setValue(c);
        Parameter pg = Parameter.matrix("G", mi, n).setValue(g);
        Parameter ph = Parameter.vector("h", mi).setValue(h);
        Parameter pa = Parameter.matrix("A", me, n).setValue(ae);
        Parameter pbe = Parameter.vector("b", me).setValue(beq);
        Constraint ineq = pg.times(x).le(ph);
        Constraint eq = pa.times(x).eq(pbe);
        Problem p = Problem.minimize(pc.dot(x), ineq, eq);
        double obj = 0;
        for (int j = 0; j < n; j++) {
            obj += c[j] * xs[j];
        }
        ProblemSolution s = check(p, false, x, xs, obj);
        assertArrayEquals(lambda, s.dual(ineq), TOL, "inequality duals");
        // c + Gᵀλ + Aᵀν = 0 by construction: ν is CVXPY's multiplier of A x − b = 0.
        assertArrayEquals(nu, s.dual(eq), TOL, "equality duals (CVXPY's sign)");
        assertEquals(List.of(pc, pg, ph, pa, pbe), Compiler.compile(p).parameters());
    }

    private static final class List {
        static <T> java.util.List<T> of(T... items) {
            return java.util.List.of(items);
        }
    }

    @Test
    void lassoMatchesCoordinateDescent() {
        Random rnd = new Random(14);
        int m = 15;
        int n = 8;
        double[] a = gaussian(rnd, m * n);
        double[] b = gaussian(rnd, m);
        double lam = 1.5;
        Variable x = Variable.vector("x", n);
        Parameter pa = Parameter.matrix("A", m, n).setValue(a);
        Parameter pb = Parameter.vector("b", m).setValue(b);
        Parameter pl = Parameter.scalar("lambda", Attribute.NONNEG).setValue(lam);
        Problem p = Problem.minimize(sumSquares(pa.times(x).minus(pb)).times(0.5).plus(pl.times(norm1(x))));
        double[] xs = new double[n];
        double[] r = b.clone();
        for (int sweep = 0; sweep < 100_000; sweep++) {
            double change = 0;
            for (int j = 0; j < n; j++) {
                double nj = 0;
                double rho = 0;
                for (int i = 0; i < m; i++) {
                    double aij = a[i * n + j];
                    nj += aij * aij;
                    rho += aij * (r[i] + aij * xs[j]);
                }
                double nx = Math.signum(rho) * Math.max(Math.abs(rho) - lam, 0) / nj;
                for (int i = 0; i < m; i++) {
                    r[i] -= a[i * n + j] * (nx - xs[j]);
                }
                change = Math.max(change, Math.abs(nx - xs[j]));
                xs[j] = nx;
            }
            if (change < 1e-15) {
                break;
            }
        }
        assertTrue(Arrays.stream(xs).anyMatch(v -> v == 0), "the lasso solution is sparse");
        double obj = 0.5 * sq(sub(mul(a, m, n, xs), b)) + lam * Arrays.stream(xs).map(Math::abs).sum();
        check(p, true, x, xs, obj);
    }

    @Test
    void portfolioWithRiskConeMatchesClosedForm() {
        Random rnd = new Random(15);
        int n = 5;
        double[] lt = gaussian(rnd, n * n);
        double[] mu = uniform(rnd, n, 0.5, 1.5);
        double[] sigma = gram(lt, n, n); // LᵀL with L = lt: risk ‖lt·w‖² = wᵀΣw
        double[] ones = new double[n];
        Arrays.fill(ones, 1);
        double[] si1 = solve(sigma, n, ones);
        double[] simu = solve(sigma, n, mu);
        double s11 = Arrays.stream(si1).sum();
        double[] w0 = Arrays.stream(si1).map(v -> v / s11).toArray();
        double v0 = 1 / s11;
        double bound = Math.sqrt(v0 + 0.5);
        double nu = Arrays.stream(simu).sum() / s11;
        double[] u = new double[n];
        for (int i = 0; i < n; i++) {
            u[i] = simu[i] - nu * si1[i];
        }
        double usu = 0;
        double[] su = mul(sigma, n, n, u);
        for (int i = 0; i < n; i++) {
            usu += u[i] * su[i];
        }
        double r = Math.sqrt(bound * bound - v0);
        double[] ws = new double[n];
        double obj = 0;
        for (int i = 0; i < n; i++) {
            ws[i] = w0[i] + r * u[i] / Math.sqrt(usu);
            obj += mu[i] * ws[i];
        }
        Variable w = Variable.vector("w", n);
        Parameter pmu = Parameter.vector("mu", n).setValue(mu);
        Parameter pl = Parameter.matrix("L", n, n).setValue(lt);
        Parameter ps = Parameter.scalar("sigma", Attribute.NONNEG).setValue(bound);
        Problem p = Problem.maximize(pmu.dot(w), w.sum().eq(1), norm2(pl.times(w)).le(ps));
        check(p, false, w, ws, obj);
    }

    @Test
    void sumOfInversesMatchesClosedForm() {
        // minimize Σ c_i / x_i subject to Σ x = 1: x_i ∝ √c_i (second-order cones)
        Random rnd = new Random(16);
        int n = 6;
        double[] c = uniform(rnd, n, 0.5, 2);
        Variable x = Variable.vector("x", n);
        Parameter pc = Parameter.vector("c", n, Attribute.NONNEG).setValue(c);
        Problem p = Problem.minimize(pc.dot(invPos(x)), x.sum().eq(1));
        double z = Arrays.stream(c).map(Math::sqrt).sum();
        double[] xs = Arrays.stream(c).map(v -> Math.sqrt(v) / z).toArray();
        check(p, false, x, xs, z * z);
    }

    @Test
    void sumOfSquareRootsMatchesClosedForm() {
        // maximize Σ √x_i subject to aᵀx = 1: x_i ∝ 1/a_i²
        Random rnd = new Random(17);
        int n = 5;
        double[] a = uniform(rnd, n, 0.5, 2);
        Variable x = Variable.vector("x", n);
        Parameter pa = Parameter.vector("a", n).setValue(a);
        Problem p = Problem.maximize(sum(sqrt(x)), pa.dot(x).eq(1));
        double z = Arrays.stream(a).map(v -> 1 / v).sum();
        double[] xs = Arrays.stream(a).map(v -> 1 / (v * v * z)).toArray();
        check(p, false, x, xs, Math.sqrt(z));
    }

    @Test
    void huberRegressionMatchesNewton() {
        Random rnd = new Random(18);
        int m = 20;
        int n = 3;
        double[] a = gaussian(rnd, m * n);
        double[] b = mul(a, m, n, new double[] {1, -2, 0.5});
        for (int i = 0; i < m; i++) {
            b[i] += 0.3 * rnd.nextGaussian() + (i % 5 == 0 ? 6 : 0);
        }
        double mm = 1;
        Variable x = Variable.vector("x", n);
        Parameter pa = Parameter.matrix("A", m, n).setValue(a);
        Parameter pb = Parameter.vector("b", m).setValue(b);
        Problem p = Problem.minimize(sum(huber(pa.times(x).minus(pb), mm)));
        double[] xs = solve(gram(a, m, n), n, mulT(a, m, n, b)); // start at least squares
        for (int it = 0; it < 200; it++) {
            double[] res = sub(mul(a, m, n, xs), b);
            double[] psi = new double[m];
            double[] hess = new double[n * n];
            for (int i = 0; i < m; i++) {
                boolean inner = Math.abs(res[i]) <= mm;
                psi[i] = inner ? 2 * res[i] : 2 * mm * Math.signum(res[i]);
                if (inner) {
                    for (int j = 0; j < n; j++) {
                        for (int k = 0; k < n; k++) {
                            hess[j * n + k] += 2 * a[i * n + j] * a[i * n + k];
                        }
                    }
                }
            }
            double[] grad = mulT(a, m, n, psi);
            if (Math.sqrt(sq(grad)) < 1e-13) {
                break;
            }
            double[] step = solve(hess, n, grad);
            double t = 1;
            double f0 = huberSum(a, b, m, n, xs, mm);
            while (t > 1e-12) {
                double[] trial = new double[n];
                for (int j = 0; j < n; j++) {
                    trial[j] = xs[j] - t * step[j];
                }
                if (huberSum(a, b, m, n, trial, mm) <= f0) {
                    xs = trial;
                    break;
                }
                t /= 2;
            }
        }
        check(p, true, x, xs, huberSum(a, b, m, n, xs, mm));
    }

    private static double huberSum(double[] a, double[] b, int m, int n, double[] x, double mm) {
        double[] r = sub(mul(a, m, n, x), b);
        double s = 0;
        for (double t : r) {
            s += Math.abs(t) <= mm ? t * t : 2 * mm * Math.abs(t) - mm * mm;
        }
        return s;
    }

    @Test
    void parametricQuadFormGivesParametricP() {
        Random rnd = new Random(19);
        int n = 4;
        double[] l = gaussian(rnd, n * n);
        double[] q = gram(l, n, n);
        for (int i = 0; i < n; i++) {
            q[i * n + i] += 0.5;
        }
        double[] lin = gaussian(rnd, n);
        Variable x = Variable.vector("x", n);
        Parameter pq = Parameter.matrix("Q", n, n, Attribute.PSD).setValue(q);
        Parameter pl = Parameter.vector("q", n).setValue(lin);
        Problem p = Problem.minimize(quadForm(x, pq).plus(pl.dot(x)), x.sum().eq(1));
        // KKT: 2Qx + q + ν1 = 0, 1ᵀx = 1
        double[] kkt = new double[(n + 1) * (n + 1)];
        double[] rhs = new double[n + 1];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                kkt[i * (n + 1) + j] = 2 * q[i * n + j];
            }
            kkt[i * (n + 1) + n] = 1;
            kkt[n * (n + 1) + i] = 1;
            rhs[i] = -lin[i];
        }
        rhs[n] = 1;
        double[] sol = solve(kkt, n + 1, rhs);
        double[] xs = Arrays.copyOf(sol, n);
        double obj = 0;
        double[] qx = mul(q, n, n, xs);
        for (int i = 0; i < n; i++) {
            obj += xs[i] * qx[i] + lin[i] * xs[i];
        }
        assertTrue(p.isDpp(), p.explainDpp());
        assertParametricMatchesConstant(p, CompileOptions.defaults());
        ParametricConeProgram pc = Compiler.compile(p);
        assertTrue(pc.pDependsOnParameters(), "quadForm with a parameter matrix gives a parametric P");
        ProblemSolution s = p.solve(TIGHT);
        assertArrayEquals(xs, s.value(x), TOL);
        assertEquals(obj, s.objective(), TOL);
        DppException e = assertThrows(DppException.class, () -> Compiler.compile(p, CompileOptions.defaults().allCone()));
        assertTrue(e.getMessage().contains("quadForm(x, Q)"), e.getMessage());
        // the all-cone form still solves for fixed values (Q as a constant)
        ProblemSolution sc = p.solve(TIGHT, CompileOptions.defaults().allCone());
        assertArrayEquals(xs, sc.value(x), TOL);
    }

    // ------------------------------------------------------------------ exponential cone

    @Test
    void entropyMaximizationMatchesDualBisection() {
        Random rnd = new Random(20);
        int n = 6;
        double[] a = gaussian(rnd, n);
        double mean = Arrays.stream(a).average().orElseThrow();
        double beta = mean + 0.3 * (Arrays.stream(a).max().orElseThrow() - mean);
        Variable x = Variable.vector("x", n);
        Parameter pa = Parameter.vector("a", n).setValue(a);
        Parameter pbeta = Parameter.scalar("beta").setValue(beta);
        Problem p = Problem.maximize(sum(entr(x)), x.sum().eq(1), pa.dot(x).eq(pbeta));
        double lo = -60;
        double hi = 60;
        double[] xs = null;
        for (int it = 0; it < 300; it++) {
            double mu = 0.5 * (lo + hi);
            xs = gibbs(a, mu);
            double m1 = 0;
            for (int i = 0; i < n; i++) {
                m1 += a[i] * xs[i];
            }
            if (m1 > beta) {
                lo = mu;
            } else {
                hi = mu;
            }
        }
        double ent = Arrays.stream(xs).map(v -> -v * Math.log(v)).sum();
        check(p, false, x, xs, ent);
    }

    private static double[] gibbs(double[] a, double mu) {
        double[] w = new double[a.length];
        double z = 0;
        for (int i = 0; i < a.length; i++) {
            w[i] = Math.exp(-mu * a[i]);
            z += w[i];
        }
        for (int i = 0; i < a.length; i++) {
            w[i] /= z;
        }
        return w;
    }

    @Test
    void logisticRegressionMatchesNewton() {
        Random rnd = new Random(21);
        int m = 20;
        int n = 3;
        double[] feat = gaussian(rnd, m * n);
        double[] wTrue = {1, -1, 0.5};
        double[] mm = new double[m * n];
        for (int i = 0; i < m; i++) {
            double z = 0;
            for (int j = 0; j < n; j++) {
                z += feat[i * n + j] * wTrue[j];
            }
            double y = rnd.nextDouble() < 1 / (1 + Math.exp(-z)) ? 1 : -1;
            for (int j = 0; j < n; j++) {
                mm[i * n + j] = -y * feat[i * n + j];
            }
        }
        double gamma = 0.1;
        Variable x = Variable.vector("w", n);
        Parameter pm = Parameter.matrix("M", m, n).setValue(mm);
        Problem p = Problem.minimize(sum(logistic(pm.times(x))).plus(sumSquares(x).times(gamma)));
        double[] xs = new double[n];
        for (int it = 0; it < 100; it++) {
            double[] z = mul(mm, m, n, xs);
            double[] sg = new double[m];
            double[] hess = new double[n * n];
            for (int i = 0; i < m; i++) {
                sg[i] = 1 / (1 + Math.exp(-z[i]));
                double d = sg[i] * (1 - sg[i]);
                for (int j = 0; j < n; j++) {
                    for (int k = 0; k < n; k++) {
                        hess[j * n + k] += d * mm[i * n + j] * mm[i * n + k];
                    }
                }
            }
            double[] grad = mulT(mm, m, n, sg);
            for (int j = 0; j < n; j++) {
                grad[j] += 2 * gamma * xs[j];
                hess[j * n + j] += 2 * gamma;
            }
            double[] step = solve(hess, n, grad);
            for (int j = 0; j < n; j++) {
                xs[j] -= step[j];
            }
            if (Math.sqrt(sq(step)) < 1e-15) {
                break;
            }
        }
        double obj = gamma * sq(xs);
        for (double z : mul(mm, m, n, xs)) {
            obj += Math.log1p(Math.exp(z));
        }
        check(p, true, x, xs, obj);
    }

    // ------------------------------------------------------------------ semidefinite

    private static double[] randomSymmetric(Random rnd, int k, boolean traceless) {
        double[] s = new double[k * k];
        for (int i = 0; i < k; i++) {
            for (int j = i; j < k; j++) {
                double v = rnd.nextGaussian();
                s[i * k + j] = v;
                s[j * k + i] = v;
            }
        }
        if (traceless) {
            double tr = 0;
            for (int i = 0; i < k; i++) {
                tr += s[i * k + i];
            }
            for (int i = 0; i < k; i++) {
                s[i * k + i] -= tr / k;
            }
        }
        return s;
    }

    private static double[] family(double[][] mats, double x1, double x2) {
        double[] out = mats[0].clone();
        for (int i = 0; i < out.length; i++) {
            out[i] += x1 * mats[1][i] + x2 * mats[2][i];
        }
        return out;
    }

    /** Golden-section minimization of a convex function on [lo, hi]. */
    private static double golden(java.util.function.DoubleUnaryOperator f, double lo, double hi) {
        double g = (Math.sqrt(5) - 1) / 2;
        double a = hi - g * (hi - lo);
        double b = lo + g * (hi - lo);
        double fa = f.applyAsDouble(a);
        double fb = f.applyAsDouble(b);
        for (int it = 0; it < 120; it++) {
            if (fa < fb) {
                hi = b;
                b = a;
                fb = fa;
                a = hi - g * (hi - lo);
                fa = f.applyAsDouble(a);
            } else {
                lo = a;
                a = b;
                fa = fb;
                b = lo + g * (hi - lo);
                fb = f.applyAsDouble(b);
            }
        }
        return 0.5 * (lo + hi);
    }

    @Test
    void minimumLargestEigenvalueMatchesEigenvalueSearch() {
        Random rnd = new Random(22);
        int k = 4;
        double[][] mats = {randomSymmetric(rnd, k, false), randomSymmetric(rnd, k, true), randomSymmetric(rnd, k, true)};
        Variable x = Variable.vector("x", 2);
        Parameter a0 = Parameter.matrix("A0", k, k, Attribute.SYMMETRIC).setValue(mats[0]);
        Parameter a1 = Parameter.matrix("A1", k, k, Attribute.SYMMETRIC).setValue(mats[1]);
        Parameter a2 = Parameter.matrix("A2", k, k, Attribute.SYMMETRIC).setValue(mats[2]);
        Expression xm = a0.plus(x.get(0).times(a1)).plus(x.get(1).times(a2));
        Problem p = Problem.minimize(lambdaMax(xm));
        java.util.function.DoubleUnaryOperator inner = x1 -> {
            double x2 = golden(v -> Numerics.maxEigenvalue(family(mats, x1, v), k), -20, 20);
            return Numerics.maxEigenvalue(family(mats, x1, x2), k);
        };
        double x1 = golden(inner, -20, 20);
        double x2 = golden(v -> Numerics.maxEigenvalue(family(mats, x1, v), k), -20, 20);
        check(p, false, x, new double[] {x1, x2}, Numerics.maxEigenvalue(family(mats, x1, x2), k));
    }

    @Test
    void maximumLogDeterminantMatchesNewton() {
        Random rnd = new Random(23);
        int k = 3;
        double[] b0 = gaussian(rnd, k * k);
        double[] a0 = gram(b0, k, k);
        for (int i = 0; i < k; i++) {
            a0[i * k + i] += 1;
        }
        double[][] mats = {a0, gram(gaussian(rnd, k * k), k, k), gram(gaussian(rnd, k * k), k, k)};
        double[] cost = {1.5, 2.0};
        Variable x = Variable.vector("x", 2);
        Parameter pc = Parameter.vector("c", 2).setValue(cost);
        Expression xm = Constant.named("A0", io.convexlayers.dsl.Shape.matrix(k, k), mats[0])
                .plus(x.get(0).times(Constant.named("A1", io.convexlayers.dsl.Shape.matrix(k, k), mats[1])))
                .plus(x.get(1).times(Constant.named("A2", io.convexlayers.dsl.Shape.matrix(k, k), mats[2])));
        Problem p = Problem.maximize(logDet(xm).minus(pc.dot(x)));
        double[] xs = {0, 0};
        for (int it = 0; it < 100; it++) {
            double[] inv = inverse(family(mats, xs[0], xs[1]), k);
            double[] g = new double[2];
            double[] h = new double[4];
            for (int i = 0; i < 2; i++) {
                double[] ai = mats[i + 1];
                g[i] = trace(mulMat(inv, ai, k), k) - cost[i];
                for (int j = 0; j < 2; j++) {
                    h[i * 2 + j] = -trace(mulMat(mulMat(inv, ai, k), mulMat(inv, mats[j + 1], k), k), k);
                }
            }
            double[] step = solve(h, 2, g);
            double t = 1;
            while (Numerics.minEigenvalue(family(mats, xs[0] - t * step[0], xs[1] - t * step[1]), k) <= 0) {
                t /= 2;
            }
            xs[0] -= t * step[0];
            xs[1] -= t * step[1];
            if (Math.abs(step[0]) + Math.abs(step[1]) < 1e-15) {
                break;
            }
        }
        double obj = Arrays.stream(Numerics.symmetricEigen(family(mats, xs[0], xs[1]), k).values()).map(Math::log).sum()
                - cost[0] * xs[0] - cost[1] * xs[1];
        check(p, false, x, xs, obj);
    }

    private static double[] mulMat(double[] a, double[] b, int k) {
        double[] c = new double[k * k];
        for (int i = 0; i < k; i++) {
            for (int p = 0; p < k; p++) {
                for (int j = 0; j < k; j++) {
                    c[i * k + j] += a[i * k + p] * b[p * k + j];
                }
            }
        }
        return c;
    }

    private static double trace(double[] a, int k) {
        double t = 0;
        for (int i = 0; i < k; i++) {
            t += a[i * k + i];
        }
        return t;
    }

    private static double[] inverse(double[] a, int k) {
        double[] inv = new double[k * k];
        for (int j = 0; j < k; j++) {
            double[] e = new double[k];
            e[j] = 1;
            double[] col = solve(a, k, e);
            for (int i = 0; i < k; i++) {
                inv[i * k + j] = col[i];
            }
        }
        return inv;
    }

    // ------------------------------------------------------------------ power cone

    @Test
    void weightedGeometricMeanMatchesClosedForm() {
        Random rnd = new Random(24);
        int n = 4;
        double[] a = uniform(rnd, n, 0.5, 2);
        double[] w = {1, 2, 3, 4};
        Variable x = Variable.vector("x", n);
        Parameter pa = Parameter.vector("a", n, Attribute.POS).setValue(a);
        Problem p = Problem.maximize(geoMean(x, w), pa.dot(x).le(1));
        double[] xs = new double[n];
        double obj = 0;
        for (int i = 0; i < n; i++) {
            xs[i] = (w[i] / 10) / a[i];
            obj += (w[i] / 10) * Math.log(xs[i]);
        }
        check(p, false, x, xs, Math.exp(obj));
    }

    @Test
    void weightedCubesMatchClosedForm() {
        Random rnd = new Random(25);
        int n = 5;
        double[] c = uniform(rnd, n, 0.5, 2);
        Variable x = Variable.vector("x", n);
        Parameter pc = Parameter.vector("c", n, Attribute.NONNEG).setValue(c);
        Problem p = Problem.minimize(sum(pc.multiply(power(x, 3))), x.sum().eq(1));
        double z = Arrays.stream(c).map(v -> 1 / Math.sqrt(v)).sum();
        double[] xs = Arrays.stream(c).map(v -> 1 / (Math.sqrt(v) * z)).toArray();
        double obj = 0;
        for (int i = 0; i < n; i++) {
            obj += c[i] * Math.pow(xs[i], 3);
        }
        check(p, false, x, xs, obj);
    }
}
