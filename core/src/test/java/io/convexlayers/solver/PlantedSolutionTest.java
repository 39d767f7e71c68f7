// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.solver;

import io.convexlayers.backend.ConeSolver;
import io.convexlayers.data.ConeProgram;
import io.convexlayers.data.ConeDims;
import io.convexlayers.testing.Kkt;
import io.convexlayers.testing.PlantedPrograms;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Random cone programs with a planted optimal solution (s* = Π_K(z), y* = s* − z, b = Ax* + s*,
 * c = −Aᵀy* − Px*) for every cone family alone and mixed, sparse and dense, with and without P:
 * the solver returns the planted objective, independently recomputed KKT residuals are small, and
 * where x* is unique (P positive definite) it returns x* itself.
 */
class PlantedSolutionTest {
    private static final SolverSettings TIGHT = SolverSettings.defaults().withEps(1e-9).withAlgorithm(io.convexlayers.solver.Algorithm.FIRST_ORDER);

    static Stream<Arguments> programs() {
        return Stream.of(
                Arguments.of("zero+nonneg dense", ConeDims.builder().zero(4).nonneg(30).build(), 12, 1.0, false, false),
                Arguments.of("nonneg sparse", ConeDims.builder().nonneg(60).build(), 25, 0.15, false, false),
                Arguments.of("nonneg QP", ConeDims.builder().zero(3).nonneg(40).build(), 20, 0.3, true, true),
                Arguments.of("soc", ConeDims.builder().soc(6, 4, 5, 3).build(), 8, 0.8, false, false),
                Arguments.of("soc QP sparse", ConeDims.builder().nonneg(10).soc(8, 8, 8).build(), 15, 0.2, true, true),
                Arguments.of("psd", ConeDims.builder().psd(4, 3).build(), 6, 0.9, false, false),
                Arguments.of("psd order 6", ConeDims.builder().nonneg(5).psd(6).build(), 10, 0.6, false, false),
                Arguments.of("exp", ConeDims.builder().exp(6).build(), 8, 0.8, false, false),
                Arguments.of("dual exp", ConeDims.builder().nonneg(2).dualExp(5).build(), 7, 0.8, false, false),
                Arguments.of("power", ConeDims.builder().power(0.3, 0.5, 0.8, -0.4).build(), 6, 0.8, false, false),
                Arguments.of("mixed", ConeDims.builder().zero(3).nonneg(8).soc(4, 3).psd(3).exp(2).dualExp(1)
                        .power(0.6, -0.25).build(), 14, 0.5, false, false),
                Arguments.of("mixed QP", ConeDims.builder().zero(2).nonneg(6).soc(5).psd(2).exp(2).power(0.5)
                        .build(), 12, 0.5, true, true),
                Arguments.of("larger sparse LP", ConeDims.builder().zero(20).nonneg(200).build(), 120, 0.05, false, false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("programs")
    void solverRecoversThePlantedSolution(String name, ConeDims cones, int n, double density, boolean withP,
                                          boolean uniqueX) {
        for (long seed = 1; seed <= 2; seed++) {
            PlantedPrograms.Planted planted = PlantedPrograms.generate(cones, n, density, withP, seed);
            ConeProgram p = planted.program();
            Solution s = ConeSolver.solve(p, TIGHT);
            assertEquals(SolverStatus.SOLVED, s.status(), name);
            double scale = 1 + Kkt.maxAbs(p.b()) + Kkt.maxAbs(p.c());
            assertTrue(Kkt.primalResidual(p, s.x(), s.s()) <= 1e-7 * scale, name + " primal residual");
            assertTrue(Kkt.dualResidual(p, s.x(), s.y()) <= 1e-7 * scale, name + " dual residual");
            assertTrue(Kkt.complementarity(s.s(), s.y()) <= 1e-7 * scale, name + " complementarity");
            assertTrue(Kkt.distanceToCone(cones, s.s()) <= 1e-9 * scale, name + " s in K");
            assertTrue(Kkt.distanceToDualCone(cones, s.y()) <= 1e-9 * scale, name + " y in K*");
            double expected = p.objective(planted.x());
            assertEquals(expected, s.objective(), 1e-6 * Math.max(1, Math.abs(expected)), name + " objective");
            if (!uniqueX) {
                continue; // an LP's x need not be unique: the objective and KKT checks above decide
            }
            double xScale = Math.max(1, Kkt.maxAbs(planted.x()));
            assertTrue(Kkt.maxDiff(s.x(), planted.x()) <= 1e-6 * xScale,
                    name + " x error " + Kkt.maxDiff(s.x(), planted.x()));
        }
    }
}
