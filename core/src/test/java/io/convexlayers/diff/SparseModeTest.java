// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.diff;

import io.convexlayers.data.BatchArray;
import io.convexlayers.data.ConeDims;
import io.convexlayers.data.BatchConeProgram;
import io.convexlayers.solver.BatchSolution;
import io.convexlayers.data.ConeProgram;
import io.convexlayers.backend.ConeSolver;
import io.convexlayers.data.CscMatrix;
import io.convexlayers.solver.Solution;
import io.convexlayers.solver.SolverSettings;
import io.convexlayers.solver.linsys.SparseLdl;
import io.convexlayers.solver.linsys.TileMatrices;
import io.convexlayers.testing.RandomQps;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Random;

import static io.convexlayers.diff.DerivativeFixtures.Direction;
import static io.convexlayers.diff.DerivativeFixtures.concat;
import static io.convexlayers.diff.DerivativeFixtures.one;
import static io.convexlayers.diff.DerivativeFixtures.relativeError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The sparse active-block mode (LDLᵀ of the active KKT matrix with refinement) against the dense
 * mode and against finite differences of re-solves; its LSQR fallback for other cones and for
 * singular active blocks.
 */
class SparseModeTest {
    private static final DerivativeSettings SPARSE = DerivativeSettings.defaults().withMode(DerivativeMode.SPARSE);
    private static final DerivativeSettings DENSE = DerivativeSettings.defaults().withMode(DerivativeMode.DENSE);

    @ParameterizedTest(name = "with P: {0}")
    @ValueSource(booleans = {false, true})
    void sparseModeMatchesFiniteDifferencesAndDenseMode(boolean withP) {
        ConeDims cones = ConeDims.builder().zero(3).nonneg(14).build();
        ConeProgram p = DerivativeFixtures.wellPosed(cones, withP, 11).program();
        Solution sol = DerivativeFixtures.solve(p);
        Direction d = Direction.random(p, new Random(3), withP);
        JvpResult sparse = SolutionDerivative.at(p, sol, SPARSE).jvp(one(d.dP()), one(d.dA()), one(d.db()),
                one(d.dc()));
        assertEquals(DerivativeQuality.ACCURATE, sparse.info()[0].quality());
        assertEquals(0, sparse.info()[0].iterations(), "solved by the factorization, not LSQR");
        assertEquals(DerivativeMethod.SPARSE_ACTIVE_BLOCK, sparse.info()[0].method());
        double h = 1e-5;
        Solution plus = DerivativeFixtures.solve(DerivativeFixtures.perturbed(p, d, h));
        Solution minus = DerivativeFixtures.solve(DerivativeFixtures.perturbed(p, d, -h));
        double[] xp = concat(plus.x(), plus.y(), plus.s());
        double[] xm = concat(minus.x(), minus.y(), minus.s());
        double[] fd = new double[xp.length];
        for (int i = 0; i < fd.length; i++) {
            fd[i] = (xp[i] - xm[i]) / (2 * h);
        }
        double[] an = concat(sparse.dx().instance(0), sparse.dy().instance(0), sparse.ds().instance(0));
        assertTrue(relativeError(an, fd) < 1e-5, "vs finite differences: " + relativeError(an, fd));
        JvpResult dense = SolutionDerivative.at(p, sol, DENSE).jvp(one(d.dP()), one(d.dA()), one(d.db()),
                one(d.dc()));
        double[] denseAll = concat(dense.dx().instance(0), dense.dy().instance(0), dense.ds().instance(0));
        assertTrue(relativeError(an, denseAll) < 1e-9);
    }

    @Test
    void batchedSparseVjpEqualsDenseAtAFiniteAccuracySolution() {
        // eps 1e-5: the right-hand sides are slightly inconsistent and z is only nearly M's null vector
        BatchConeProgram batch = RandomQps.batch(12, 30, 11, false, 4);
        BatchSolution sols = ConeSolver.solveBatch(batch, SolverSettings.defaults().withEps(1e-5).withAlgorithm(io.convexlayers.solver.Algorithm.FIRST_ORDER));
        Random rnd = new Random(9);
        double[][] gx = new double[11][];
        double[][] gy = new double[11][];
        for (int b = 0; b < 11; b++) {
            gx[b] = DerivativeFixtures.gaussian(12, rnd);
            gy[b] = DerivativeFixtures.gaussian(30, rnd);
        }
        BatchArray bx = BatchArray.perInstance(gx);
        BatchArray by = BatchArray.perInstance(gy);
        VjpResult sparse = SolutionDerivative.at(batch, sols, SPARSE).vjp(bx, by, null);
        VjpResult dense = SolutionDerivative.at(batch, sols, DENSE).vjp(bx, by, null);
        for (int b = 0; b < 11; b++) {
            assertEquals(0, sparse.info()[b].iterations(), "instance " + b);
            assertTrue(relativeError(sparse.dA().instance(b), dense.dA().instance(b)) < 1e-6, "instance " + b + " dA "
                    + relativeError(sparse.dA().instance(b), dense.dA().instance(b)));
            assertTrue(relativeError(sparse.dP().instance(b), dense.dP().instance(b)) < 1e-6, "instance " + b + " dP");
            assertTrue(relativeError(sparse.db().instance(b), dense.db().instance(b)) < 1e-6, "instance " + b + " db");
            assertTrue(relativeError(sparse.dc().instance(b), dense.dc().instance(b)) < 1e-6, "instance " + b + " dc");
        }
        double[][] db = new double[11][];
        for (int b = 0; b < 11; b++) {
            db[b] = DerivativeFixtures.gaussian(30, rnd);
        }
        JvpResult sparseJvp = SolutionDerivative.at(batch, sols, SPARSE).jvp(null, null,
                io.convexlayers.data.BatchArray.perInstance(db), null);
        JvpResult denseJvp = SolutionDerivative.at(batch, sols, DENSE).jvp(null, null,
                io.convexlayers.data.BatchArray.perInstance(db), null);
        for (int b = 0; b < 11; b++) {
            double[] s1 = concat(sparseJvp.dx().instance(b), sparseJvp.dy().instance(b), sparseJvp.ds().instance(b));
            double[] d1 = concat(denseJvp.dx().instance(b), denseJvp.dy().instance(b), denseJvp.ds().instance(b));
            assertTrue(relativeError(s1, d1) < 1e-6, "instance " + b + " JVP " + relativeError(s1, d1));
        }
    }

    @Test
    void aDiagonalPIsSolvedThroughTheSchurComplementAndMatchesDenseMode() {
        // n = 30, 6 equalities and 40 inequalities, P diagonal positive: CG on A_S·P⁻¹·A_Sᵀ, no factorization
        Random rnd = new Random(12);
        int n = 30;
        int mEq = 6;
        int mIn = 40;
        int batch = 5;
        double[][] a = new double[mEq + mIn][n];
        for (double[] row : a) {
            for (int j = 0; j < n; j++) {
                row[j] = rnd.nextDouble() < 0.3 ? rnd.nextGaussian() : 0;
            }
        }
        double[][] p = new double[n][n];
        for (int j = 0; j < n; j++) {
            p[j][j] = 0.5 + rnd.nextDouble();
        }
        CscMatrix aMat = CscMatrix.fromDense("A", a);
        CscMatrix pMat = CscMatrix.upperTriangleOf("P", p);
        double[][] b = new double[batch][];
        double[][] c = new double[batch][];
        for (int k = 0; k < batch; k++) {
            double[] x0 = DerivativeFixtures.gaussian(n, rnd);
            b[k] = new double[mEq + mIn];
            for (int i = 0; i < mEq + mIn; i++) {
                for (int j = 0; j < n; j++) {
                    b[k][i] += a[i][j] * x0[j];
                }
                b[k][i] += i < mEq ? 0 : rnd.nextDouble() * 0.5;
            }
            c[k] = DerivativeFixtures.gaussian(n, rnd);
        }
        double[][] pPerInstance = new double[batch][]; // a different diagonal in every lane
        for (int k = 0; k < batch; k++) {
            pPerInstance[k] = pMat.values().clone();
            for (int j = 0; j < n; j++) {
                pPerInstance[k][j] *= 1 + 0.2 * k;
            }
        }
        BatchConeProgram prog = new BatchConeProgram(pMat.pattern(),
                io.convexlayers.data.BatchArray.perInstance(pPerInstance), aMat.pattern(),
                io.convexlayers.data.BatchArray.shared(aMat.values(), batch),
                io.convexlayers.data.BatchArray.perInstance(b), io.convexlayers.data.BatchArray.perInstance(c),
                ConeDims.builder().zero(mEq).nonneg(mIn).build());
        assertTrue(SchurComplementCg.applies(new TileMatrices(aMat.pattern(), aMat.values(), true, pMat.pattern(),
                pMat.values(), true, 1)), "the Schur-complement path applies");
        BatchSolution sols = ConeSolver.solveBatch(prog, DerivativeFixtures.TIGHT);
        double[][] gx = new double[batch][];
        for (int k = 0; k < batch; k++) {
            gx[k] = DerivativeFixtures.gaussian(n, rnd);
        }
        VjpResult sparse = SolutionDerivative.at(prog, sols, SPARSE).vjp(BatchArray.perInstance(gx), null, null);
        VjpResult dense = SolutionDerivative.at(prog, sols, DENSE).vjp(BatchArray.perInstance(gx), null, null);
        for (int k = 0; k < batch; k++) {
            assertEquals(0, sparse.info()[k].iterations(), "instance " + k + " solved without LSQR");
            assertEquals(DerivativeQuality.ACCURATE, sparse.info()[k].quality());
            assertTrue(relativeError(sparse.dA().instance(k), dense.dA().instance(k)) < 1e-8, "instance " + k + " dA "
                    + relativeError(sparse.dA().instance(k), dense.dA().instance(k)));
            assertTrue(relativeError(sparse.dP().instance(k), dense.dP().instance(k)) < 1e-8, "instance " + k + " dP");
            assertTrue(relativeError(sparse.dc().instance(k), dense.dc().instance(k)) < 1e-8, "instance " + k + " dc");
        }
    }

    @Test
    void otherConesFallBackToLsqr() {
        ConeProgram p = DerivativeFixtures.wellPosed(ConeDims.builder().nonneg(4).soc(5, 4).build(), true, 11)
                .program();
        Solution sol = DerivativeFixtures.solve(p);
        double[] gx = DerivativeFixtures.gaussian(p.n(), new Random(2));
        VjpResult sparse = SolutionDerivative.at(p, sol, SPARSE.withLsqr(LsqrSettings.defaults().withTolerance(1e-14)))
                .vjp(one(gx), null, null);
        VjpResult dense = SolutionDerivative.at(p, sol, DENSE).vjp(one(gx), null, null);
        assertTrue(sparse.info()[0].iterations() > 0, "LSQR ran");
        assertTrue(relativeError(sparse.dA().instance(0), dense.dA().instance(0)) < 1e-7);
    }

    @Test
    void aDegenerateVertexFallsBackToLsqrAndStillSatisfiesTheLeastSquaresProblem() {
        // min x1 + x2 s.t. x ≥ 0 and x1 + x2 ≥ 0: three active constraints at the vertex 0 in R², so
        // the active KKT block is singular and its refinement cannot converge.
        CscMatrix a = CscMatrix.fromDense("A", new double[][] {{-1, 0}, {0, -1}, {-1, -1}});
        ConeProgram p = new ConeProgram(null, a, new double[3], new double[] {1, 1},
                ConeDims.builder().nonneg(3).build());
        Solution sol = ConeSolver.solve(p, DerivativeFixtures.TIGHT);
        double[] gx = {1, -2};
        DerivativeSettings lsqrSettings = DerivativeSettings.defaults().withMode(DerivativeMode.LSQR);
        VjpResult sparse = SolutionDerivative.at(p, sol, SPARSE).vjp(one(gx), null, null);
        VjpResult lsqr = SolutionDerivative.at(p, sol, lsqrSettings).vjp(one(gx), null, null);
        // the dual optimum is y = (1 − t, 1 − t, t), t ∈ [0, 1]; Douglas–Rachford ends inside it
        assertEquals(3, java.util.Arrays.stream(sol.y()).filter(v -> v > 1e-6).count(), "all three active");
        assertTrue(sparse.info()[0].iterations() > 0, "the singular block went to LSQR");
        assertTrue(relativeError(sparse.dc().instance(0), lsqr.dc().instance(0)) < 1e-6, "same answer as LSQR");
        for (double v : concat(sparse.dA().instance(0), sparse.db().instance(0), sparse.dc().instance(0))) {
            assertTrue(Double.isFinite(v));
        }
    }

    @Test
    void fillRatioOfADenseKktIsLargeAndOfADiagonalOneSmall() {
        var dense = RandomQps.batch(30, 60, 1, true, 1);
        var mats = new TileMatrices(dense.aPattern(), dense.aValues().rawData(), true,
                dense.pPattern(), dense.pValues().rawData(), true, 1);
        double denseFill = SparseLdl.fillRatio(mats);
        CscMatrix eye = CscMatrix.fromDense("A", identity(40));
        var diag = new TileMatrices(eye.pattern(), eye.values(), true, null, null, true,
                1);
        assertEquals(1.0, SparseLdl.fillRatio(diag), 1e-12);
        assertTrue(denseFill > 1.0, "fill " + denseFill);
    }

    private static double[][] identity(int size) {
        double[][] eye = new double[size][size];
        for (int i = 0; i < size; i++) {
            eye[i][i] = 1;
        }
        return eye;
    }
}
