// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.diff;

import io.convexlayers.data.ConeDims;
import io.convexlayers.data.ConeProgram;
import io.convexlayers.backend.ConeSolver;
import io.convexlayers.solver.SolverSettings;
import io.convexlayers.solver.SolverStatus;
import io.convexlayers.solver.Solution;
import io.convexlayers.testing.PlantedPrograms;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Random;
import java.util.stream.Stream;

import static io.convexlayers.diff.DerivativeFixtures.Direction;
import static io.convexlayers.diff.DerivativeFixtures.concat;
import static io.convexlayers.diff.DerivativeFixtures.dot;
import static io.convexlayers.diff.DerivativeFixtures.one;
import static io.convexlayers.diff.DerivativeFixtures.relativeError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The JVP (LSQR and dense modes) against central finite differences of re-solves, the VJP against
 * the JVP through the adjoint identity, and dense mode against LSQR mode, on planted programs of
 * every cone family.
 */
class SolutionDerivativeTest {

    static Stream<Arguments> families() {
        return Stream.of(
                Arguments.of("nonneg", ConeDims.builder().zero(3).nonneg(14).build(), false),
                Arguments.of("nonneg+P", ConeDims.builder().zero(3).nonneg(14).build(), true),
                Arguments.of("soc", ConeDims.builder().nonneg(4).soc(5, 4, 3).build(), false),
                Arguments.of("soc+P", ConeDims.builder().nonneg(4).soc(5, 4).build(), true),
                Arguments.of("psd", ConeDims.builder().nonneg(3).psd(3, 2).build(), false),
                Arguments.of("exp", ConeDims.builder().nonneg(3).exp(3).build(), false),
                Arguments.of("dualExp", ConeDims.builder().nonneg(3).dualExp(2).build(), false),
                Arguments.of("power", ConeDims.builder().nonneg(3).power(0.3, -0.6).build(), false),
                Arguments.of("mixed+P", ConeDims.builder().zero(2).nonneg(4).soc(4).psd(2).exp(1).power(0.4)
                        .build(), true));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("families")
    void jvpMatchesFiniteDifferencesOfResolves(String name, ConeDims cones, boolean withP) {
        PlantedPrograms.Planted planted = DerivativeFixtures.wellPosed(cones, withP, 11);
        ConeProgram p = planted.program();
        Solution sol = DerivativeFixtures.solve(p);
        Direction d = Direction.random(p, new Random(3), withP);
        SolutionDerivative deriv = SolutionDerivative.at(p, sol,
                DerivativeSettings.defaults().withMode(DerivativeMode.LSQR)
                        .withLsqr(LsqrSettings.defaults().withTolerance(1e-13)));
        JvpResult jvp = deriv.jvp(one(d.dP()), one(d.dA()), one(d.db()), one(d.dc()));
        assertEquals(DerivativeQuality.ACCURATE, jvp.info()[0].quality(), name);
        assertEquals(DerivativeMethod.LSQR, jvp.info()[0].method(), name);

        double h = 1e-5;
        Solution plus = DerivativeFixtures.solve(DerivativeFixtures.perturbed(p, d, h));
        Solution minus = DerivativeFixtures.solve(DerivativeFixtures.perturbed(p, d, -h));
        double[] fd = new double[p.n() + 2 * p.m()];
        double[] an = concat(jvp.dx().instance(0), jvp.dy().instance(0), jvp.ds().instance(0));
        double[] xp = concat(plus.x(), plus.y(), plus.s());
        double[] xm = concat(minus.x(), minus.y(), minus.s());
        for (int i = 0; i < fd.length; i++) {
            fd[i] = (xp[i] - xm[i]) / (2 * h);
        }
        double err = relativeError(an, fd);
        assertTrue(err < 1e-5, name + ": relative error " + err);

        SolutionDerivative dense = SolutionDerivative.at(p, sol,
                DerivativeSettings.defaults().withMode(DerivativeMode.DENSE));
        JvpResult dj = dense.jvp(one(d.dP()), one(d.dA()), one(d.db()), one(d.dc()));
        assertEquals(DerivativeQuality.ACCURATE, dj.info()[0].quality(), name + " dense");
        assertTrue(dj.info()[0].method() == DerivativeMethod.DENSE_ACTIVE_BLOCK
                || dj.info()[0].method() == DerivativeMethod.DENSE_SVD, name + " dense: " + dj.info()[0].method());
        double denseErr = relativeError(concat(dj.dx().instance(0), dj.dy().instance(0), dj.ds().instance(0)), fd);
        assertTrue(denseErr < 1e-5, name + " dense: relative error " + denseErr);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("families")
    void vjpIsTheAdjointOfJvpAndDenseModeAgrees(String name, ConeDims cones, boolean withP) {
        PlantedPrograms.Planted planted = DerivativeFixtures.wellPosed(cones, withP, 11);
        ConeProgram p = planted.program();
        // The adjoint identity holds at any point the operator is built at: default accuracy is enough.
        Solution sol = ConeSolver.solve(p, SolverSettings.defaults().withEps(1e-9));
        assertEquals(SolverStatus.SOLVED, sol.status());
        Random rnd = new Random(8);
        Direction d = Direction.random(p, rnd, withP);
        double[] gx = DerivativeFixtures.gaussian(p.n(), rnd);
        double[] gy = DerivativeFixtures.gaussian(p.m(), rnd);
        double[] gs = DerivativeFixtures.gaussian(p.m(), rnd);
        for (DerivativeMode mode : new DerivativeMode[] {DerivativeMode.LSQR, DerivativeMode.DENSE}) {
            SolutionDerivative deriv = SolutionDerivative.at(p, sol, DerivativeSettings.defaults().withMode(mode)
                    .withLsqr(LsqrSettings.defaults().withTolerance(1e-14).withMaxIters(2000)));
            JvpResult jvp = deriv.jvp(one(d.dP()), one(d.dA()), one(d.db()), one(d.dc()));
            VjpResult vjp = deriv.vjp(one(gx), one(gy), one(gs));
            double lhs = dot(gx, jvp.dx().instance(0)) + dot(gy, jvp.dy().instance(0)) + dot(gs, jvp.ds().instance(0));
            double rhs = dot(vjp.dA().instance(0), d.dA()) + dot(vjp.db().instance(0), d.db())
                    + dot(vjp.dc().instance(0), d.dc())
                    + (d.dP() == null ? 0 : dot(vjp.dP().instance(0), d.dP()));
            assertEquals(lhs, rhs, 1e-8 * Math.max(1, Math.abs(lhs)), name + " " + mode);
        }
        SolutionDerivative lsqr = SolutionDerivative.at(p, sol, DerivativeSettings.defaults()
                .withMode(DerivativeMode.LSQR).withLsqr(LsqrSettings.defaults().withTolerance(1e-14)));
        SolutionDerivative dense = SolutionDerivative.at(p, sol, DerivativeSettings.defaults()
                .withMode(DerivativeMode.DENSE));
        VjpResult a = lsqr.vjp(one(gx), one(gy), null);
        VjpResult b = dense.vjp(one(gx), one(gy), null);
        assertTrue(relativeError(a.dA().instance(0), b.dA().instance(0)) < 1e-7, name + " dA");
        assertTrue(relativeError(a.dc().instance(0), b.dc().instance(0)) < 1e-7, name + " dc");
        assertTrue(relativeError(a.db().instance(0), b.db().instance(0)) < 1e-7, name + " db");
    }
}
