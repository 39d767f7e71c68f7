// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.canon;

import io.convexlayers.dsl.Attribute;
import io.convexlayers.dsl.Constant;
import io.convexlayers.dsl.Constraint;
import io.convexlayers.dsl.Parameter;
import io.convexlayers.dsl.ParameterValueException;
import io.convexlayers.dsl.Problem;
import io.convexlayers.dsl.ProblemSolution;
import io.convexlayers.dsl.Shape;
import io.convexlayers.dsl.Variable;
import io.convexlayers.data.BatchConeProgram;
import io.convexlayers.data.ConeProgram;
import io.convexlayers.data.CscMatrix;
import io.convexlayers.solver.SolverStatus;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;

import static io.convexlayers.canon.CanonTesting.*;
import static io.convexlayers.dsl.Atoms.*;
import static org.junit.jupiter.api.Assertions.*;

/** The compiled program's contract: θ layout, batching, adjoint, fixed patterns, offsets, recovery. */
class ParametricConeProgramTest {
    private final Random rnd = new Random(41);

    /** A QP with parameters in A, b, c and the objective offset. */
    private Problem qp(Variable x, Parameter g, Parameter h, Parameter q, Parameter r) {
        return Problem.minimize(sumSquares(x).times(0.5).plus(q.dot(x)).plus(r.times(3)).plus(1),
                g.times(x).le(h), x.sum().eq(r));
    }

    @Test
    void thetaLayoutFollowsProblemParameterOrder() {
        Variable x = Variable.vector("x", 3);
        Parameter g = Parameter.matrix("G", 2, 3);
        Parameter h = Parameter.vector("h", 2);
        Parameter q = Parameter.vector("q", 3);
        Parameter r = Parameter.scalar("r");
        ParametricConeProgram pc = Compiler.compile(qp(x, g, h, q, r));
        assertEquals(List.of(q, r, g, h), pc.parameters());
        assertEquals(0, pc.parameterOffset(q));
        assertEquals(3, pc.parameterOffset(r));
        assertEquals(4, pc.parameterOffset(g));
        assertEquals(6, pc.parameterSize(g));
        assertEquals(10, pc.parameterOffset(h));
        assertEquals(12, pc.thetaLength());
        double[] fromMap = pc.theta(java.util.Map.of(q, new double[] {1, 2, 3}, r, new double[] {4},
                g, new double[] {5, 6, 7, 8, 9, 10}, h, new double[] {11, 12}));
        assertArrayEquals(new double[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}, fromMap);
        assertThrows(ParameterValueException.class, () -> pc.theta(java.util.Map.of(q, new double[] {1, 2, 3})));
        // row-major flattening: G[1][2] is θ[4 + 5]; it multiplies x[2] in the second inequality row
        double[] theta = new double[12];
        theta[4 + 5] = 7;
        ConeProgram cp = pc.instantiate(theta);
        int row = pc.dual(pc.constraints().get(0)).offset() + 1;
        assertEquals(7, cp.a().get(row, pc.slice(x).offset() + 2), 0);
    }

    @Test
    void batchInstantiationMatchesSingleInstances() {
        Variable x = Variable.vector("x", 3);
        Parameter g = Parameter.matrix("G", 2, 3);
        Parameter h = Parameter.vector("h", 2);
        Parameter q = Parameter.vector("q", 3);
        Parameter r = Parameter.scalar("r");
        ParametricConeProgram pc = Compiler.compile(qp(x, g, h, q, r));
        int batch = 5;
        int len = pc.thetaLength();
        double[][] thetas = new double[batch][];
        double[] bm = new double[len * batch];
        for (int b = 0; b < batch; b++) {
            thetas[b] = gaussian(rnd, len);
            for (int i = 0; i < len; i++) {
                bm[i * batch + b] = thetas[b][i];
            }
        }
        BatchConeProgram bp = pc.instantiateBatch(bm, batch);
        assertFalse(bp.aValues().isShared(), "A depends on G");
        assertTrue(bp.pValues().isShared(), "P is parameter-free");
        double[] offsets = pc.objectiveOffsetBatch(bm, batch);
        for (int b = 0; b < batch; b++) {
            assertSameProgram(pc.instantiate(thetas[b]), bp.instance(b), 0);
            assertEquals(pc.objectiveOffset(thetas[b]), offsets[b], 1e-15);
            assertEquals(1 + 3 * thetas[b][3], offsets[b], 1e-14, "offset d(θ) = 1 + 3r");
        }
    }

    @Test
    void parameterFreeMatricesAreSharedByTheBatch() {
        Variable x = Variable.vector("x", 3);
        Parameter b = Parameter.vector("b", 4);
        Constant a = Constant.matrix(new double[][] {{1, 2, 0}, {0, 1, 1}, {1, 0, 1}, {2, 1, 1}});
        ParametricConeProgram pc = Compiler.compile(Problem.minimize(sumSquares(a.times(x).minus(b))));
        assertFalse(pc.aDependsOnParameters());
        assertFalse(pc.pDependsOnParameters());
        BatchConeProgram bp = pc.instantiateBatch(gaussian(rnd, 4 * 3), 3);
        assertTrue(bp.matricesShared());
        assertFalse(bp.b().isShared());
    }

    @Test
    void adjointIsTheTransposeOfTheParameterMap() {
        Variable x = Variable.vector("x", 3);
        Parameter g = Parameter.matrix("G", 2, 3);
        Parameter h = Parameter.vector("h", 2);
        Parameter q = Parameter.vector("q", 3);
        Parameter r = Parameter.scalar("r");
        Parameter pq = Parameter.matrix("Q", 3, 3, Attribute.PSD);
        Problem p = Problem.minimize(quadForm(x, pq).plus(q.dot(x)).plus(norm1(g.times(x).minus(h))),
                x.sum().eq(r));
        ParametricConeProgram pc = Compiler.compile(p);
        assertTrue(pc.pDependsOnParameters());
        int len = pc.thetaLength();
        double[] theta = psdTheta(pc, pq);
        double[] delta = gaussian(rnd, len);
        double[] theta2 = theta.clone();
        for (int i = 0; i < len; i++) {
            theta2[i] += delta[i];
        }
        ConeProgram c1 = pc.instantiate(theta);
        ConeProgram c2 = pc.instantiate(theta2);
        double[] dA = gaussian(rnd, pc.aPattern().nnz());
        double[] db = gaussian(rnd, pc.m());
        double[] dc = gaussian(rnd, pc.n());
        double[] dP = gaussian(rnd, pc.pPattern().nnz());
        double lhs = dot(dA, diff(c2.a().values(), c1.a().values())) + dot(db, diff(c2.b(), c1.b()))
                + dot(dc, diff(c2.c(), c1.c())) + dot(dP, diff(c2.p().values(), c1.p().values()));
        double[] dTheta = pc.adjointTheta(dA, db, dc, dP);
        assertEquals(lhs, dot(dTheta, delta), 1e-10 * Math.max(1, Math.abs(lhs)));
        // batched adjoint equals per-instance adjoints
        int batch = 3;
        double[] bA = new double[dA.length * batch];
        double[] bb = new double[db.length * batch];
        double[][] per = new double[batch][];
        for (int k = 0; k < batch; k++) {
            double[] a = gaussian(rnd, dA.length);
            double[] bv = gaussian(rnd, db.length);
            for (int i = 0; i < a.length; i++) {
                bA[i * batch + k] = a[i];
            }
            for (int i = 0; i < bv.length; i++) {
                bb[i * batch + k] = bv[i];
            }
            per[k] = pc.adjointTheta(a, bv, null, null);
        }
        double[] bt = pc.adjointThetaBatch(bA, bb, null, null, batch);
        for (int k = 0; k < batch; k++) {
            for (int i = 0; i < len; i++) {
                assertEquals(per[k][i], bt[i * batch + k], 1e-12);
            }
        }
        // the CSC view holds the same entries
        CscMatrix csc = pc.tensorA().toCsc();
        ParameterMap ta = pc.tensorA();
        for (int row = 0; row < ta.rows(); row++) {
            for (int k = ta.rowStart(row); k < ta.rowStart(row + 1); k++) {
                assertEquals(ta.value(k), csc.get(row, ta.colIndex(k)), 0);
            }
        }
        assertEquals(len + 1, csc.cols());
    }

    private double[] psdTheta(ParametricConeProgram pc, Parameter pq) {
        double[] theta = gaussian(rnd, pc.thetaLength());
        double[] l = gaussian(rnd, 9);
        double[] q = gram(l, 3, 3);
        System.arraycopy(q, 0, theta, pc.parameterOffset(pq), 9);
        return theta;
    }

    private static double[] diff(double[] a, double[] b) {
        double[] d = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            d[i] = a[i] - b[i];
        }
        return d;
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    @Test
    void patternHoldsParametricEntriesEvenWhenZero() {
        Variable x = Variable.vector("x", 3);
        Parameter g = Parameter.matrix("G", 2, 3);
        Parameter h = Parameter.vector("h", 2);
        ParametricConeProgram pc = Compiler.compile(Problem.minimize(x.sum(), g.times(x).le(h), x.ge(-1)));
        double[] theta = new double[pc.thetaLength()];
        ConeProgram zero = pc.instantiate(theta);
        assertEquals(pc.aPattern(), zero.a().pattern(), "pattern does not depend on θ");
        assertTrue(pc.aPattern().nnz() >= 6 + 3, "all six entries of G stay in the pattern");
    }

    @Test
    void quadraticParameterMatrixIsCheckedPsdAtRuntime() {
        Variable x = Variable.vector("x", 2);
        Parameter pq = Parameter.matrix("Q", 2, 2, Attribute.PSD);
        ParametricConeProgram pc = Compiler.compile(Problem.minimize(quadForm(x, pq), x.sum().eq(1)));
        ParameterValueException e = assertThrows(ParameterValueException.class,
                () -> pc.instantiate(new double[] {1, 0, 0, -1}));
        assertTrue(e.getMessage().contains("Q") && e.getMessage().contains("PSD"), e.getMessage());
        assertThrows(ParameterValueException.class, () -> pc.instantiateBatch(new double[] {1, 1, 0, 0, 0, 0, 1, -1}, 2));
        pc.instantiate(new double[] {1, 0, 0, 1});
        assertThrows(ParameterValueException.class, () -> pc.instantiate(new double[3]));
    }

    @Test
    void variableSlicesAndRecovery() {
        Variable x = Variable.vector("x", 2);
        Variable m = Variable.matrix("M", 2, 2);
        Constant target = Constant.matrix(new double[][] {{1, 2}, {3, 4}});
        Problem p = Problem.minimize(sumSquares(m.minus(target)).plus(sumSquares(x.minus(Constant.vector(5, 6)))));
        ParametricConeProgram pc = Compiler.compile(p);
        assertEquals(List.of(m, x), pc.variables());
        assertEquals(0, pc.slice(m).offset());
        assertEquals(Shape.matrix(2, 2), pc.slice(m).shape());
        assertEquals(4, pc.slice(x).offset());
        ProblemSolution s = p.solve(TIGHT);
        assertArrayEquals(new double[] {1, 2, 3, 4}, s.value(m), 1e-6);
        assertArrayEquals(new double[] {5, 6}, s.value(x), 1e-6);
        double[] dx = new double[pc.n()];
        pc.slice(x).scatterAdd(new double[] {1, 2}, 0, dx, 1, 0);
        assertEquals(2, dx[5]);
        // batch-minor: instance 1 of 3, entry j at j*3 + 1; the gather reads back what the scatter added
        double[] dxBatch = new double[pc.n() * 3];
        pc.slice(x).scatterAdd(new double[] {9, 1, 2}, 1, dxBatch, 3, 1);
        assertEquals(1, dxBatch[4 * 3 + 1]);
        assertEquals(2, dxBatch[5 * 3 + 1]);
        double[] back = new double[3];
        pc.slice(x).gather(dxBatch, 3, 1, back, 1);
        assertArrayEquals(new double[] {0, 1, 2}, back);
    }

    @Test
    void objectiveSenseAndOffset() {
        Variable x = Variable.scalar("x");
        Parameter r = Parameter.scalar("r").setValue(2);
        Problem max = Problem.maximize(x.times(-1).plus(r).plus(10), x.ge(r));
        ProblemSolution s = max.solve(TIGHT);
        assertEquals(SolverStatus.SOLVED, s.status());
        assertEquals(10, s.objective(), 1e-6);
        assertEquals(-1, Compiler.compile(max).objectiveSign());
    }

    @Test
    void infeasibleAndUnboundedStatuses() {
        Variable x = Variable.scalar("x");
        ProblemSolution inf = Problem.minimize(x, x.ge(1), x.le(0)).solve(TIGHT);
        assertEquals(SolverStatus.INFEASIBLE, inf.status());
        assertEquals(Double.POSITIVE_INFINITY, inf.objective());
        assertTrue(Double.isNaN(inf.value(x)[0]));
        ProblemSolution unb = Problem.minimize(x, x.le(0)).solve(TIGHT);
        assertEquals(SolverStatus.UNBOUNDED, unb.status());
        assertEquals(Double.NEGATIVE_INFINITY, unb.objective());
        ProblemSolution maxInf = Problem.maximize(x, x.ge(1), x.le(0)).solve(TIGHT);
        assertEquals(SolverStatus.INFEASIBLE, maxInf.status());
        assertEquals(Double.NEGATIVE_INFINITY, maxInf.objective());
    }

    @Test
    void qpDualsSatisfyStationarityWithCvxpysSigns() {
        // min ½‖x‖² + qᵀx s.t. G x ≤ h, A x = b: the returned λ, ν must satisfy x + q + Gᵀλ + Aᵀν = 0.
        java.util.Random rnd = new java.util.Random(5);
        int n = 4;
        double[] q = {0.3, -1.2, 0.8, 0.1};
        double[][] g = new double[3][n];
        double[][] a = new double[2][n];
        for (double[] row : g) {
            for (int j = 0; j < n; j++) {
                row[j] = rnd.nextGaussian();
            }
        }
        for (double[] row : a) {
            for (int j = 0; j < n; j++) {
                row[j] = rnd.nextGaussian();
            }
        }
        // Feasible by construction: x0 satisfies both with every inequality slack 0.1 (one of them 0).
        double[] x0 = {0.1, 0.2, -0.3, 0.4};
        double[] h = new double[3];
        double[] b = new double[2];
        for (int j = 0; j < n; j++) {
            for (int i = 0; i < 3; i++) {
                h[i] += g[i][j] * x0[j];
            }
            for (int i = 0; i < 2; i++) {
                b[i] += a[i][j] * x0[j];
            }
        }
        h[1] += 0.1;
        h[2] += 0.1;
        Variable x = Variable.vector("x", n);
        Constraint ineq = Constant.matrix(g).times(x).le(Constant.vector(h));
        Constraint eq = Constant.matrix(a).times(x).eq(Constant.vector(b));
        ProblemSolution s = Problem.minimize(sumSquares(x).times(0.5).plus(Constant.vector(q).dot(x)), ineq, eq)
                .solve(TIGHT);
        assertEquals(SolverStatus.SOLVED, s.status());
        double[] xv = s.value(x);
        double[] lambda = s.dual(ineq);
        double[] nu = s.dual(eq);
        for (double l : lambda) {
            assertTrue(l >= -1e-7, "λ ≥ 0");
        }
        for (int j = 0; j < n; j++) {
            double r = xv[j] + q[j];
            for (int i = 0; i < 3; i++) {
                r += g[i][j] * lambda[i];
            }
            for (int i = 0; i < 2; i++) {
                r += a[i][j] * nu[i];
            }
            assertEquals(0, r, 1e-6, "stationarity, coordinate " + j);
        }
    }

    /**
     * {@code lhs >= rhs} contributes λ·(rhs − lhs) to CVXPY's Lagrangian, λ ≥ 0: for min ½‖x − a‖²
     * s.t. x ≥ l the dual is λ = x − a on the active rows, and the optimal value's derivative in l equals
     * λ (a finite difference of two solves, independent of the dual's extraction). {@code l <= x} is the
     * same constraint and has the same dual.
     */
    @Test
    void aGreaterOrEqualConstraintHasCvxpysNonnegativeDual() {
        double[] a = {-1, 0.5, 2};
        double[] l = {0, 0, 1};
        Variable x = Variable.vector("x", 3);
        Constraint lower = x.ge(Constant.vector(l));
        ProblemSolution s = Problem.minimize(sumSquares(x.minus(Constant.vector(a))).times(0.5), lower).solve(TIGHT);
        assertArrayEquals(new double[] {0, 0.5, 2}, s.value(x), 1e-7);
        // Stationarity of ½‖x − a‖² + λᵀ(l − x): x − a − λ = 0.
        assertArrayEquals(new double[] {1, 0, 0}, s.dual(lower), 1e-7);

        Constraint flipped = Constant.vector(l).le(x);
        ProblemSolution f = Problem.minimize(sumSquares(x.minus(Constant.vector(a))).times(0.5), flipped).solve(TIGHT);
        assertArrayEquals(s.dual(lower), f.dual(flipped), 1e-7);

        double h = 1e-4;
        double[] raised = {h, 0, 1};
        double pRaised = Problem.minimize(sumSquares(x.minus(Constant.vector(a))).times(0.5),
                x.ge(Constant.vector(raised))).solve(TIGHT).objective();
        assertEquals(s.dual(lower)[0], (pRaised - s.objective()) / h, 1e-3, "dp*/dl₀ = λ₀");
    }

    @Test
    void dualsOfInequalitiesEqualitiesAndCones() {
        // minimize ‖x − a‖² subject to x ≤ 1 (elementwise), sum(x) = 1.5 — duals from the KKT system
        Variable x = Variable.vector("x", 3);
        Constant a = Constant.vector(2, 0.5, 0.2);
        Constraint ub = x.le(1);
        Constraint total = x.sum().eq(1.5);
        ProblemSolution s = Problem.minimize(sumSquares(x.minus(a)), ub, total).solve(TIGHT);
        // x = (1, x2, x3) with 2(x_i − a_i) + ν = 0 for free i, 2(1 − 2) + λ + ν = 0
        double nu = (2 * (0.5 + 0.2) - 2 * 0.5) / 2; // x2 + x3 = 0.5 → a2 + a3 − ν = 0.5
        assertArrayEquals(new double[] {1, 0.5 - nu / 2, 0.2 - nu / 2}, s.value(x), 1e-6);
        assertArrayEquals(new double[] {2 - nu, 0, 0}, s.dual(ub), 1e-6);
        // CVXPY's sign: stationarity 2(x − a) + λ + ν·1 = 0 with ν the multiplier of sum(x) − 1.5 = 0
        assertArrayEquals(new double[] {nu}, s.dual(total), 1e-6);
        // second-order cone: minimize −xᵀd subject to ‖x‖ ≤ 1 → x = d/‖d‖, dual (1, −x)·‖d‖… ∈ SOC
        Variable z = Variable.vector("z", 2);
        Constraint cone = Constraint.soc(Constant.scalar(1), z);
        ProblemSolution sc = Problem.minimize(Constant.vector(-3, -4).dot(z), cone).solve(TIGHT);
        assertArrayEquals(new double[] {0.6, 0.8}, sc.value(z), 1e-6);
        assertArrayEquals(new double[] {5, -3, -4}, sc.dual(cone), 1e-5);
    }

    @Test
    void psdDualIsASymmetricMatrix() {
        // minimize tr(C X) subject to tr(X) = 1, X ⪰ 0: optimum λmin(C), dual Z = C − λmin·I
        Variable xv = Variable.symmetric("X", 2);
        double[][] c = {{2, 1}, {1, 3}};
        Constraint psd = Constraint.psd(xv);
        ProblemSolution s = Problem.minimize(Constant.matrix(c).multiply(xv).sum(), xv.trace().eq(1), psd).solve(TIGHT);
        double lmin = (5 - Math.sqrt(5)) / 2;
        assertEquals(lmin, s.objective(), 1e-6);
        double[] z = s.dual(psd);
        assertArrayEquals(new double[] {2 - lmin, 1, 1, 3 - lmin}, z, 1e-5);
    }
}
