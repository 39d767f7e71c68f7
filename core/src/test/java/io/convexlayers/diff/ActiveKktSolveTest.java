// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.diff;

import io.convexlayers.backend.ConeSolver;
import io.convexlayers.data.BatchArray;
import io.convexlayers.data.BatchConeProgram;
import io.convexlayers.data.ConeDims;
import io.convexlayers.data.ConeProgram;
import io.convexlayers.data.CscMatrix;
import io.convexlayers.data.SparsePattern;
import io.convexlayers.diff.DerivativeFixtures.Direction;
import io.convexlayers.solver.Algorithm;
import io.convexlayers.solver.BatchSolution;
import io.convexlayers.solver.Solution;
import io.convexlayers.solver.SolverSettings;
import io.convexlayers.solver.SolverStatus;
import io.convexlayers.testing.PlantedPrograms;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static io.convexlayers.diff.DerivativeFixtures.concat;
import static io.convexlayers.diff.DerivativeFixtures.dot;
import static io.convexlayers.diff.DerivativeFixtures.gaussian;
import static io.convexlayers.diff.DerivativeFixtures.one;
import static io.convexlayers.diff.DerivativeFixtures.relativeError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The derivative at interior-point solutions of LPs and QPs by the tiled active KKT factorization
 * ({@link ActiveKktSolve}): against central differences of re-solves, the adjoint identity, the dense
 * active block instance by instance, and with lanes it must hand on (a degenerate vertex, an infeasible
 * instance) beside lanes it takes.
 */
class ActiveKktSolveTest {
    private static final SolverSettings IPM = SolverSettings.defaults().withAlgorithm(Algorithm.INTERIOR_POINT);
    private static final ConeDims CONES = ConeDims.builder().zero(3).nonneg(40).build();

    /** Instances per batch in these tests: one full tile, the smallest the active KKT solve takes. */
    private static final int B = ActiveKktSolve.MIN_LANES;

    /** B copies of {@code p} as one batch. */
    private static BatchConeProgram copies(ConeProgram p) {
        return new BatchConeProgram(p.p() == null ? null : p.p().pattern(),
                p.p() == null ? null : BatchArray.shared(p.p().values(), B), p.a().pattern(),
                BatchArray.shared(p.a().values(), B), BatchArray.shared(p.b(), B), BatchArray.shared(p.c(), B),
                p.cones());
    }

    /** The derivative of B copies of {@code p}, each solved with {@code solver}. */
    private static SolutionDerivative derivative(ConeProgram p, SolverSettings solver, DerivativeSettings settings) {
        BatchConeProgram batch = copies(p);
        BatchSolution sols = ConeSolver.solveBatch(batch, solver);
        assertEquals(SolverStatus.SOLVED, sols.status(0));
        return SolutionDerivative.at(batch, sols, settings);
    }

    /** {@code v} for every instance of a batch of B (null stays null). */
    private static BatchArray all(double[] v) {
        return v == null ? null : BatchArray.shared(v, B);
    }

    /** A QP with equality and inequality rows, solved by the interior-point method. */
    private static ConeProgram qp() {
        return PlantedPrograms.generate(CONES, 30, 0.5, true, 2).program();
    }

    /** A batch narrower than a tile keeps the per-instance active block (measured faster there). */
    @Test
    void aSingleInstanceKeepsTheDenseActiveBlock() {
        ConeProgram p = qp();
        Solution sol = ConeSolver.solve(p, IPM);
        VjpResult v = SolutionDerivative.at(p, sol, DerivativeSettings.defaults())
                .vjp(one(gaussian(p.n(), new Random(2))), null, null);
        assertEquals(DerivativeMethod.DENSE_ACTIVE_BLOCK, v.info()[0].method());
    }

    /**
     * dx, dy and ds of the default (active KKT) forward derivative agree with central differences of
     * interior-point re-solves at eps 1e-11, for a direction in P, A, b and c at once.
     */
    @Test
    void jvpMatchesFiniteDifferencesOfResolves() {
        ConeProgram p = qp();
        Direction d = Direction.random(p, new Random(3), true);
        JvpResult jvp = derivative(p, IPM, DerivativeSettings.defaults())
                .jvp(all(d.dP()), all(d.dA()), all(d.db()), all(d.dc()));
        assertEquals(DerivativeMethod.ACTIVE_KKT, jvp.info()[0].method(), jvp.info()[0]::toString);
        assertEquals(DerivativeQuality.ACCURATE, jvp.info()[0].quality(), jvp.info()[0]::toString);

        double h = 1e-4; // the active set holds: the map is smooth, and re-solve noise is 1e-11/h
        SolverSettings tight = IPM.withEps(1e-11);
        Solution plus = ConeSolver.solve(DerivativeFixtures.perturbed(p, d, h), tight);
        Solution minus = ConeSolver.solve(DerivativeFixtures.perturbed(p, d, -h), tight);
        double[] xp = concat(plus.x(), plus.y(), plus.s());
        double[] xm = concat(minus.x(), minus.y(), minus.s());
        double[] fd = new double[xp.length];
        for (int i = 0; i < fd.length; i++) {
            fd[i] = (xp[i] - xm[i]) / (2 * h);
        }
        double err = relativeError(concat(jvp.dx().instance(0), jvp.dy().instance(0), jvp.ds().instance(0)), fd);
        assertTrue(err < 1e-6, "relative error " + err);
    }

    /**
     * The shared structure (with every worker's matrix) is kept for the next batch of the same patterns:
     * a second backward pass, and one after another structure's, give the first one's bits.
     */
    @Test
    void theKeptStructureGivesTheBitsOfAFreshOne() {
        ConeProgram p = qp();
        BatchConeProgram batch = copies(p);
        BatchSolution sols = ConeSolver.solveBatch(batch, IPM);
        BatchArray g = all(gaussian(p.n(), new Random(7)));
        VjpResult first = SolutionDerivative.at(batch, sols, DerivativeSettings.defaults()).vjp(g, null, null);
        org.junit.jupiter.api.Assertions.assertSame(io.convexlayers.solver.ipm.ActiveKktMatrix.structure(batch),
                io.convexlayers.solver.ipm.ActiveKktMatrix.structure(batch), "kept for the same patterns");
        VjpResult again = SolutionDerivative.at(batch, sols, DerivativeSettings.defaults()).vjp(g, null, null);
        ConeProgram other = PlantedPrograms.generate(CONES, 30, 0.5, true, 5).program();
        BatchConeProgram otherBatch = copies(other);
        SolutionDerivative.at(otherBatch, ConeSolver.solveBatch(otherBatch, IPM), DerivativeSettings.defaults())
                .vjp(all(gaussian(other.n(), new Random(8))), null, null);
        VjpResult after = SolutionDerivative.at(batch, sols, DerivativeSettings.defaults()).vjp(g, null, null);
        assertEquals(DerivativeMethod.ACTIVE_KKT, first.info()[0].method(), first.info()[0]::toString);
        for (VjpResult r : new VjpResult[] {again, after}) {
            for (int k = 0; k < B; k++) {
                org.junit.jupiter.api.Assertions.assertArrayEquals(first.dc().instance(k), r.dc().instance(k), 0.0);
                org.junit.jupiter.api.Assertions.assertArrayEquals(first.db().instance(k), r.db().instance(k), 0.0);
                org.junit.jupiter.api.Assertions.assertArrayEquals(first.dA().instance(k), r.dA().instance(k), 0.0);
            }
        }
    }

    /**
     * A vjp asked for neither dP nor dA returns them as null and db, dc bit for bit as the full one: on
     * full SIMD tiles (8), a scalar tile (3) and a tile with padding lanes (11 = 8 + 3 of 8).
     */
    @Test
    void aVjpWithoutMatrixGradientsKeepsTheVectorOnes() {
        ConeProgram p = qp();
        for (int count : new int[] {8, 3, 11}) {
            BatchConeProgram batch = new BatchConeProgram(p.p().pattern(), BatchArray.shared(p.p().values(), count),
                    p.a().pattern(), BatchArray.shared(p.a().values(), count), BatchArray.shared(p.b(), count),
                    BatchArray.shared(p.c(), count), p.cones());
            BatchSolution sols = ConeSolver.solveBatch(batch, IPM);
            BatchArray g = BatchArray.shared(gaussian(p.n(), new Random(9)), count);
            SolutionDerivative d = SolutionDerivative.at(batch, sols, DerivativeSettings.defaults());
            VjpResult full = d.vjp(g, null, null);
            VjpResult vectors = SolutionDerivative.at(batch, sols, DerivativeSettings.defaults())
                    .vjp(g, null, null, false, false);
            org.junit.jupiter.api.Assertions.assertNull(vectors.dA());
            org.junit.jupiter.api.Assertions.assertNull(vectors.dP());
            org.junit.jupiter.api.Assertions.assertNotNull(full.dA());
            for (int k = 0; k < count; k++) {
                org.junit.jupiter.api.Assertions.assertArrayEquals(full.db().instance(k), vectors.db().instance(k), 0.0);
                org.junit.jupiter.api.Assertions.assertArrayEquals(full.dc().instance(k), vectors.dc().instance(k), 0.0);
                assertEquals(full.info()[k].quality(), vectors.info()[k].quality());
            }
        }
    }

    /** ⟨J·v, w⟩ = ⟨v, Jᵀ·w⟩ between the active KKT solve's jvp and vjp, P, A, b and c included. */
    @Test
    void vjpIsTheAdjointOfJvp() {
        ConeProgram p = qp();
        Random rnd = new Random(8);
        Direction d = Direction.random(p, rnd, true);
        double[] gx = gaussian(p.n(), rnd);
        double[] gy = gaussian(p.m(), rnd);
        double[] gs = gaussian(p.m(), rnd);
        SolutionDerivative deriv = derivative(p, IPM, DerivativeSettings.defaults());
        JvpResult jvp = deriv.jvp(all(d.dP()), all(d.dA()), all(d.db()), all(d.dc()));
        VjpResult vjp = deriv.vjp(all(gx), all(gy), all(gs));
        assertEquals(DerivativeMethod.ACTIVE_KKT, jvp.info()[0].method());
        assertEquals(DerivativeMethod.ACTIVE_KKT, vjp.info()[0].method());
        double lhs = dot(gx, jvp.dx().instance(0)) + dot(gy, jvp.dy().instance(0)) + dot(gs, jvp.ds().instance(0));
        double rhs = dot(vjp.dA().instance(0), d.dA()) + dot(vjp.db().instance(0), d.db())
                + dot(vjp.dc().instance(0), d.dc()) + dot(vjp.dP().instance(0), d.dP());
        assertEquals(lhs, rhs, 1e-9 * Math.max(1, Math.abs(lhs)));
    }

    /**
     * On a batch of eleven (a full tile and a padded one), every instance's jvp and vjp agree with the
     * dense active block's (the residual-map derivative) to 1e-7, with the same quality.
     */
    @Test
    void aBatchAgreesWithTheDenseActiveBlock() {
        ConeProgram p = qp();
        int batch = 11;
        Random rnd = new Random(4);
        double[][] b = new double[batch][];
        for (int k = 0; k < batch; k++) {
            b[k] = p.b().clone();
            for (int i = 0; i < b[k].length; i++) {
                b[k][i] += 0.01 * rnd.nextGaussian();
            }
        }
        BatchConeProgram bp = new BatchConeProgram(p.p().pattern(), BatchArray.shared(p.p().values(), batch),
                p.a().pattern(), BatchArray.shared(p.a().values(), batch), BatchArray.perInstance(b),
                BatchArray.shared(p.c(), batch), CONES);
        BatchSolution sols = ConeSolver.solveBatch(bp, IPM);
        Direction d = Direction.random(p, rnd, true);
        BatchArray gx = BatchArray.shared(gaussian(p.n(), rnd), batch);
        BatchArray gy = BatchArray.shared(gaussian(p.m(), rnd), batch);
        SolutionDerivative kkt = SolutionDerivative.at(bp, sols, DerivativeSettings.defaults());
        SolutionDerivative dense = SolutionDerivative.at(bp, sols,
                DerivativeSettings.defaults().withMode(DerivativeMode.DENSE));
        BatchArray dP = BatchArray.shared(d.dP(), batch);
        BatchArray dA = BatchArray.shared(d.dA(), batch);
        BatchArray db = BatchArray.shared(d.db(), batch);
        BatchArray dc = BatchArray.shared(d.dc(), batch);
        JvpResult jk = kkt.jvp(dP, dA, db, dc);
        JvpResult jd = dense.jvp(dP, dA, db, dc);
        VjpResult vk = kkt.vjp(gx, gy, null);
        VjpResult vd = dense.vjp(gx, gy, null);
        for (int k = 0; k < batch; k++) {
            String what = "instance " + k + ": " + jk.info()[k] + " / " + jd.info()[k];
            assertEquals(SolverStatus.SOLVED, sols.status(k));
            assertEquals(DerivativeMethod.ACTIVE_KKT, jk.info()[k].method(), what);
            assertEquals(DerivativeMethod.ACTIVE_KKT, vk.info()[k].method(), what);
            assertEquals(jd.info()[k].quality(), jk.info()[k].quality(), what);
            assertEquals(vd.info()[k].quality(), vk.info()[k].quality(), what);
            double jErr = relativeError(concat(jk.dx().instance(k), jk.dy().instance(k), jk.ds().instance(k)),
                    concat(jd.dx().instance(k), jd.dy().instance(k), jd.ds().instance(k)));
            double vErr = relativeError(concat(vk.dP().instance(k), vk.dA().instance(k), vk.db().instance(k),
                    vk.dc().instance(k)), concat(vd.dP().instance(k), vd.dA().instance(k), vd.db().instance(k),
                    vd.dc().instance(k)));
            assertTrue(jErr < 1e-7 && vErr < 1e-7, what + ": jvp " + jErr + ", vjp " + vErr);
        }
    }

    /**
     * In one tile of eight: issue #14's degenerate LP vertex (minimize cᵀx, x ≥ 0, Σx = 1, x₀ ≤ 1: five active rows
     * for four variables), the same LP with x₀ ≤ 2 (a regular vertex, six times), and an infeasible one (Σx = −1). The
     * regular lane is solved by the active KKT factorization against the closed form (∂x/∂b of Σx = b
     * is e₀); the degenerate lane is handed to the general solves and flagged; the infeasible one has no
     * derivative. First-order solutions of the same LPs are shared out alike.
     */
    @Test
    void lanesItCannotTakeGoToTheGeneralSolves() {
        double[] c = {0.659, 1.133, 1.344, 0.959};
        int n = 4;
        int m = 1 + n + 1;
        int[] colStart = new int[n + 1];
        int[] rows = new int[3 * n];
        double[] vals = new double[3 * n];
        int q = 0;
        for (int j = 0; j < n; j++) {
            colStart[j] = q;
            rows[q] = 0;
            vals[q++] = 1; // Σx = b₀ (zero cone)
            rows[q] = 1 + j;
            vals[q++] = -1; // −x_j + s = 0 (x ≥ 0)
            if (j == 0) {
                rows[q] = m - 1;
                vals[q++] = 1; // x₀ + s = u
            }
        }
        colStart[n] = q;
        CscMatrix a = new CscMatrix(new SparsePattern("A", m, n, colStart, java.util.Arrays.copyOf(rows, q)),
                java.util.Arrays.copyOf(vals, q));
        ConeDims cones = ConeDims.builder().zero(1).nonneg(n + 1).build();
        double[][] b = new double[B][];
        b[0] = new double[] {1, 0, 0, 0, 0, 1};
        b[2] = new double[] {-1, 0, 0, 0, 0, 1};
        for (int k = 1; k < B; k++) {
            if (k != 2) {
                b[k] = new double[] {1, 0, 0, 0, 0, 2};
            }
        }
        BatchConeProgram bp = new BatchConeProgram(null, null, a.pattern(), BatchArray.shared(a.values(), B),
                BatchArray.perInstance(b), BatchArray.shared(c, B), cones);
        BatchSolution ipm = ConeSolver.solveBatch(bp, IPM);
        assertEquals(SolverStatus.INFEASIBLE, ipm.status(2));
        double[] dbSum = new double[m];
        dbSum[0] = 1;
        JvpResult j = SolutionDerivative.at(bp, ipm, DerivativeSettings.defaults())
                .jvp(null, null, BatchArray.shared(dbSum, B), null);
        assertNotEquals(DerivativeMethod.ACTIVE_KKT, j.info()[0].method(), j.info()[0]::toString);
        assertEquals(DerivativeQuality.POOR, j.info()[0].quality(), j.info()[0]::toString);
        assertEquals(DerivativeIssue.KINK_DEGENERATE, j.info()[0].issue(), j.info()[0]::toString);
        assertEquals(DerivativeMethod.ACTIVE_KKT, j.info()[1].method(), j.info()[1]::toString);
        assertEquals(DerivativeQuality.ACCURATE, j.info()[1].quality(), j.info()[1]::toString);
        double[] dx = j.dx().instance(1);
        assertEquals(1, dx[0], 1e-9);
        for (int k = 1; k < n; k++) {
            assertEquals(0, dx[k], 1e-9);
        }
        assertEquals(DerivativeQuality.UNDEFINED, j.info()[2].quality());
        assertEquals(DerivativeIssue.NO_SOLUTION, j.info()[2].issue());

        BatchSolution firstOrder = ConeSolver.solveBatch(bp, SolverSettings.defaults()
                .withAlgorithm(Algorithm.FIRST_ORDER).withEps(1e-9));
        JvpResult f = SolutionDerivative.at(bp, firstOrder, DerivativeSettings.defaults())
                .jvp(null, null, BatchArray.shared(dbSum, B), null);
        assertEquals(DerivativeMethod.ACTIVE_KKT, f.info()[1].method(), f.info()[1]::toString);
        assertNotEquals(DerivativeMethod.ACTIVE_KKT, f.info()[0].method(), f.info()[0]::toString);
        assertEquals(DerivativeQuality.POOR, f.info()[0].quality(), f.info()[0]::toString);
        assertEquals(1, f.dx().instance(1)[0], 1e-9);
    }
    /**
     * An equality row whose row of A and b vanish makes T singular (a_iᵀu = ∂y_i has no solution): the
     * solve is not exact, and the tile is differentiated the general way, which gives that coordinate
     * the pseudo-inverse's zero component — the same gradient as DENSE mode's.
     */
    @Test
    void aSingularSystemSendsItsTileToTheGeneralSolves() {
        ConeProgram p = qp();
        int zero = CONES.zero();
        SparsePattern ap = p.a().pattern();
        int[] rows = new int[ap.nnz()];
        for (int q = 0; q < rows.length; q++) {
            int r = ap.rowIndex(q);
            rows[q] = r >= zero ? r + 1 : r; // a new, empty equality row at index `zero`
        }
        int[] colStart = new int[p.n() + 1];
        for (int j = 0; j <= p.n(); j++) {
            colStart[j] = ap.colStart(j);
        }
        CscMatrix a = new CscMatrix(new SparsePattern("A", p.m() + 1, p.n(), colStart, rows), p.a().values());
        double[] b = new double[p.m() + 1];
        for (int i = 0; i < p.m(); i++) {
            b[i >= zero ? i + 1 : i] = p.b()[i];
        }
        ConeDims cones = ConeDims.builder().zero(zero + 1).nonneg(CONES.nonneg()).build();
        ConeProgram q = new ConeProgram(p.p(), a, b, p.c(), cones);
        Random rnd = new Random(6);
        double[] gx = gaussian(q.n(), rnd);
        double[] gy = gaussian(q.m(), rnd);
        VjpResult auto = derivative(q, IPM, DerivativeSettings.defaults()).vjp(all(gx), all(gy), null);
        VjpResult dense = derivative(q, IPM, DerivativeSettings.defaults().withMode(DerivativeMode.DENSE))
                .vjp(all(gx), all(gy), null);
        assertEquals(DerivativeMethod.DENSE_ACTIVE_BLOCK, auto.info()[0].method(), auto.info()[0]::toString);
        assertEquals(dense.info()[0].quality(), auto.info()[0].quality());
        double err = relativeError(concat(auto.dA().instance(0), auto.db().instance(0), auto.dc().instance(0)),
                concat(dense.dA().instance(0), dense.db().instance(0), dense.dc().instance(0)));
        assertTrue(err < 1e-7, "relative difference " + err);
    }

    /**
     * A QP with equality rows only (T = [[P, Aᵀ], [A, 0]] at every point) at both methods' solutions: the
     * active KKT solve agrees with the dense active block.
     */
    @Test
    void anEqualityConstrainedQpAtEitherMethodsSolution() {
        ConeDims cones = ConeDims.builder().zero(10).build();
        ConeProgram p = PlantedPrograms.generate(cones, 30, 0.5, true, 3).program();
        Random rnd = new Random(7);
        double[] gx = gaussian(p.n(), rnd);
        double[] gy = gaussian(p.m(), rnd);
        for (Algorithm method : new Algorithm[] {Algorithm.INTERIOR_POINT, Algorithm.FIRST_ORDER}) {
            SolverSettings solver = SolverSettings.defaults().withAlgorithm(method);
            VjpResult auto = derivative(p, solver, DerivativeSettings.defaults()).vjp(all(gx), all(gy), null);
            VjpResult dense = derivative(p, solver, DerivativeSettings.defaults().withMode(DerivativeMode.DENSE))
                    .vjp(all(gx), all(gy), null);
            assertEquals(DerivativeMethod.ACTIVE_KKT, auto.info()[0].method(), method + ": " + auto.info()[0]);
            assertEquals(DerivativeQuality.ACCURATE, auto.info()[0].quality(), method + ": " + auto.info()[0]);
            double err = relativeError(concat(auto.dP().instance(0), auto.dA().instance(0), auto.db().instance(0),
                    auto.dc().instance(0)), concat(dense.dP().instance(0), dense.dA().instance(0),
                    dense.db().instance(0), dense.dc().instance(0)));
            assertTrue(err < 1e-7, method + ": relative difference " + err);
        }
    }
}
