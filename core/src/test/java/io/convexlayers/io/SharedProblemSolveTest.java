// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.io;

import io.convexlayers.backend.ConeSolver;
import io.convexlayers.solver.Solution;
import io.convexlayers.solver.SolverSettings;
import io.convexlayers.solver.SolverStatus;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;
import java.nio.file.Paths;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every bundled public test problem (NETLIB, Maros–Meszaros, SDPLIB, CBLIB; sources in
 * src/test/resources/problems/SOURCES.md) read from its file and solved at tight tolerance: the
 * objective in the file's own sense matches the published optimum to 1e-6 relative.
 */
class SharedProblemSolveTest {
    static final SolverSettings TIGHT = SolverSettings.defaults().withEps(1e-9);

    static Path resource(String name) {
        try {
            return Paths.get(SharedProblemSolveTest.class.getResource("/problems/" + name).toURI());
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "netlib/afiro.mps, -4.6475314286E+02",
            "netlib/sc50a.mps, -6.4575077059E+01",
            "netlib/adlittle.mps, 2.2549496316E+05",
            "netlib/blend.mps, -3.0812149846E+01",
            "netlib/kb2.mps, -1.7499001299E+03",
            "netlib/recipe.mps, -2.6661600000E+02",
            "maros_meszaros/HS21.qps, 0.04",
            "maros_meszaros/HS35.qps, -8.8888888889",
            "maros_meszaros/HS118.qps, 664.82045",
            "maros_meszaros/QAFIRO.qps, -1.5907817939",
            "maros_meszaros/DUALC1.qps, 6155.2508295",
            "maros_meszaros/CVXQP1_S.qps, 11590.718119",
            "sdplib/truss1.dat-s, -8.999996",
            "sdplib/theta1.dat-s, 23.0",
            "cblib/sambal.cbf, 3.9682203619",
            "cblib/demb782.cbf, 0.69314718015",
            "cblib/bss1.cbf, 1.7112389609",
            "cblib/gptest.cbf, -4.4142865377"})
    void solvesToTheKnownOptimum(String file, double optimum) throws Exception {
        FileProblem problem = ProblemReader.read(resource(file));
        Solution s = ConeSolver.solve(problem.program(), TIGHT);
        assertEquals(SolverStatus.SOLVED, s.status(), file);
        double objective = problem.fileObjective(s.objective());
        double rel = Math.abs(objective - optimum) / Math.max(1, Math.abs(optimum));
        assertTrue(rel <= 1e-6, file + ": objective " + objective + " vs " + optimum + " (relative error " + rel + ")");
    }
}
