// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.solver.ipm;

import io.convexlayers.data.BatchArray;
import io.convexlayers.data.BatchConeProgram;
import io.convexlayers.data.ConeDims;
import io.convexlayers.data.CscMatrix;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Nesterov–Todd scaling's defining identities on random interior points of nonnegative and
 * second-order cones: W·z = W⁻¹·s = λ, H·z = s, H·H⁻¹ = I, λ∘(λ \ v) = v, and the step to the
 * boundary lands on it; and a tile's cones ({@link TileSocCones}) give each lane the single
 * instance's bits.
 */
class NtScalingTest {
    private static final ConeDims CONES = ConeDims.builder().zero(2).nonneg(3).soc(4, 3, 5).build();

    private static IpmLayout layout() {
        int m = CONES.rows();
        double[][] a = new double[m][1];
        for (int i = 0; i < m; i++) {
            a[i][0] = 1;
        }
        CscMatrix am = CscMatrix.fromDense("A", a);
        return new IpmLayout(new BatchConeProgram(null, null, am.pattern(), BatchArray.shared(am.values(), 1),
                BatchArray.shared(new double[m], 1), BatchArray.shared(new double[1], 1), CONES));
    }

    /** A random point strictly inside every cone (zero rows left 0). */
    private static double[] interior(IpmLayout l, Random rnd) {
        double[] v = new double[l.m];
        for (int i = l.zero; i < l.zero + l.nonneg; i++) {
            v[i] = 0.1 + rnd.nextDouble() * 3;
        }
        for (int k = 0; k < l.socCount(); k++) {
            double tail = 0;
            for (int i = l.socStart[k] + 1; i < l.socStart[k + 1]; i++) {
                v[i] = rnd.nextGaussian();
                tail += v[i] * v[i];
            }
            v[l.socStart[k]] = Math.sqrt(tail) * (1.01 + rnd.nextDouble());
        }
        return v;
    }

    @Test
    void scalingIdentitiesHold() {
        IpmLayout l = layout();
        Random rnd = new Random(5);
        for (int trial = 0; trial < 20; trial++) {
            double[] s = interior(l, rnd);
            double[] z = interior(l, rnd);
            NtScaling w = new NtScaling(l);
            assertTrue(w.update(s, z));
            double[] wz = new double[l.m];
            double[] winvS = new double[l.m];
            double[] hz = new double[l.m];
            w.applyW(z, wz, false);
            w.applyW(s, winvS, true);
            w.applyH(z, hz, false);
            double[] v = interior(l, rnd);
            double[] hv = new double[l.m];
            double[] back = new double[l.m];
            w.applyH(v, hv, false);
            w.applyH(hv, back, true);
            double[] div = new double[l.m];
            double[] prod = new double[l.m];
            w.divideByLambda(v, div);
            w.product(w.lambda, div, prod);
            for (int i = l.zero; i < l.m; i++) {
                assertEquals(winvS[i], wz[i], 1e-12 * (1 + Math.abs(wz[i])), "Wz = W⁻¹s, row " + i);
                assertEquals(w.lambda[i], wz[i], 1e-12 * (1 + Math.abs(wz[i])), "λ = Wz, row " + i);
                assertEquals(s[i], hz[i], 1e-11 * (1 + Math.abs(s[i])), "Hz = s, row " + i);
                assertEquals(v[i], back[i], 1e-10 * (1 + Math.abs(v[i])), "H⁻¹Hv = v, row " + i);
                assertEquals(v[i], prod[i], 1e-10 * (1 + Math.abs(v[i])), "λ∘(λ\\v) = v, row " + i);
            }
        }
    }

    @Test
    void maximalStepEndsOnTheBoundary() {
        IpmLayout l = layout();
        Random rnd = new Random(6);
        NtScaling w = new NtScaling(l);
        for (int trial = 0; trial < 50; trial++) {
            double[] v = interior(l, rnd);
            double[] d = new double[l.m];
            for (int i = l.zero; i < l.m; i++) {
                d[i] = 3 * rnd.nextGaussian();
            }
            double alpha = w.maxStep(v, d, Double.POSITIVE_INFINITY);
            if (!Double.isFinite(alpha)) {
                continue;
            }
            double[] at = new double[l.m];
            double[] before = new double[l.m];
            for (int i = 0; i < l.m; i++) {
                at[i] = v[i] + alpha * d[i];
                before[i] = v[i] + 0.999 * alpha * d[i];
            }
            assertEquals(0, w.minEigenvalue(at), 1e-9 * (1 + alpha), "on the boundary");
            assertTrue(w.minEigenvalue(before) > 0, "inside before it");
        }
    }

    @Test
    void aTilesConesGiveEachLaneTheSingleInstancesBits() {
        IpmLayout l = layout();
        int lanes = 3;
        Random rnd = new Random(7);
        double[][] s = new double[lanes][];
        double[][] z = new double[lanes][];
        double[][] v = new double[lanes][];
        for (int k = 0; k < lanes; k++) {
            s[k] = interior(l, rnd);
            z[k] = interior(l, rnd);
            v[k] = interior(l, rnd);
            for (int i = l.zero; i < l.m; i++) {
                v[k][i] -= 2 * rnd.nextDouble(); // a direction: leaves the cone somewhere
            }
        }
        TileSocCones tile = new TileSocCones(l, lanes);
        double[] ts = interleave(s);
        double[] tz = interleave(z);
        double[] tv = interleave(v);
        double[] tw = new double[l.m * lanes];
        double[] tLambda = new double[l.m * lanes];
        double[] steps = new double[lanes];
        java.util.Arrays.fill(steps, Double.POSITIVE_INFINITY);
        for (int k = 0; k < lanes; k++) {
            assertTrue(tile.update(k, ts, tz, tw, tLambda));
        }
        tile.limitSteps(ts, tv, steps);
        double[][] outs = new double[5][l.m * lanes];
        tile.applyW(tw, tv, outs[0], false);
        tile.applyW(tw, tv, outs[1], true);
        tile.applyH(tw, tv, outs[2], true);
        tile.product(tv, tz, outs[3]);
        tile.divide(tLambda, tv, outs[4]);
        for (int k = 0; k < lanes; k++) {
            NtScaling one = new NtScaling(l);
            assertTrue(one.update(s[k], z[k]));
            double[][] expected = new double[5][l.m];
            one.applyW(v[k], expected[0], false);
            one.applyW(v[k], expected[1], true);
            one.applyH(v[k], expected[2], true);
            one.product(v[k], z[k], expected[3]);
            one.divideByLambda(v[k], expected[4]);
            for (int i = l.zero + l.nonneg; i < l.m; i++) {
                assertEquals(one.w[i], tw[i * lanes + k], "w̄, lane " + k + " row " + i);
                assertEquals(one.lambda[i], tLambda[i * lanes + k], "λ, lane " + k + " row " + i);
                for (int op = 0; op < 5; op++) {
                    assertEquals(expected[op][i], outs[op][i * lanes + k], "operation " + op + ", lane " + k + " row " + i);
                }
            }
            double single = Double.POSITIVE_INFINITY;
            for (int c = 0; c < l.socCount(); c++) {
                single = Math.min(single, NtScaling.socStep(s[k], v[k], l.socStart[c], 1, l.socStart[c + 1] - l.socStart[c]));
            }
            assertEquals(single, steps[k], "step, lane " + k);
        }
    }

    /** The lanes' vectors batch-minor: entry i of lane k at i·lanes + k. */
    private static double[] interleave(double[][] v) {
        double[] out = new double[v[0].length * v.length];
        BatchArray.perInstance(v).copyTile(0, v.length, out);
        return out;
    }
}
