// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.diff;

import io.convexlayers.diff.residual.ResidualMapOperator;
import io.convexlayers.data.ConeDims;
import io.convexlayers.data.ConeProgram;
import io.convexlayers.backend.ConeSolver;
import io.convexlayers.solver.Solution;
import io.convexlayers.solver.SolverSettings;
import io.convexlayers.solver.SolverStatus;
import io.convexlayers.testing.PlantedPrograms;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Random;
import java.util.stream.Stream;

import static io.convexlayers.diff.DenseFixtures.fullMatrix;
import static io.convexlayers.diff.DenseFixtures.lane;
import static io.convexlayers.diff.DenseFixtures.pinvSolve;
import static io.convexlayers.diff.DerivativeFixtures.gaussian;
import static io.convexlayers.diff.DerivativeFixtures.relativeError;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link DenseSolve} against an SVD of the full M (formed from unit applications) at roughly solved
 * planted programs of several cone families, with random (inconsistent) right-hand sides. At a
 * finite-accuracy solution M is only nearly singular: its smallest singular value σ_min is of the
 * order of the solution's residuals (M·z is the residual vector), far below the next one. The plain
 * SVD pseudo-inverse would invert σ_min and add a component of size ‖rhs‖/σ_min along z that is
 * noise in the derivative; the dense solve treats z's direction as the null vector instead, so the
 * reference is the SVD pseudo-inverse with σ_min taken as zero, which the solve must match to within
 * the perturbation O(σ_min/σ_next) of that choice, on the exact active-block path. The same
 * reference holds where that path is rejected (the SVD fallback), and at a non-differentiable point
 * the result is the plain pseudo-inverse. In a tile, an invalid lane is left at zero and the other
 * lanes equal their one-lane results.
 */
class DenseSolveTest {
    /**
     * Families and solver accuracies. At eps = 1e-4 the nonneg+P QP stops about 0.5 away from its
     * solution, where M has no near-null direction at all (σ_min/σ_next ≈ 0.01), so it is solved to
     * 3e-5 (σ_min/σ_next ≈ 2e-5).
     */
    static Stream<Arguments> families() {
        return Stream.of(
                Arguments.of("nonneg", ConeDims.builder().zero(3).nonneg(14).build(), false, 1e-4),
                Arguments.of("nonneg+P", ConeDims.builder().zero(3).nonneg(14).build(), true, 3e-5),
                Arguments.of("soc", ConeDims.builder().nonneg(4).soc(5, 4, 3).build(), false, 1e-4),
                Arguments.of("psd", ConeDims.builder().nonneg(3).psd(3, 2).build(), false, 1e-4),
                Arguments.of("exp", ConeDims.builder().nonneg(3).exp(3).build(), false, 1e-4),
                Arguments.of("mixed+P", ConeDims.builder().zero(2).nonneg(4).soc(4).psd(2).exp(1).power(0.4)
                        .build(), true, 1e-4));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("families")
    void matchesTheSvdPseudoInverseOfTheFullJacobian(String name, ConeDims cones, boolean withP, double eps) {
        ConeProgram p = DerivativeFixtures.wellPosed(cones, withP, 11).program();
        Solution sol = ConeSolver.solve(p, SolverSettings.defaults().withEps(eps));
        assertEquals(SolverStatus.SOLVED, sol.status());
        ResidualMapOperator op = operator(p, sol.x(), sol.y(), sol.s());
        double[][] full = fullMatrix(op, 0);
        DenseSolve dense = new DenseSolve(op, new boolean[] {true}, sol.y(), sol.s());
        Random rnd = new Random(5);
        for (boolean transposed : new boolean[] {false, true}) {
            double[] rhs = gaussian(op.rows(), rnd);
            double[] out = new double[op.rows()];
            boolean[] exact = dense.solve(rhs, out, transposed);
            assertMatchesNearlySingularPinv(full, rhs, out, transposed, name + ", exact=" + exact[0]);
            assertTrue(exact[0], name + ": the active-block path must apply, transposed=" + transposed);
        }
    }

    /**
     * Where the active-block path is rejected at a nearly singular M (a rough solution, not a
     * larger null space) the SVD fallback must still leave out the near-null direction: inverting
     * σ_min adds ≈ (u_minᵀ·rhs/σ_min)·v_min, 10⁴× the rest, and the JVP built on it is off by
     * O(1). Cases: soc solved to 1e-3 (both orientations fall back) and psd solved to 3e-4 (only
     * the transposed solve falls back, so JVP and VJP would use different operators).
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("roughFallbacks")
    void theFallbackAlsoLeavesOutTheNearNullDirection(String name, ConeDims cones, boolean withP, double eps) {
        ConeProgram p = DerivativeFixtures.wellPosed(cones, withP, 11).program();
        Solution sol = ConeSolver.solve(p, SolverSettings.defaults().withEps(eps));
        ResidualMapOperator op = operator(p, sol.x(), sol.y(), sol.s());
        double[][] full = fullMatrix(op, 0);
        DenseSolve dense = new DenseSolve(op, new boolean[] {true}, sol.y(), sol.s());
        Random rnd = new Random(5);
        double[] r = gaussian(op.rows(), rnd);
        double[] g = gaussian(op.rows(), rnd);
        double[] u = new double[op.rows()];
        double[] h = new double[op.rows()];
        boolean forwardExact = dense.solve(r, u, false)[0];
        boolean transposedExact = dense.solve(g, h, true)[0];
        String what = name + " (exact: forward " + forwardExact + ", transposed " + transposedExact + ")";
        assertMatchesNearlySingularPinv(full, r, u, false, what);
        assertMatchesNearlySingularPinv(full, g, h, true, what);
    }

    static Stream<Arguments> roughFallbacks() {
        return Stream.of(
                Arguments.of("soc", ConeDims.builder().nonneg(4).soc(5, 4, 3).build(), false, 1e-3),
                Arguments.of("psd", ConeDims.builder().nonneg(3).psd(3, 2).build(), false, 3e-4));
    }

    /**
     * At a non-differentiable point — here the exact planted solution of an LP with more variables
     * than active constraints, so x is not unique and M has a null space of dimension three — the
     * solve must still be pinv(M) (through the SVD fallback), never a silently different vector.
     */
    @Test
    void aLargerNullSpaceStillGivesThePseudoInverse() {
        ConeDims cones = ConeDims.builder().zero(2).nonneg(12).build();
        PlantedPrograms.Planted planted = PlantedPrograms.generate(cones, 10, 1.0, false, 11);
        ResidualMapOperator op = operator(planted.program(), planted.x(), planted.y(), planted.s());
        double[][] full = fullMatrix(op, 0);
        double[] sigma = DenseFixtures.Svd.of(full).sigma();
        assertTrue(sigma[sigma.length - 2] < 1e-13 * sigma[0], "the null space must be larger than one: σ = "
                + java.util.Arrays.toString(sigma));
        DenseSolve dense = new DenseSolve(op, new boolean[] {true}, planted.y(), planted.s());
        Random rnd = new Random(1);
        for (boolean transposed : new boolean[] {false, true}) {
            double[] rhs = gaussian(op.rows(), rnd);
            double[] out = new double[op.rows()];
            boolean exact = dense.solve(rhs, out, transposed)[0];
            double err = relativeError(out, pinvSolve(full, rhs, transposed));
            assertTrue(err < 1e-7, "transposed=" + transposed + ", exact=" + exact + ": relative error " + err
                    + ", ‖out‖ = " + DerivativeFixtures.norm(out));
        }
    }

    @Test
    void atAnAccurateSolutionTheReferenceIsThePlainPseudoInverse() {
        // here σ_min is at rounding level and the plain SVD pseudo-inverse (EJML's default threshold)
        // drops it by itself: the family comparison without the choice of which singular value to drop
        ConeProgram p = DerivativeFixtures.wellPosed(ConeDims.builder().zero(2).nonneg(6).soc(4).psd(2).exp(1)
                .build(), true, 11).program();
        Solution sol = DerivativeFixtures.solve(p);
        ResidualMapOperator op = operator(p, sol.x(), sol.y(), sol.s());
        double[][] full = fullMatrix(op, 0);
        DenseFixtures.Svd svd = DenseFixtures.Svd.of(full);
        double[] sigma = svd.sigma();
        assertTrue(sigma[sigma.length - 1] < 1e-13 * sigma[0], "M must be singular to rounding: "
                + sigma[sigma.length - 1]);
        DenseSolve dense = new DenseSolve(op, new boolean[] {true}, sol.y(), sol.s());
        Random rnd = new Random(9);
        for (boolean transposed : new boolean[] {false, true}) {
            double[] rhs = gaussian(op.rows(), rnd);
            double[] out = new double[op.rows()];
            boolean[] exact = dense.solve(rhs, out, transposed);
            assertTrue(exact[0]);
            double err = relativeError(out, pinvSolve(full, rhs, transposed));
            assertTrue(err < 1e-9, "transposed=" + transposed + ": relative error " + err);
        }
    }

    /**
     * out against pinv(M) (or pinv(Mᵀ)) with M's smallest singular value taken as zero, within
     * 100·σ_min/σ_next (the first-order difference between two choices of the near-null direction
     * is a small multiple of σ_min/σ_next; observed up to 5×), at least 1e-9.
     */
    static void assertMatchesNearlySingularPinv(double[][] full, double[] rhs, double[] out, boolean transposed,
                                                String what) {
        DenseFixtures.Svd svd = DenseFixtures.Svd.of(full);
        double[] sigma = svd.sigma();
        double gap = sigma[sigma.length - 1] / sigma[sigma.length - 2];
        assertTrue(gap < 1e-3, what + ": M must be nearly singular with one small singular value, σ_min/σ_next = "
                + gap);
        double tol = Math.max(1e-9, 100 * gap);
        double err = relativeError(out, svd.pinvSolve(rhs, transposed, 1));
        assertTrue(err < tol, what + ", transposed=" + transposed + ": relative error " + err
                + " against the SVD pseudo-inverse without σ_min (tolerance " + tol + "; σ = "
                + sigma[sigma.length - 1] + ", " + sigma[sigma.length - 2] + ")");
    }

    /** A three-lane tile of one program at two solutions of different accuracy and an invalid lane. */
    @Test
    void anInvalidLaneStaysZeroAndOthersMatchTheirOwnSolve() {
        ConeDims cones = ConeDims.builder().zero(2).nonneg(6).soc(4).psd(2).build();
        ConeProgram p = DerivativeFixtures.wellPosed(cones, true, 11).program();
        int lanes = 3;
        // lane 1 is invalid and, as SolutionDerivative leaves it, all zero
        Solution[] sols = {
            ConeSolver.solve(p, SolverSettings.defaults().withEps(3e-5)),
            null,
            ConeSolver.solve(p, SolverSettings.defaults().withEps(1e-9)),
        };
        int n = p.n();
        int m = p.m();
        double[] x = new double[n * lanes];
        double[] y = new double[m * lanes];
        double[] s = new double[m * lanes];
        for (int l : new int[] {0, 2}) {
            assertEquals(SolverStatus.SOLVED, sols[l].status());
            scatter(sols[l].x(), x, lanes, l);
            scatter(sols[l].y(), y, lanes, l);
            scatter(sols[l].s(), s, lanes, l);
        }
        double[] b = new double[m * lanes];
        double[] c = new double[n * lanes];
        for (int l = 0; l < lanes; l++) {
            scatter(p.b(), b, lanes, l);
            scatter(p.c(), c, lanes, l);
        }
        ResidualMapOperator op = new ResidualMapOperator(cones, lanes, p.a().pattern(), p.a().values(), true,
                p.p().pattern(), p.p().values(), true, b, c, x, y, s);
        boolean[] valid = {true, false, true};
        DenseSolve dense = new DenseSolve(op, valid, y, s);
        Random rnd = new Random(6);
        int len = op.rows();
        for (boolean transposed : new boolean[] {false, true}) {
            double[] rhs = gaussian(len * lanes, rnd);
            double[] out = new double[len * lanes];
            java.util.Arrays.fill(out, Double.NaN); // whatever was there must be overwritten
            boolean[] exact = dense.solve(rhs, out, transposed);
            assertArrayEquals(new boolean[] {true, false, true}, exact, "transposed=" + transposed);
            assertArrayEquals(new double[len], lane(out, lanes, 1), 0.0, "invalid lane, transposed=" + transposed);
            for (int l : new int[] {0, 2}) {
                ResidualMapOperator single = operator(p, sols[l].x(), sols[l].y(), sols[l].s());
                double[] alone = new double[len];
                boolean[] exactAlone = new DenseSolve(single, new boolean[] {true}, sols[l].y(), sols[l].s())
                        .solve(lane(rhs, lanes, l), alone, transposed);
                assertTrue(exactAlone[0]);
                double err = relativeError(lane(out, lanes, l), alone);
                assertTrue(err < 1e-12, "lane " + l + ", transposed=" + transposed + ": " + err);
                assertMatchesNearlySingularPinv(fullMatrix(single, 0), lane(rhs, lanes, l), alone, transposed,
                        "lane " + l);
            }
        }
    }

    static ResidualMapOperator operator(ConeProgram p, double[] x, double[] y, double[] s) {
        return new ResidualMapOperator(p.cones(), 1, p.a().pattern(), p.a().values(), true,
                p.p() == null ? null : p.p().pattern(), p.p() == null ? null : p.p().values(), true, p.b(), p.c(),
                x, y, s);
    }

    private static void scatter(double[] src, double[] dst, int lanes, int lane) {
        for (int i = 0; i < src.length; i++) {
            dst[i * lanes + lane] = src[i];
        }
    }
}
