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
 * boundary lands on it.
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
}
