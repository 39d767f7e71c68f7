// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.solver.ipm;

import io.convexlayers.data.BatchConeProgram;
import io.convexlayers.data.ConeDims;
import io.convexlayers.data.ConeProgram;
import io.convexlayers.io.FileProblem;
import io.convexlayers.io.ProblemReader;
import io.convexlayers.solver.Algorithm;
import io.convexlayers.solver.BatchSolution;
import io.convexlayers.solver.ExecutionSettings;
import io.convexlayers.solver.Solution;
import io.convexlayers.solver.SolverSettings;
import io.convexlayers.solver.SolverStatus;
import io.convexlayers.testing.Kkt;
import io.convexlayers.testing.PlantedPrograms;
import org.junit.jupiter.api.Test;

import java.nio.file.Paths;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The interior-point method's sparse Newton system ({@link SparseKkt}) against the dense reduction
 * ({@link ReducedKkt}) and against independent truth: single Newton solves at badly scaled
 * iterates checked by their residual against K itself, planted programs' KKT conditions, an
 * infeasibility certificate, a regression on huge data, convexity of a large P, and the structural
 * choice between the two (the bundled NETLIB and Maros–Meszaros problems are solved with both
 * factorizations in {@link InteriorPointSolverTest}).
 */
class SparseNewtonSystemTest {
    private static final SolverSettings IPM = SolverSettings.defaults().withEps(1e-8)
            .withAlgorithm(Algorithm.INTERIOR_POINT);

    static Solution solveWith(ConeProgram p, NewtonSystemChoice newton) {
        BatchSolution out = InteriorPointSolver.solve(BatchConeProgram.of(p), IPM, ExecutionSettings.defaults(),
                null, newton);
        assertEquals(Algorithm.INTERIOR_POINT, out.algorithm());
        return out.get(0);
    }

    /**
     * NETLIB GREENBEA: near its end the x-block of the Newton system's right-hand side is 10⁻⁹ against a
     * z-block of 9·10⁴, and without the x-block's correction by GMRES ({@link NewtonSystem}) the solves
     * left its residual as large as its right-hand side: the dual residual stalled at 4.0e-4 and the
     * method ended SOLVED_INACCURATE at its 200-iteration limit.
     */
    @Test
    void greenbeaReachesItsPublishedOptimum() throws Exception {
        FileProblem problem = ProblemReader.read(Paths.get(getClass().getResource("/problems/netlib/greenbea.mps.gz")
                .toURI()));
        ConeProgram p = problem.program();
        Solution s = solveWith(p, NewtonSystemChoice.SPARSE);
        assertEquals(SolverStatus.SOLVED, s.status());
        assertTrue(s.iterations() <= 70, s.iterations() + " iterations");
        double optimum = -7.2555248130e7;
        assertEquals(optimum, problem.fileObjective(s.objective()), 1e-7 * Math.abs(optimum));
        double dualScale = 1 + Kkt.maxAbs(p.c());
        assertTrue(Kkt.dualResidual(p, s.x(), s.y()) <= 1e-6 * dualScale, "dual residual "
                + Kkt.dualResidual(p, s.x(), s.y()));
    }

    /**
     * NETLIB D6CUBE at eps 1e-8: its 17th Newton system broke down at δ = 10⁻⁸ and at every lowered δ
     * (relative residual 10¹⁰), the step was undone as lost and the method stopped SOLVED_INACCURATE
     * with a dual residual of 2.7e-7; a δ raised to 10⁻⁵ solves it, refinement removing the difference.
     */
    @Test
    void d6cubeReachesItsPublishedOptimumAt1e8() throws Exception {
        FileProblem problem = ProblemReader.read(Paths.get(getClass().getResource("/problems/netlib/d6cube.mps.gz")
                .toURI()));
        Solution s = solveWith(problem.program(), NewtonSystemChoice.SPARSE);
        assertEquals(SolverStatus.SOLVED, s.status());
        assertTrue(s.iterations() <= 30, s.iterations() + " iterations");
        double optimum = 3.1549166667e2;
        assertEquals(optimum, problem.fileObjective(s.objective()), 1e-9 * optimum);
    }

    @Test
    void sparseFactorizationMeetsTheKktConditionsOfPlantedPrograms() {
        ConeDims[] cones = {ConeDims.builder().zero(10).nonneg(150).build(), ConeDims.builder().zero(5).nonneg(90).build()};
        boolean[] quadratic = {false, true};
        for (int f = 0; f < cones.length; f++) {
            for (long seed = 1; seed <= 3; seed++) {
                PlantedPrograms.Planted planted = PlantedPrograms.generate(cones[f], 80, 0.06, quadratic[f], seed);
                ConeProgram p = planted.program();
                Solution s = solveWith(p, NewtonSystemChoice.SPARSE);
                String name = cones[f] + (quadratic[f] ? " QP" : " LP") + " seed " + seed;
                assertEquals(SolverStatus.SOLVED, s.status(), name);
                double scale = 1 + Kkt.maxAbs(p.b()) + Kkt.maxAbs(p.c());
                assertTrue(Kkt.primalResidual(p, s.x(), s.s()) <= 1e-7 * scale, name + " primal residual");
                assertTrue(Kkt.dualResidual(p, s.x(), s.y()) <= 1e-7 * scale, name + " dual residual");
                assertTrue(Kkt.complementarity(s.s(), s.y()) <= 1e-7 * scale, name + " complementarity");
                double expected = p.objective(planted.x());
                assertEquals(expected, s.objective(), 1e-7 * Math.max(1, Math.abs(expected)), name + " objective");
            }
        }
    }

    /**
     * One Newton solve at an iterate whose scaling spans 1e-8 … 1e8 (the end of a solve), with a
     * right-hand side made from a known (x, z): the sparse system's refined solution recovers it and
     * agrees with the dense reduction's (a planted program: A_E has full rank, K is nonsingular);
     * on CVXQP1_S (rank-deficient equality rows) the residual against the exact K is still small.
     */
    @Test
    void aNewtonSolveAtAnIllScaledIterateRecoversAKnownSolution() throws Exception {
        ConeProgram planted = PlantedPrograms.generate(ConeDims.builder().zero(10).nonneg(150).build(), 80, 0.06, true, 4)
                .program();
        double[] error = newtonSolveErrors(planted, 5);
        assertTrue(error[0] <= 1e-12, "sparse refined residual " + error[0]);
        // K's condition number is about 1e16 here (H spans 1e-8 … 1e8): x is determined to ~1e-7 by
        // a residual of 1e-12, whichever factorization produced it.
        assertTrue(error[1] <= 1e-5, "sparse x vs the known x: " + error[1]);
        assertTrue(error[2] <= 1e-5, "sparse x vs the dense reduction's: " + error[2]);
        // A fully dense A: the dense reduction's four-row assembly and the contiguous products.
        ConeProgram dense = PlantedPrograms.generate(ConeDims.builder().zero(3).nonneg(47).build(), 20, 1.0, true, 2)
                .program();
        double[] denseError = newtonSolveErrors(dense, 7);
        assertTrue(denseError[0] <= 1e-12, "dense A: sparse refined residual " + denseError[0]);
        assertTrue(denseError[2] <= 1e-5, "dense A: sparse x vs the dense reduction's: " + denseError[2]);
        FileProblem cvxqp = ProblemReader.read(Paths.get(getClass().getResource("/problems/maros_meszaros/CVXQP1_S.qps")
                .toURI()));
        double[] rankDeficient = newtonSolveErrors(cvxqp.program(), 6);
        assertTrue(rankDeficient[0] <= 1e-12, "sparse refined residual on CVXQP1_S " + rankDeficient[0]);
    }

    /** {relative refined residual, max |x − x_known|, max |x − x_dense|} of one sparse Newton solve. */
    private static double[] newtonSolveErrors(ConeProgram program, long seed) {
        BatchConeProgram batch = BatchConeProgram.of(program);
        IpmLayout layout = new IpmLayout(batch);
        ScaledInstance data = new ScaledInstance(layout);
        data.load(batch, 0, true);
        NtScaling scaling = new NtScaling(layout);
        Random rnd = new Random(seed);
        double[] s = new double[layout.m];
        double[] z = new double[layout.m];
        for (int i = layout.zero; i < layout.m; i++) {
            boolean active = rnd.nextBoolean();
            double small = Math.pow(10, -4 - 4 * rnd.nextDouble());
            s[i] = active ? small : 1 + rnd.nextDouble();
            z[i] = active ? 1 + rnd.nextDouble() : small;
        }
        assertTrue(scaling.update(s, z));
        double[] x0 = new double[layout.n];
        double[] z0 = new double[layout.m];
        for (int j = 0; j < layout.n; j++) {
            x0[j] = rnd.nextGaussian();
        }
        for (int i = 0; i < layout.m; i++) {
            z0[i] = rnd.nextGaussian();
        }
        // r = K·(x0, z0) with K = [[P, Aᵀ], [A, −H]] (H = 0 on the zero rows), computed independently.
        double[] r1 = new double[layout.n];
        double[] atz = new double[layout.n];
        double[] r2 = new double[layout.m];
        double[] hz = new double[layout.m];
        data.multiplyP(x0, r1);
        data.multiplyAt(z0, atz);
        data.multiplyA(x0, r2);
        scaling.applyH(z0, hz, false);
        for (int j = 0; j < layout.n; j++) {
            r1[j] += atz[j];
        }
        for (int i = layout.zero; i < layout.m; i++) {
            r2[i] -= hz[i];
        }
        double[] xs = new double[layout.n];
        double[] zs = new double[layout.m];
        double[] xd = new double[layout.n];
        double[] zd = new double[layout.m];
        SparseKkt sparse = new SparseKkt(layout, data);
        sparse.factor(data, scaling);
        double rel = sparse.solve(r1, r2, xs, zs);
        ReducedKkt dense = new ReducedKkt(layout);
        dense.factor(data, scaling);
        dense.solve(r1, r2, xd, zd);
        return new double[] {rel, Kkt.maxDiff(xs, x0), Kkt.maxDiff(xs, xd)};
    }

    @Test
    void certifiesInfeasibilityThroughTheSparseFactorization() {
        // x ≥ 0 (n of them), Σx = −1: infeasible, certificate y with bᵀy < 0, Aᵀy = 0, y ∈ K*.
        int n = 70;
        double[][] a = new double[1 + n][n];
        double[] b = new double[1 + n];
        b[0] = -1;
        for (int j = 0; j < n; j++) {
            a[0][j] = 1;
            a[1 + j][j] = -1;
        }
        ConeProgram p = new ConeProgram(null, io.convexlayers.data.CscMatrix.fromDense("A", a), b, new double[n],
                ConeDims.builder().zero(1).nonneg(n).build());
        Solution s = solveWith(p, NewtonSystemChoice.SPARSE);
        assertEquals(SolverStatus.INFEASIBLE, s.status());
        double[] y = s.certificate();
        assertEquals(-1, Kkt.bTy(p, y), 1e-9);
        assertTrue(Kkt.normATy(p, y) <= 1e-7, "Aᵀy ≈ 0: " + Kkt.normATy(p, y));
        assertTrue(Kkt.distanceToDualCone(p.cones(), y) <= 1e-9, "y ∈ K*");
    }

    /**
     * Convexity of a large P is decided by the sparse factorization (a dense n × n check would need
     * n² memory): a tridiagonal P that is positive semidefinite but singular is accepted and solved,
     * the same P with one diagonal entry lowered so that it has a negative eigenvalue is refused.
     */
    @Test
    void convexityOfALargeObjectiveIsCheckedSparsely() {
        int n = ScaledInstance.DENSE_CONVEXITY_CHECK + 200;
        // P = tridiag(−1, 2, −1) with corner entries 1: the path graph's Laplacian, PSD with null
        // vector 1; minimize ½xᵀPx + cᵀx subject to −1 ≤ x ≤ 1, c alternating, has a unique optimum.
        java.util.List<int[]> at = new java.util.ArrayList<>();
        java.util.List<Double> values = new java.util.ArrayList<>();
        for (int j = 0; j < n; j++) {
            if (j > 0) {
                at.add(new int[] {j - 1, j});
                values.add(-1.0);
            }
            at.add(new int[] {j, j});
            values.add(j == 0 || j == n - 1 ? 1.0 : 2.0);
        }
        double[] c = new double[n];
        for (int j = 0; j < n; j++) {
            c[j] = (j % 2 == 0 ? 1 : -1) * 0.01;
        }
        ConeProgram convex = boxQp(n, at, values, c);
        Solution s = solveWith(convex, NewtonSystemChoice.SPARSE);
        assertEquals(SolverStatus.SOLVED, s.status(), "a singular PSD objective is convex");
        double scale = 1 + Kkt.maxAbs(convex.b()) + Kkt.maxAbs(convex.c());
        assertTrue(Kkt.dualResidual(convex, s.x(), s.y()) <= 1e-7 * scale, "dual residual");
        values.set(0, 0.9); // P(0,0) = 0.9: xᵀPx at x = (1, …, 1) becomes −0.1, so P is indefinite
        Solution refused = solveWith(boxQp(n, at, values, c), NewtonSystemChoice.SPARSE);
        assertEquals(SolverStatus.FAILED, refused.status(), "an indefinite objective is refused");
    }

    private static ConeProgram boxQp(int n, java.util.List<int[]> at, java.util.List<Double> values, double[] c) {
        int[] rows = new int[at.size()];
        int[] cols = new int[at.size()];
        double[] v = new double[at.size()];
        for (int k = 0; k < at.size(); k++) {
            rows[k] = at.get(k)[0];
            cols[k] = at.get(k)[1];
            v[k] = values.get(k);
        }
        io.convexlayers.data.CscMatrix p = io.convexlayers.data.CscMatrix.fromTriplets("P", n, n, rows, cols, v);
        // x ≤ 1 and −x ≤ 1.
        int[] ar = new int[2 * n];
        int[] ac = new int[2 * n];
        double[] av = new double[2 * n];
        for (int j = 0; j < n; j++) {
            ar[2 * j] = j;
            ac[2 * j] = j;
            av[2 * j] = 1;
            ar[2 * j + 1] = n + j;
            ac[2 * j + 1] = j;
            av[2 * j + 1] = -1;
        }
        double[] b = new double[2 * n];
        java.util.Arrays.fill(b, 1);
        return new ConeProgram(p, io.convexlayers.data.CscMatrix.fromTriplets("A", 2 * n, n, ar, ac, av), b, c,
                ConeDims.builder().nonneg(2 * n).build());
    }

    /**
     * HUES-MOD (Maros–Meszaros; 10 000 variables, objective 3.5·10⁷ from data of order 10³): the
     * certificates' ratio tests alone pass after one iteration on such data (bᵀy is huge while
     * Aᵀy = −(Px + c) is not, and the huge initial gap lifts κ above τ in the first step), and the
     * method used to return INFEASIBLE there. A certificate now needs the complementarity far below
     * its start and an iterate that does not contradict it; the method goes on to the optimum.
     */
    @Test
    void aFeasibleProgramWithHugeDataIsNotCertifiedInfeasible() throws Exception {
        FileProblem problem = ProblemReader.read(Paths.get(getClass()
                .getResource("/problems/maros_meszaros/HUES-MOD.qps.gz").toURI()));
        Solution s = io.convexlayers.backend.ConeSolver.solve(problem.program(), IPM);
        assertEquals(NewtonSystemChoice.SPARSE, new IpmLayout(BatchConeProgram.of(problem.program())).newton);
        assertEquals(SolverStatus.SOLVED, s.status());
        double objective = problem.fileObjective(s.objective());
        // The published optimum has 7 significant digits and the QPS conversion rounded some data.
        assertEquals(34824690.0, objective, 1e-5 * 34824690.0, "published optimum");
    }

    @Test
    void theChoiceFollowsConesSizeAndSparsity() throws Exception {
        ConeProgram tiny = PlantedPrograms.generate(ConeDims.builder().zero(2).nonneg(30).build(), 10, 0.5, false, 1)
                .program();
        assertEquals(NewtonSystemChoice.DENSE, new IpmLayout(BatchConeProgram.of(tiny)).newton, "tiny: dense");
        ConeProgram socp = PlantedPrograms.generate(ConeDims.builder().nonneg(10).soc(8, 8, 8).build(), 15, 0.2, true, 1)
                .program();
        assertEquals(NewtonSystemChoice.DENSE, new IpmLayout(BatchConeProgram.of(socp)).newton, "SOC: dense only");
        ConeProgram sparseLp = PlantedPrograms.generate(ConeDims.builder().zero(100).nonneg(1500).build(), 900, 0.004,
                false, 1).program();
        assertEquals(NewtonSystemChoice.SPARSE, new IpmLayout(BatchConeProgram.of(sparseLp)).newton, "large sparse LP");
        assertEquals(NewtonSystemChoice.SPARSE, InteriorPointSolver.newtonSystem(BatchConeProgram.of(sparseLp)));
    }

    /**
     * AUTO: one program of any supported size goes to the interior-point method, and so does a batch
     * of sparsely factored LPs; a batch of medium QPs stays first-order, as does anything warm-started
     * or with second-order cones.
     */
    @Test
    void autoTakesSingleProgramsAndSparseLpBatchesToTheInteriorPoint() {
        SolverSettings auto = SolverSettings.defaults();
        int many = AlgorithmChoice.AUTO_MAX_BATCH_ANY_SIZE + 4;
        ConeProgram sparseLp = PlantedPrograms.generate(ConeDims.builder().zero(100).nonneg(1500).build(), 900, 0.004,
                false, 1).program();
        BatchConeProgram lps = new BatchConeProgram(null, null, sparseLp.a().pattern(),
                io.convexlayers.data.BatchArray.shared(sparseLp.a().values(), many),
                io.convexlayers.data.BatchArray.shared(sparseLp.b(), many),
                io.convexlayers.data.BatchArray.shared(sparseLp.c(), many), sparseLp.cones());
        assertEquals(Algorithm.INTERIOR_POINT, AlgorithmChoice.resolve(lps, auto), "a batch of sparse LPs");
        assertEquals(Algorithm.FIRST_ORDER, AlgorithmChoice.resolve(lps, auto, true), "warm-started");
        // n + (zero rows) = 130, above AUTO's limit for QP batches
        ConeProgram qp = PlantedPrograms.generate(ConeDims.builder().zero(10).nonneg(200).build(), 120, 0.06, true, 1)
                .program();
        assertTrue(qp.n() + qp.cones().zero() > AlgorithmChoice.AUTO_MAX_ORDER_QP);
        assertEquals(Algorithm.INTERIOR_POINT, AlgorithmChoice.resolve(BatchConeProgram.of(qp), auto), "one QP");
        BatchConeProgram qps = new BatchConeProgram(qp.p().pattern(),
                io.convexlayers.data.BatchArray.shared(qp.p().values(), many), qp.a().pattern(),
                io.convexlayers.data.BatchArray.shared(qp.a().values(), many),
                io.convexlayers.data.BatchArray.shared(qp.b(), many),
                io.convexlayers.data.BatchArray.shared(qp.c(), many), qp.cones());
        assertEquals(Algorithm.FIRST_ORDER, AlgorithmChoice.resolve(qps, auto), "a batch of medium QPs");
        ConeProgram socp = PlantedPrograms.generate(ConeDims.builder().nonneg(10).soc(8, 8, 8).build(), 15, 0.2, true, 1)
                .program();
        // An SOCP follows the same rules at tolerances the interior-point method reaches; tighter ones go
        // first-order.
        assertEquals(Algorithm.INTERIOR_POINT, AlgorithmChoice.resolve(BatchConeProgram.of(socp), auto), "an SOCP");
        assertEquals(Algorithm.FIRST_ORDER, AlgorithmChoice.resolve(BatchConeProgram.of(socp), auto.withEps(1e-9)),
                "an SOCP at eps 1e-9");
        // A large single SOCP stays first-order: second-order cones keep the Newton system dense (found by
        // the layer fuzzer: n = 3000 with one cone factored densely ran past its 2 s limit).
        ConeProgram bigSocp = PlantedPrograms.generate(ConeDims.builder().zero(3).soc(500).build(), 500, 0.02, false, 2)
                .program();
        assertEquals(Algorithm.FIRST_ORDER, AlgorithmChoice.resolve(BatchConeProgram.of(bigSocp), auto),
                "a large SOCP");
    }
}
