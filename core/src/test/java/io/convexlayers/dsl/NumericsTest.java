// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.dsl;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The PSD test behind every PSD parameter's check ({@link Numerics#minEigenvalueBelow}) against
 * matrices of known spectrum Q·diag(λ)·Qᵀ: semidefinite and singular ones pass, one whose smallest
 * eigenvalue is past the tolerance is named with that eigenvalue, and the band between half the
 * tolerance and the tolerance — where the Cholesky fast path fails and the eigenvalue decides — passes.
 */
class NumericsTest {
    private static final int N = 12;

    @Test
    void semidefiniteAndSingularMatricesPass() {
        Random rnd = new Random(3);
        for (int trial = 0; trial < 20; trial++) {
            double[] lambda = new double[N];
            for (int i = 0; i < N; i++) {
                lambda[i] = i < 4 ? 0 : 10 * rnd.nextDouble(); // rank 8
            }
            double[] s = spectrum(lambda, rnd);
            assertTrue(Double.isNaN(Numerics.minEigenvalueBelow(s, N, 1e-9 * 10)), "trial " + trial);
            assertFalse(Numerics.choleskyAfterShift(s, N, -1e-6), "singular: no factor below the spectrum");
        }
    }

    @Test
    void anEigenvaluePastTheToleranceIsNamed() {
        Random rnd = new Random(5);
        double tol = 1e-9 * 10;
        for (double factor : new double[] {1.5, 10, 1e6}) {
            double[] lambda = positive(rnd);
            lambda[3] = -factor * tol;
            double[] s = spectrum(lambda, rnd);
            double min = Numerics.minEigenvalueBelow(s, N, tol);
            assertEquals(-factor * tol, min, 1e-13 * 10 + 1e-6 * factor * tol, "factor " + factor);
        }
    }

    @Test
    void theBandBetweenHalfTheToleranceAndTheToleranceIsDecidedByTheEigenvalue() {
        Random rnd = new Random(7);
        double tol = 1e-6;
        double[] lambda = positive(rnd);
        lambda[0] = -0.8 * tol;
        double[] s = spectrum(lambda, rnd);
        assertFalse(Numerics.choleskyAfterShift(s, N, 0.5 * tol), "the fast path cannot prove it");
        assertTrue(Double.isNaN(Numerics.minEigenvalueBelow(s, N, tol)), "within the tolerance");
    }

    @Test
    void eigenvaluesAloneAgreeWithTheFullDecomposition() {
        Random rnd = new Random(9);
        double[] s = new double[N * N];
        for (int i = 0; i < s.length; i++) {
            s[i] = rnd.nextGaussian(); // not symmetric: both use the symmetric part
        }
        assertArrayEquals(Numerics.symmetricEigen(s, N).values(), Numerics.symmetricEigenvalues(s, N), 1e-12);
        s[5] = Double.NaN;
        assertFalse(Numerics.choleskyAfterShift(s, N, 1));
    }

    private static double[] positive(Random rnd) {
        double[] lambda = new double[N];
        for (int i = 0; i < N; i++) {
            lambda[i] = 0.1 + 10 * rnd.nextDouble();
        }
        return lambda;
    }

    /** Q·diag(λ)·Qᵀ (row-major) for a random orthogonal Q (Gram–Schmidt of a Gaussian matrix). */
    private static double[] spectrum(double[] lambda, Random rnd) {
        double[][] q = new double[N][N];
        for (int k = 0; k < N; k++) {
            for (int i = 0; i < N; i++) {
                q[k][i] = rnd.nextGaussian();
            }
            for (int pass = 0; pass < 2; pass++) {
                for (int j = 0; j < k; j++) {
                    double d = 0;
                    for (int i = 0; i < N; i++) {
                        d += q[k][i] * q[j][i];
                    }
                    for (int i = 0; i < N; i++) {
                        q[k][i] -= d * q[j][i];
                    }
                }
            }
            double norm = 0;
            for (int i = 0; i < N; i++) {
                norm += q[k][i] * q[k][i];
            }
            for (int i = 0; i < N; i++) {
                q[k][i] /= Math.sqrt(norm);
            }
        }
        double[] s = new double[N * N];
        for (int i = 0; i < N; i++) {
            for (int j = 0; j <= i; j++) {
                double v = 0;
                for (int k = 0; k < N; k++) {
                    v += q[k][i] * lambda[k] * q[k][j];
                }
                s[i * N + j] = v;
                s[j * N + i] = v;
            }
        }
        return s;
    }
}
