// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.solver.ipm;

import io.convexlayers.cone.SvecMatrix;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.EigenDecomposition_F64;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Nesterov–Todd scaling of positive semidefinite cones against its defining identities, checked
 * with matrices formed independently here (EJML for eigenvalues): W(Z) = W⁻ᵀ(S) = λ diagonal, H(Z) = S,
 * H⁻¹ the inverse of H, Wᵀ the adjoint of W under tr(XY), H's closed-form block against H applied to unit vectors, λ∘(λ \ v) = v, and
 * the step to the cone's boundary.
 */
class PsdScalingTest {
    private static final int[] ORDERS = {3, 1, 5};
    private static final int[] START = {2, 8, 9, 24};

    private static double[] randomInterior(Random rnd, double shift) {
        double[] v = new double[START[START.length - 1] + 2];
        for (int c = 0; c < ORDERS.length; c++) {
            int d = ORDERS[c];
            double[] a = new double[d * d];
            double[] m = new double[d * d];
            for (int i = 0; i < d * d; i++) {
                m[i] = rnd.nextGaussian();
            }
            for (int i = 0; i < d; i++) {
                for (int j = 0; j < d; j++) {
                    double sum = i == j ? shift : 0;
                    for (int k = 0; k < d; k++) {
                        sum += m[i * d + k] * m[j * d + k];
                    }
                    a[i * d + j] = sum;
                }
            }
            SvecMatrix.pack(a, d, v, START[c], 1);
        }
        return v;
    }

    private static double[] random(Random rnd, int len) {
        double[] v = new double[len];
        for (int i = 0; i < len; i++) {
            v[i] = rnd.nextGaussian();
        }
        return v;
    }

    private static double maxDiff(double[] a, double[] b) {
        double max = 0;
        for (int p = START[0]; p < START[START.length - 1]; p++) {
            max = Math.max(max, Math.abs(a[p] - b[p]));
        }
        return max;
    }

    private static double dot(double[] a, double[] b) {
        double sum = 0;
        for (int p = START[0]; p < START[START.length - 1]; p++) {
            sum += a[p] * b[p];
        }
        return sum;
    }

    private static double minEigenvalue(double[] v, int c) {
        int d = ORDERS[c];
        double[] a = new double[d * d];
        SvecMatrix.unpack(v, START[c], 1, d, a);
        EigenDecomposition_F64<DMatrixRMaj> eig = DecompositionFactory_DDRM.eig(d, false, true);
        assertTrue(eig.decompose(new DMatrixRMaj(d, d, true, a)));
        double min = Double.POSITIVE_INFINITY;
        for (int k = 0; k < d; k++) {
            min = Math.min(min, eig.getEigenvalue(k).getReal());
        }
        return min;
    }

    @Test
    void theScalingMapsBothPointsToTheSameDiagonalLambda() {
        Random rnd = new Random(7);
        for (int trial = 0; trial < 5; trial++) {
            double[] s = randomInterior(rnd, 0.1);
            double[] z = randomInterior(rnd, 0.1);
            PsdScaling psd = new PsdScaling(START, ORDERS);
            double[] lambda = new double[s.length];
            assertTrue(psd.update(s, z, lambda));
            double[] wz = new double[s.length];
            double[] ws = new double[s.length];
            psd.apply(PsdScaling.Map.W, z, wz);
            psd.apply(PsdScaling.Map.W_INVERSE_TRANSPOSE, s, ws);
            assertTrue(maxDiff(wz, lambda) <= 1e-10, "W(Z) = λ: " + maxDiff(wz, lambda));
            assertTrue(maxDiff(ws, lambda) <= 1e-10, "W⁻ᵀ(S) = λ: " + maxDiff(ws, lambda));
            for (int c = 0; c < ORDERS.length; c++) {
                int d = ORDERS[c];
                for (int j = 0; j < d; j++) {
                    for (int i = j + 1; i < d; i++) {
                        int p = START[c] + SvecMatrix.diagonal(j, d) + (i - j);
                        assertEquals(0, lambda[p], 0, "λ is diagonal");
                    }
                    assertTrue(lambda[START[c] + SvecMatrix.diagonal(j, d)] > 0);
                }
            }
            double[] hz = new double[s.length];
            psd.apply(PsdScaling.Map.H, z, hz);
            assertTrue(maxDiff(hz, s) <= 1e-9 * (1 + maxDiff(s, new double[s.length])), "H(Z) = S: " + maxDiff(hz, s));
        }
    }

    @Test
    void transposeInverseAndEntriesAreConsistent() {
        Random rnd = new Random(11);
        double[] s = randomInterior(rnd, 0.5);
        double[] z = randomInterior(rnd, 0.5);
        PsdScaling psd = new PsdScaling(START, ORDERS);
        double[] lambda = new double[s.length];
        assertTrue(psd.update(s, z, lambda));
        double[] u = random(rnd, s.length);
        double[] v = random(rnd, s.length);
        double[] wu = new double[s.length];
        double[] wtv = new double[s.length];
        psd.apply(PsdScaling.Map.W, u, wu);
        psd.apply(PsdScaling.Map.W_TRANSPOSE, v, wtv);
        assertEquals(dot(wu, v), dot(u, wtv), 1e-10 * (1 + Math.abs(dot(wu, v))), "⟨Wu, v⟩ = ⟨u, Wᵀv⟩");
        double[] hu = new double[s.length];
        double[] back = new double[s.length];
        psd.apply(PsdScaling.Map.H, u, hu);
        psd.apply(PsdScaling.Map.H_INVERSE, hu, back);
        assertTrue(maxDiff(back, u) <= 1e-9, "H⁻¹(H(u)) = u: " + maxDiff(back, u));
        double[] wtwu = new double[s.length];
        psd.apply(PsdScaling.Map.W_TRANSPOSE, wu, wtwu);
        assertTrue(maxDiff(wtwu, hu) <= 1e-9, "H = WᵀW");
        for (int c = 0; c < ORDERS.length; c++) {
            int t = START[c + 1] - START[c];
            double[] block = new double[t * t];
            psd.subtractH(c, block, t, 0);
            double[] e = new double[s.length];
            double[] col = new double[s.length];
            for (int q = 0; q < t; q++) {
                e[START[c] + q] = 1;
                psd.apply(PsdScaling.Map.H, c, e, col);
                e[START[c] + q] = 0;
                for (int p = q; p < t; p++) {
                    assertEquals(-col[START[c] + p], block[p * t + q], 1e-11 * (1 + Math.abs(col[START[c] + p])),
                            "H entry (" + p + ", " + q + ") of cone " + c);
                }
            }
        }
    }

    @Test
    void divisionByLambdaInvertsTheJordanProduct() {
        Random rnd = new Random(3);
        double[] s = randomInterior(rnd, 0.2);
        double[] z = randomInterior(rnd, 0.2);
        PsdScaling psd = new PsdScaling(START, ORDERS);
        double[] lambda = new double[s.length];
        assertTrue(psd.update(s, z, lambda));
        double[] v = random(rnd, s.length);
        double[] q = new double[s.length];
        double[] back = new double[s.length];
        psd.divide(lambda, v, q);
        psd.product(lambda, q, back);
        assertTrue(maxDiff(back, v) <= 1e-10, "λ∘(λ \\ v) = v: " + maxDiff(back, v));
    }

    @Test
    void theStepStopsAtTheBoundary() {
        Random rnd = new Random(5);
        PsdScaling psd = new PsdScaling(START, ORDERS);
        for (int trial = 0; trial < 5; trial++) {
            double[] v = randomInterior(rnd, 0.3);
            double[] dv = random(rnd, v.length);
            double alpha = psd.maxStep(v, dv, Double.POSITIVE_INFINITY);
            assertTrue(alpha > 0 && Double.isFinite(alpha));
            double[] at = v.clone();
            for (int p = 0; p < v.length; p++) {
                at[p] += alpha * dv[p];
            }
            double smallest = Double.POSITIVE_INFINITY;
            for (int c = 0; c < ORDERS.length; c++) {
                smallest = Math.min(smallest, minEigenvalue(at, c));
            }
            assertEquals(0, smallest, 1e-9, "v + α·dv is on the boundary");
            assertEquals(smallest, psd.minEigenvalue(at), 1e-12);
            assertEquals(alpha / 2, psd.maxStep(v, dv, alpha / 2), 0, "a limit below the boundary step is kept");
        }
        double[] v = randomInterior(rnd, 0.3);
        double[] up = new double[v.length];
        psd.addIdentity(up, 1);
        assertEquals(Double.POSITIVE_INFINITY, psd.maxStep(v, up, Double.POSITIVE_INFINITY), "an ascent direction never leaves");
        double before = psd.minEigenvalue(v);
        psd.addIdentity(v, 2);
        assertEquals(before + 2, psd.minEigenvalue(v), 1e-10);
        double[] s = randomInterior(rnd, 0.3);
        double[] singular = s.clone();
        SvecMatrix.pack(new double[25], 5, singular, START[2], 1);
        assertFalse(psd.update(singular, s, new double[s.length]), "a zero block is no interior point");
    }
}
