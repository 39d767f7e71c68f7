// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.diff;

import io.convexlayers.data.BatchArray;
import io.convexlayers.data.BatchConeProgram;
import io.convexlayers.data.ConeDims;
import io.convexlayers.data.ConeProgram;
import io.convexlayers.solver.Algorithm;
import io.convexlayers.solver.BatchSolution;
import io.convexlayers.solver.PolishStatus;
import io.convexlayers.solver.Solution;
import io.convexlayers.solver.SolverStatus;
import io.convexlayers.testing.PlantedPrograms;
import io.convexlayers.testing.ProgramBatches;
import io.convexlayers.testing.RandomQps;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * AUTO's derivative of second-order-cone programs through their cones' faces
 * ({@link DerivativeMethod#CONE_FACES}) at planted solutions with every kind of cone face: its JVP and VJP
 * agree with the dense active block's (an LU of the residual map's block, independent of it), and with
 * each other (⟨J·d, g⟩ = ⟨d, Jᵀ·g⟩).
 */
class ConeFaceDerivativeTest {
    private static final ConeDims CONES = ConeDims.builder().zero(2).nonneg(6).soc(5, 3, 7, 4, 2, 6, 1).build();

    @Test
    void theFacesDerivativeIsTheDenseActiveBlocksAndItsAdjoint() {
        for (int lanes : new int[] {8, 3}) {
            List<ConeProgram> programs = new ArrayList<>();
            List<Solution> planted = new ArrayList<>();
            for (int l = 0; l < lanes; l++) {
                PlantedPrograms.Planted pl = PlantedPrograms.generate(CONES, 40, 1.0, true, 300 + l);
                programs.add(pl.program());
                planted.add(new Solution(SolverStatus.SOLVED, pl.x().clone(), pl.y().clone(), pl.s().clone(), 0, 0, 0,
                        0, 0, 0, 1, 0, 0, PolishStatus.NOT_RUN, Algorithm.FIRST_ORDER));
            }
            BatchConeProgram batch = ProgramBatches.perInstance(programs);
            BatchSolution sols = BatchSolution.of(planted);
            int n = batch.n();
            int m = batch.m();
            Random rng = new Random(lanes);
            BatchArray dA = BatchArray.batchMinor(batch.aValues().length(), lanes,
                    RandomQps.gaussian(batch.aValues().length() * lanes, rng));
            BatchArray db = BatchArray.batchMinor(m, lanes, RandomQps.gaussian(m * lanes, rng));
            BatchArray dc = BatchArray.batchMinor(n, lanes, RandomQps.gaussian(n * lanes, rng));
            BatchArray gx = BatchArray.batchMinor(n, lanes, RandomQps.gaussian(n * lanes, rng));
            BatchArray gy = BatchArray.batchMinor(m, lanes, RandomQps.gaussian(m * lanes, rng));
            BatchArray gs = BatchArray.batchMinor(m, lanes, RandomQps.gaussian(m * lanes, rng));

            SolutionDerivative auto = SolutionDerivative.at(batch, sols, DerivativeSettings.defaults());
            SolutionDerivative dense = SolutionDerivative.at(batch, sols,
                    DerivativeSettings.defaults().withMode(DerivativeMode.DENSE));
            JvpResult ja = auto.jvp(null, dA, db, dc);
            JvpResult jd = dense.jvp(null, dA, db, dc);
            VjpResult va = auto.vjp(gx, gy, gs);
            VjpResult vd = dense.vjp(gx, gy, gs);
            for (int b = 0; b < lanes; b++) {
                String what = lanes + " lanes, instance " + b;
                assertEquals(DerivativeMethod.CONE_FACES, ja.info()[b].method(), what);
                assertEquals(DerivativeMethod.CONE_FACES, va.info()[b].method(), what);
                assertEquals(DerivativeQuality.ACCURATE, ja.info()[b].quality(), what);
                assertEquals(DerivativeMethod.DENSE_ACTIVE_BLOCK, jd.info()[b].method(), what);
                close(jd.dx().instance(b), ja.dx().instance(b), what + " dx");
                close(jd.dy().instance(b), ja.dy().instance(b), what + " dy");
                close(jd.ds().instance(b), ja.ds().instance(b), what + " ds");
                close(vd.dA().instance(b), va.dA().instance(b), what + " dA");
                close(vd.db().instance(b), va.db().instance(b), what + " db");
                close(vd.dc().instance(b), va.dc().instance(b), what + " dc");
                close(vd.dP().instance(b), va.dP().instance(b), what + " dP");
                // ⟨(dx, dy, ds), (gx, gy, gs)⟩ = ⟨(dA, db, dc), the VJP's gradients⟩.
                double left = dot(ja.dx().instance(b), gx.instance(b)) + dot(ja.dy().instance(b), gy.instance(b))
                        + dot(ja.ds().instance(b), gs.instance(b));
                double right = dot(dA.instance(b), va.dA().instance(b)) + dot(db.instance(b), va.db().instance(b))
                        + dot(dc.instance(b), va.dc().instance(b));
                assertEquals(left, right, 1e-9 * (Math.abs(left) + 1), what + " adjoint identity");
            }
        }
    }

    private static void close(double[] expected, double[] actual, String what) {
        double scale = 1;
        double diff = 0;
        for (int i = 0; i < expected.length; i++) {
            scale = Math.max(scale, Math.abs(expected[i]));
            diff = Math.max(diff, Math.abs(expected[i] - actual[i]));
        }
        assertTrue(diff <= 1e-8 * scale, what + ": " + diff + " apart (scale " + scale + ")");
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }
}
