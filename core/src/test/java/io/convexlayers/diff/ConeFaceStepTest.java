// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.diff;

import io.convexlayers.cone.ConeProjector;
import io.convexlayers.data.BatchConeProgram;
import io.convexlayers.data.ConeDims;
import io.convexlayers.data.ConeProgram;
import io.convexlayers.solver.linsys.TileMatrices;
import io.convexlayers.testing.PlantedPrograms;
import io.convexlayers.testing.ProgramBatches;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link ConeFaceStep}: one Newton step from a point near a planted solution lands on the planted solution
 * to second order in the distance (the step is Newton's on the residual map), for every kind of
 * second-order-cone face (inside K*, inside −K, both ȳ and s̄ on the boundary) beside zero and nonnegative
 * rows, on tiles of eight lanes (the vectorized factorization) and of three.
 */
class ConeFaceStepTest {
    private static final ConeDims CONES = ConeDims.builder().zero(2).nonneg(6).soc(5, 3, 7, 4, 2, 6, 1).build();
    private static final int N = 40;
    private static final double EPS = 1e-6;

    @Test
    void oneStepFromNearAPlantedSolutionLandsOnItToSecondOrder() {
        for (int lanes : new int[] {8, 3}) {
            checkStep(lanes, true);
        }
    }

    private static void checkStep(int lanes, boolean withP) {
        List<PlantedPrograms.Planted> planted = new ArrayList<>();
        List<ConeProgram> programs = new ArrayList<>();
        for (int l = 0; l < lanes; l++) {
            // n ≥ m: the active directions are independent, so the planted y is the only one
            PlantedPrograms.Planted pl = PlantedPrograms.generate(CONES, N, 1.0, withP, 100 + l);
            planted.add(pl);
            programs.add(pl.program());
        }
        BatchConeProgram batch = ProgramBatches.perInstance(programs);
        int n = batch.n();
        int m = batch.m();
        double[] a = new double[batch.aValues().length() * lanes];
        batch.aValues().copyTile(0, lanes, a);
        double[] p = null;
        if (withP) {
            p = new double[batch.pValues().length() * lanes];
            batch.pValues().copyTile(0, lanes, p);
        }
        double[] b = new double[m * lanes];
        double[] c = new double[n * lanes];
        batch.b().copyTile(0, lanes, b);
        batch.c().copyTile(0, lanes, c);
        // Each lane moved by EPS from its planted (x, v = y − s), then y = Π_{K*}(v), s = y − v.
        Random rng = new Random(7);
        double[] x = new double[n * lanes];
        double[] v = new double[m * lanes];
        for (int l = 0; l < lanes; l++) {
            PlantedPrograms.Planted pl = planted.get(l);
            for (int j = 0; j < n; j++) {
                x[j * lanes + l] = pl.x()[j] + EPS * rng.nextGaussian();
            }
            for (int i = 0; i < m; i++) {
                v[i * lanes + l] = pl.y()[i] - pl.s()[i] + EPS * rng.nextGaussian();
            }
        }
        double[] y = v.clone();
        new ConeProjector(CONES, lanes).projectDual(y, 0);
        double[] s = new double[m * lanes];
        for (int k = 0; k < s.length; k++) {
            s[k] = y[k] - v[k];
        }
        boolean[] marked = new boolean[lanes];
        java.util.Arrays.fill(marked, true);
        marked[1] = false;
        ConeFaceStep step = new ConeFaceStep(CONES,
                new TileMatrices(batch.aPattern(), a, false, batch.pPattern(), p, false, lanes));
        ForwardError.ExactPoints exact = step.exactPoints(b, c, x, y, s, marked);
        // A second step from the first one's point: Newton's quadratic convergence takes it to rounding.
        double[] x2 = new double[n * lanes];
        double[] v2 = new double[m * lanes];
        System.arraycopy(exact.zStar(), 0, x2, 0, x2.length);
        System.arraycopy(exact.zStar(), n * lanes, v2, 0, v2.length);
        double[] y2 = v2.clone();
        new ConeProjector(CONES, lanes).projectDual(y2, 0);
        double[] s2 = new double[m * lanes];
        for (int k = 0; k < s2.length; k++) {
            s2[k] = y2[k] - v2[k];
        }
        ForwardError.ExactPoints second = step.exactPoints(b, c, x2, y2, s2, marked);
        int len = n + m + 1;
        for (int l = 0; l < lanes; l++) {
            String what = lanes + " lanes, P " + withP + ", lane " + l;
            if (!marked[l]) {
                for (int i = 0; i < len; i++) {
                    assertEquals(0, exact.zStar()[i * lanes + l], what);
                }
                continue;
            }
            PlantedPrograms.Planted pl = planted.get(l);
            double before = 0;
            double norm = 1;
            double[] truth = new double[len - 1];
            for (int j = 0; j < n; j++) {
                truth[j] = pl.x()[j];
                before += sq(x[j * lanes + l] - truth[j]);
                norm += sq(x[j * lanes + l]);
            }
            for (int i = 0; i < m; i++) {
                truth[n + i] = pl.y()[i] - pl.s()[i];
                before += sq(v[i * lanes + l] - truth[n + i]);
                norm += sq(v[i * lanes + l]);
            }
            double after = maxDistance(exact.zStar(), truth, lanes, l);
            double afterTwo = maxDistance(second.zStar(), truth, lanes, l);
            assertEquals(1, exact.zStar()[(n + m) * lanes + l], what);
            double distance = Math.sqrt(before / norm);
            // From 1e-6 away: the first step's error is second order (~ curvature · 1e-12), the second's rounding.
            assertTrue(after <= 1e-8, what + ": " + after + " from the planted solution after one step");
            assertTrue(afterTwo <= 1e-12, what + ": " + afterTwo + " after two steps");
            // The reported error is the step's length: the distance from the exact solution, to first order.
            assertEquals(distance, exact.error()[l], 1e-3 * distance, what);
        }
    }

    private static double maxDistance(double[] zStar, double[] truth, int lanes, int l) {
        double d = 0;
        for (int i = 0; i < truth.length; i++) {
            d = Math.max(d, Math.abs(zStar[i * lanes + l] - truth[i]));
        }
        return d;
    }

    private static double sq(double d) {
        return d * d;
    }
}
