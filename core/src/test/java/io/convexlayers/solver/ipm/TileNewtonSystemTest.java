// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.solver.ipm;

import io.convexlayers.data.BatchConeProgram;
import io.convexlayers.testing.PlantedLps;
import io.convexlayers.testing.RandomQps;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The tile's Newton solves without a residual ({@link TileNewtonSystem#solveJudged}): the residual of
 * an unrefined solve is the regularization's (δx, −δz_E), one solve with it as right-hand side removes
 * that error, the levels follow the tolerances, and each lane is solved as it would be alone. Residuals
 * are taken against the exact K with the tile's own products.
 */
class TileNewtonSystemTest {
    private static final int LANES = 8;

    /** A loaded tile, its Newton system factored for a spread scaling, and a random right-hand side. */
    private static final class Setup {
        final ScaledTile data;
        final TileNewtonSystem kkt;
        final double[] w;
        final double[] r1;
        final double[] r2;
        final int n;
        final int m;
        final int zero;

        Setup(BatchConeProgram batch, long seed) {
            IpmLayout layout = new IpmLayout(batch);
            n = layout.n;
            m = layout.m;
            zero = layout.zero;
            data = new ScaledTile(layout, LANES);
            data.load(batch, 0, true);
            kkt = new TileNewtonSystem(data, null);
            Random rnd = new Random(seed);
            w = new double[m * LANES];
            for (int t = 0; t < w.length; t++) {
                w[t] = Math.exp(rnd.nextDouble() * 6 - 3); // H = w² over about five decades
            }
            kkt.factor(w);
            r1 = RandomQps.gaussian(n * LANES, rnd);
            r2 = RandomQps.gaussian(m * LANES, rnd);
        }

        /** (x, z) of one solve of (r1, r2) with the factored, regularized matrices, unrefined. */
        double[][] unrefined() {
            double[] x = new double[n * LANES];
            double[] z = new double[m * LANES];
            kkt.solveUnrefined(r1, r2, x, z);
            return new double[][] {x, z};
        }

        /** Each lane's (r1, r2) − K·(x, z) with the exact K (P, no δ; −w² on nonnegative rows, 0 on zero rows). */
        double[][] residual(double[] x, double[] z) {
            double[] px = new double[n * LANES];
            double[] ax = new double[m * LANES];
            double[] atz = new double[n * LANES];
            data.multiplyP(x, px);
            data.multiplyA(x, ax);
            data.multiplyAt(z, atz);
            double[] resX = new double[n * LANES];
            double[] resZ = new double[m * LANES];
            for (int t = 0; t < resX.length; t++) {
                resX[t] = r1[t] - px[t] - atz[t];
            }
            for (int t = 0; t < resZ.length; t++) {
                double h = t < zero * LANES ? 0 : w[t] * w[t];
                resZ[t] = r2[t] - ax[t] + h * z[t];
            }
            return new double[][] {resX, resZ};
        }

        /** Each lane's ‖residual‖∞ / (1 + ‖(r1, r2)‖∞). */
        double[] relative(double[] x, double[] z) {
            double[][] res = residual(x, z);
            double[] out = new double[LANES];
            for (int l = 0; l < LANES; l++) {
                double num = Math.max(laneMax(res[0], l), laneMax(res[1], l));
                double den = 1 + Math.max(laneMax(r1, l), laneMax(r2, l));
                out[l] = num / den;
            }
            return out;
        }
    }

    private static BatchConeProgram qp() {
        return RandomQps.batch(10, 20, LANES, false, 21);
    }

    private static BatchConeProgram lpWithEqualities() {
        return PlantedLps.batch(12, 4, 30, LANES, 22).program();
    }

    @Test
    void theUnrefinedResidualIsTheRegularizations() {
        for (BatchConeProgram batch : new BatchConeProgram[] {qp(), lpWithEqualities()}) {
            Setup s = new Setup(batch, 5);
            double[][] xz = s.unrefined();
            double[] x = xz[0];
            double[] z = xz[1];
            double[][] res = s.residual(x, z);
            double delta = NewtonSystem.STATIC_REG;
            for (int l = 0; l < LANES; l++) {
                double size = delta * Math.max(laneMax(x, l), laneMax(z, l));
                double misfit = 0;
                for (int t = l; t < x.length; t += LANES) {
                    misfit = Math.max(misfit, Math.abs(res[0][t] - delta * x[t]));
                }
                for (int t = l; t < z.length; t += LANES) {
                    double predicted = t < s.zero * LANES ? -delta * z[t] : 0;
                    misfit = Math.max(misfit, Math.abs(res[1][t] - predicted));
                }
                assertTrue(size > 1e-12, "the regularization's error is visible: " + size);
                assertTrue(misfit <= 1e-3 * size, "lane " + l + ": residual " + misfit + " off (δx, −δz_E) of size " + size);
            }
        }
    }

    @Test
    void oneCorrectionByTheKnownResidualRemovesTheRegularizationsError() {
        for (BatchConeProgram batch : new BatchConeProgram[] {qp(), lpWithEqualities()}) {
            Setup s = new Setup(batch, 6);
            double[][] xz = s.unrefined();
            double[] x = xz[0];
            double[] z = xz[1];
            double[] plain = s.relative(x, z);
            judgeAt(s, 1e-10);
            assertLevels(s, 1, "unrefined above 1e-10, one step below 1e-11");
            s.kkt.solveJudged(s.r1, s.r2, x, z, allLive(), new double[LANES], uniform(1e-10));
            double[] corrected = s.relative(x, z);
            for (int l = 0; l < LANES; l++) {
                assertTrue(plain[l] > 1e-10, "lane " + l + ": unrefined " + plain[l]);
                assertTrue(corrected[l] <= 1e-5 * plain[l], "lane " + l + ": corrected " + corrected[l] + " from " + plain[l]);
            }
            double[] level0X = new double[s.n * LANES];
            double[] level0Z = new double[s.m * LANES];
            judgeAt(s, 1e-4);
            s.kkt.solveJudged(s.r1, s.r2, level0X, level0Z, allLive(), new double[LANES], uniform(1e-4));
            assertTrue(Arrays.equals(s.relative(level0X, level0Z), plain), "level 0 is the unrefined solve");
        }
    }

    @Test
    void theLevelsFollowTheTolerance() {
        Setup s = new Setup(qp(), 7);
        double[] rel = judgeAt(s, 1e-4);
        assertLevels(s, 0, "met unrefined");
        judgeAt(s, 1e-11);
        assertLevels(s, 1, "met after one step");
        rel = judgeAt(s, 1e-30);
        assertLevels(s, -1, "never met");
        for (int l = 0; l < LANES; l++) {
            assertTrue(rel[l] <= 1e-14, "lane " + l + " refined to " + rel[l]);
        }
    }

    @Test
    void eachLaneIsSolvedAsItWouldBeAlone() {
        for (BatchConeProgram batch : new BatchConeProgram[] {qp(), lpWithEqualities()}) {
            Setup s = new Setup(batch, 8);
            double[] tolerances = {1e-4, 1e-10, 1e-30};
            double[] mixed = new double[LANES];
            for (int l = 0; l < LANES; l++) {
                mixed[l] = tolerances[l % 3];
            }
            double[][] alone = new double[3][];
            double[][] aloneZ = new double[3][];
            for (int k = 0; k < 3; k++) {
                s.kkt.solve(s.r1, s.r2, new double[s.n * LANES], new double[s.m * LANES], allLive(), new double[LANES],
                        uniform(tolerances[k]));
                s.kkt.judge(uniform(tolerances[k]));
                alone[k] = new double[s.n * LANES];
                aloneZ[k] = new double[s.m * LANES];
                s.kkt.solveJudged(s.r1, s.r2, alone[k], aloneZ[k], allLive(), new double[LANES], uniform(tolerances[k]));
            }
            s.kkt.solve(s.r1, s.r2, new double[s.n * LANES], new double[s.m * LANES], allLive(), new double[LANES], mixed);
            s.kkt.judge(mixed);
            double[] x = new double[s.n * LANES];
            double[] z = new double[s.m * LANES];
            s.kkt.solveJudged(s.r1, s.r2, x, z, allLive(), new double[LANES], mixed);
            for (int l = 0; l < LANES; l++) {
                assertEquals(l % 3 == 0 ? 0 : l % 3 == 1 ? 1 : -1, s.kkt.level(l), "lane " + l);
                for (int t = l; t < x.length; t += LANES) {
                    assertEquals(Double.doubleToRawLongBits(alone[l % 3][t]), Double.doubleToRawLongBits(x[t]), "x, lane " + l);
                }
                for (int t = l; t < z.length; t += LANES) {
                    assertEquals(Double.doubleToRawLongBits(aloneZ[l % 3][t]), Double.doubleToRawLongBits(z[t]), "z, lane " + l);
                }
            }
        }
    }

    /** Solves at a uniform tolerance and judges; returns each lane's relative residual. */
    private static double[] judgeAt(Setup s, double tolerance) {
        double[] rel = new double[LANES];
        s.kkt.solve(s.r1, s.r2, new double[s.n * LANES], new double[s.m * LANES], allLive(), rel, uniform(tolerance));
        s.kkt.judge(uniform(tolerance));
        return rel;
    }

    private static void assertLevels(Setup s, int level, String what) {
        for (int l = 0; l < LANES; l++) {
            assertEquals(level, s.kkt.level(l), what + ", lane " + l);
        }
    }

    private static boolean[] allLive() {
        boolean[] live = new boolean[LANES];
        Arrays.fill(live, true);
        return live;
    }

    private static double[] uniform(double value) {
        double[] v = new double[LANES];
        Arrays.fill(v, value);
        return v;
    }


    private static double laneMax(double[] v, int lane) {
        double max = 0;
        for (int t = lane; t < v.length; t += LANES) {
            max = Math.max(max, Math.abs(v[t]));
        }
        return max;
    }
}
