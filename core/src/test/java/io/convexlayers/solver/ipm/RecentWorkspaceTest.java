// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.solver.ipm;

import io.convexlayers.data.BatchArray;
import io.convexlayers.data.BatchConeProgram;
import io.convexlayers.data.ConeDims;
import io.convexlayers.solver.Algorithm;
import io.convexlayers.solver.BatchSolution;
import io.convexlayers.solver.ExecutionSettings;
import io.convexlayers.solver.SolverSettings;
import io.convexlayers.solver.SolverStatus;
import io.convexlayers.testing.PlantedPrograms;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * The single-instance workspace kept between solves of one structure ({@link RecentWorkspace}):
 * reused for the same patterns, never for others, and without effect on any result — a solve after
 * another instance's, and a solve started from inside another, give the bits of a fresh workspace.
 */
class RecentWorkspaceTest {
    private static final SolverSettings IPM = SolverSettings.defaults().withEps(1e-8)
            .withAlgorithm(Algorithm.INTERIOR_POINT);
    private static final ConeDims CONES = ConeDims.builder().zero(2).nonneg(20).soc(4).build();

    @Test
    void theSameStructureReusesTheWorkspaceWithUnchangedResults() {
        BatchConeProgram first = program(1);
        BatchConeProgram second = withOtherCost(first);
        NewtonSystemChoice newton = InteriorPointSolver.newtonSystem(first);
        BatchSolution fresh1 = freshSolve(first);
        BatchSolution fresh2 = freshSolve(second);

        BatchSolution a = InteriorPointSolver.solve(first, IPM, ExecutionSettings.defaults(), null);
        InteriorPointMethod kept = RecentWorkspace.take(second, newton);
        assertNotNull(kept, "the workspace is kept for the same patterns");
        RecentWorkspace.keep(kept);
        BatchSolution b = InteriorPointSolver.solve(second, IPM, ExecutionSettings.defaults(), null);
        BatchSolution c = InteriorPointSolver.solve(first, IPM, ExecutionSettings.defaults(), null);
        assertSame(fresh1, a);
        assertSame(fresh2, b);
        assertSame(fresh1, c);
        // Another structure never takes it (and leaves it in place).
        assertNull(RecentWorkspace.take(program(2), InteriorPointSolver.newtonSystem(program(2))));
        assertNotNull(RecentWorkspace.take(first, newton));
    }

    @Test
    void aSolveStartedInsideAnotherBuildsItsOwnWorkspace() {
        BatchConeProgram outer = program(3);
        BatchConeProgram inner = withOtherCost(outer);
        BatchSolution[] nested = new BatchSolution[1];
        BatchSolution result = InteriorPointSolver.solve(outer, IPM, ExecutionSettings.defaults(),
                (iteration, primal, dual, gap, objective, scale, seconds) -> {
                    if (nested[0] == null) {
                        nested[0] = InteriorPointSolver.solve(inner, IPM, ExecutionSettings.defaults(), null);
                    }
                });
        assertSame(freshSolve(outer), result);
        assertSame(freshSolve(inner), nested[0]);
    }

    private static BatchConeProgram program(long seed) {
        return BatchConeProgram.of(PlantedPrograms.generate(CONES, 12, 0.6, true, seed).program());
    }

    /** The same pattern objects with another c. */
    private static BatchConeProgram withOtherCost(BatchConeProgram p) {
        double[] c = new double[p.n()];
        for (int j = 0; j < c.length; j++) {
            c[j] = p.c().get(j, 0) + 0.1 * Math.sin(j);
        }
        return new BatchConeProgram(p.pPattern(), p.pValues(), p.aPattern(), p.aValues(), p.b(),
                BatchArray.shared(c, 1), p.cones());
    }

    private static BatchSolution freshSolve(BatchConeProgram p) {
        BatchSolution.Builder out = BatchSolution.builder(1, p.n(), p.m());
        new InteriorPointMethod(new IpmLayout(p)).solve(p, 0, IPM, Long.MAX_VALUE, null, out);
        return out.build();
    }

    private static void assertSame(BatchSolution expected, BatchSolution actual) {
        assertEquals(SolverStatus.SOLVED, expected.status(0));
        assertEquals(expected.status(0), actual.status(0));
        assertEquals(expected.iterations(0), actual.iterations(0));
        assertArrayEquals(expected.x().instance(0), actual.x().instance(0), 0.0);
        assertArrayEquals(expected.y().instance(0), actual.y().instance(0), 0.0);
        assertArrayEquals(expected.s().instance(0), actual.s().instance(0), 0.0);
    }
}
