// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.solver.ipm;

import io.convexlayers.data.BatchConeProgram;
import io.convexlayers.io.FileProblem;
import io.convexlayers.io.ProblemReader;
import io.convexlayers.solver.Algorithm;
import io.convexlayers.solver.BatchSolution;
import io.convexlayers.solver.SolverSettings;
import io.convexlayers.solver.SolverStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Paths;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Gondzio's centrality corrector in {@link InteriorPointMethod} (and the cap on Mehrotra's second-order
 * term): the band rule for one product, on
 * bundled NETLIB LPs (published optima) the same optimum in fewer iterations than without it, and
 * where it runs by default.
 */
class CentralityCorrectorTest {
    private static final SolverSettings IPM = SolverSettings.defaults().withEps(1e-8)
            .withAlgorithm(Algorithm.INTERIOR_POINT);

    /**
     * Mehrotra's second-order term is capped at {@link InteriorPointMethod#SECOND_ORDER_CAP} times λ∘λ's
     * largest entry over the inequality rows (the zero-cone rows ignored): within it untouched, beyond it
     * scaled as a whole so that its largest entry is exactly the cap. (End to end, BOYD2 — 93 263
     * variables, 16 s — is solved with the cap and not without: benchmarks/RESULTS.md.)
     */
    @Test
    void theSecondOrderTermIsCappedAgainstLambdaSquared() {
        double[] lambdaSquared = {1e9, 0.5, 2, 1};
        assertEquals(1, InteriorPointMethod.secondOrderShrink(lambdaSquared, new double[] {1e12, 3, -19, 7}, 1, 4));
        double[] huge = {0, 1e3, -4e4, 10};
        double shrink = InteriorPointMethod.secondOrderShrink(lambdaSquared, huge, 1, 4);
        assertEquals(InteriorPointMethod.SECOND_ORDER_CAP * 2, shrink * 4e4, 1e-9, "largest entry at the cap");
        assertEquals(1, InteriorPointMethod.secondOrderShrink(new double[] {0, 0}, new double[] {0, 0}, 0, 2),
                "nothing to cap");
    }

    @Test
    void aProductOutsideTheBandMovesToItsNearerEdge() {
        double target = 2;
        // Band [0.2, 20].
        assertEquals(0.2 - 0.05, InteriorPointMethod.productCorrection(0.05, target), 1e-15);
        assertEquals(0.2 + 3, InteriorPointMethod.productCorrection(-3, target), 1e-15);
        assertEquals(0, InteriorPointMethod.productCorrection(0.2, target));
        assertEquals(0, InteriorPointMethod.productCorrection(7, target));
        assertEquals(0, InteriorPointMethod.productCorrection(20, target));
        assertEquals(20 - 25, InteriorPointMethod.productCorrection(25, target), 1e-15);
        // A product far above the band is lowered by at most β_max·target.
        assertEquals(-20, InteriorPointMethod.productCorrection(1e6, target));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "netlib/share1b.mps.gz, -7.6589318579E+04",
            "netlib/modszk1.mps.gz, 3.2061972906E+02",
            "netlib/kb2.mps, -1.7499001299E+03"})
    void theCorrectorReachesThePublishedOptimumInFewerIterations(String file, double optimum) throws Exception {
        FileProblem problem = ProblemReader.read(Paths.get(getClass().getResource("/problems/" + file).toURI()));
        BatchConeProgram batch = BatchConeProgram.of(problem.program());
        BatchSolution without = solve(batch, 0);
        BatchSolution with = solve(batch, InteriorPointMethod.MAX_CORRECTORS);
        for (BatchSolution s : new BatchSolution[] {without, with}) {
            assertEquals(SolverStatus.SOLVED, s.status(0), file);
            double objective = problem.fileObjective(s.objective(0));
            assertEquals(optimum, objective, 1e-7 * Math.abs(optimum), file);
        }
        assertTrue(with.iterations(0) < without.iterations(0),
                file + ": " + with.iterations(0) + " iterations with the corrector, " + without.iterations(0) + " without");
    }

    /**
     * By default the corrector runs on the sparse Newton system (share1b) and not on the dense one
     * (kb2), whose algorithm the lock-step tiles and the device kernel share.
     */
    @Test
    void theDefaultRunsTheCorrectorOnTheSparseNewtonSystemOnly() throws Exception {
        BatchConeProgram sparse = read("netlib/share1b.mps.gz");
        BatchConeProgram dense = read("netlib/kb2.mps");
        assertEquals(NewtonSystemChoice.SPARSE, new IpmLayout(sparse).newton);
        assertEquals(NewtonSystemChoice.DENSE, new IpmLayout(dense).newton);
        assertEquals(solve(sparse, InteriorPointMethod.MAX_CORRECTORS).iterations(0), solveByDefault(sparse).iterations(0));
        assertEquals(solve(dense, 0).iterations(0), solveByDefault(dense).iterations(0));
    }

    private static BatchConeProgram read(String file) throws Exception {
        return BatchConeProgram.of(ProblemReader.read(
                Paths.get(CentralityCorrectorTest.class.getResource("/problems/" + file).toURI())).program());
    }

    private static BatchSolution solveByDefault(BatchConeProgram batch) {
        BatchSolution.Builder out = BatchSolution.builder(1, batch.n(), batch.m());
        new InteriorPointMethod(new IpmLayout(batch)).solve(batch, 0, IPM, Long.MAX_VALUE, null, out);
        return out.build();
    }

    private static BatchSolution solve(BatchConeProgram batch, int correctors) {
        BatchSolution.Builder out = BatchSolution.builder(1, batch.n(), batch.m());
        new InteriorPointMethod(new IpmLayout(batch), correctors).solve(batch, 0, IPM, Long.MAX_VALUE, null, out);
        return out.build();
    }
}
