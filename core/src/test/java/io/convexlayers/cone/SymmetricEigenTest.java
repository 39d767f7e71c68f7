// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.cone;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SymmetricEigenTest {

    /** max |A − Zᵀ Λ Z| and max |Z Zᵀ − I|, relative to max |A|. */
    private static double[] residuals(double[] a, int k, SymmetricEigen eig) {
        double big = 0;
        for (double x : a) {
            big = Math.max(big, Math.abs(x));
        }
        double rec = 0;
        double orth = 0;
        for (int i = 0; i < k; i++) {
            for (int j = 0; j < k; j++) {
                double s = 0;
                double o = 0;
                for (int e = 0; e < k; e++) {
                    s += eig.vector(e, i) * eig.value(e) * eig.vector(e, j);
                    o += eig.vector(i, e) * eig.vector(j, e);
                }
                rec = Math.max(rec, Math.abs(s - a[i * k + j]));
                orth = Math.max(orth, Math.abs(o - (i == j ? 1 : 0)));
            }
        }
        return new double[] {big == 0 ? rec : rec / big, orth};
    }

    private static double[] fromSpectrum(double[] lambda, Random rng) {
        int k = lambda.length;
        double[][] q = PsdConeTest.randomOrthogonal(k, rng);
        double[] a = new double[k * k];
        for (int i = 0; i < k; i++) {
            for (int j = 0; j < k; j++) {
                double s = 0;
                for (int e = 0; e < k; e++) {
                    s += q[i][e] * lambda[e] * q[j][e];
                }
                a[i * k + j] = s;
            }
        }
        for (int i = 0; i < k; i++) {   // exact symmetry
            for (int j = 0; j < i; j++) {
                a[j * k + i] = a[i * k + j];
            }
        }
        return a;
    }

    private static void assertDecomposes(double[] a, int k, double[] expectedSorted) {
        SymmetricEigen eig = new SymmetricEigen(Math.max(k, 1) + 3);
        eig.decompose(a, k);
        double[] res = residuals(a, k, eig);
        assertTrue(res[0] < 1e-13 * k, "reconstruction " + res[0]);
        assertTrue(res[1] < 1e-13 * k, "orthogonality " + res[1]);
        for (int i = 1; i < k; i++) {
            assertTrue(eig.value(i - 1) <= eig.value(i), "ascending");
        }
        if (expectedSorted != null) {
            double big = 0;
            for (double x : expectedSorted) {
                big = Math.max(big, Math.abs(x));
            }
            for (int i = 0; i < k; i++) {
                assertEquals(expectedSorted[i], eig.value(i), 1e-13 * k * big, "eigenvalue " + i);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 5, 10, 25, 50})
    void randomSpectraOfManyOrders(int k) {
        Random rng = new Random(100 + k);
        double[] lambda = new double[k];
        for (int i = 0; i < k; i++) {
            lambda[i] = rng.nextGaussian();
        }
        double[] a = fromSpectrum(lambda, rng);
        double[] sorted = lambda.clone();
        Arrays.sort(sorted);
        assertDecomposes(a, k, sorted);
    }

    @Test
    void repeatedEigenvalues() {
        Random rng = new Random(7);
        double[] lambda = {2, 2, 2, 2, -1, -1, -1, 0, 0, 5};
        double[] a = fromSpectrum(lambda, rng);
        double[] sorted = lambda.clone();
        Arrays.sort(sorted);
        assertDecomposes(a, lambda.length, sorted);
    }

    @Test
    void diagonalZeroAndScaledMatrices() {
        assertDecomposes(new double[16], 4, new double[4]);
        double[] diag = new double[9];
        diag[0] = 3;
        diag[4] = -1;
        diag[8] = 2;
        assertDecomposes(diag, 3, new double[] {-1, 2, 3});
        Random rng = new Random(8);
        for (double scale : new double[] {1e-200, 1e-30, 1e30, 1e200}) {
            double[] lambda = {scale, -2 * scale, 3 * scale, 0.5 * scale};
            double[] sorted = lambda.clone();
            Arrays.sort(sorted);
            assertDecomposes(fromSpectrum(lambda, rng), 4, sorted);
        }
    }

    @Test
    void tridiagonalAndGradedMatrices() {
        int k = 20;
        double[] a = new double[k * k];
        for (int i = 0; i < k; i++) {   // the 1-D Laplacian: λ_j = 2 − 2cos(jπ/(k+1))
            a[i * k + i] = 2;
            if (i + 1 < k) {
                a[i * k + i + 1] = -1;
                a[(i + 1) * k + i] = -1;
            }
        }
        double[] expected = new double[k];
        for (int j = 1; j <= k; j++) {
            expected[j - 1] = 2 - 2 * Math.cos(j * Math.PI / (k + 1));
        }
        Arrays.sort(expected);
        assertDecomposes(a, k, expected);
        Random rng = new Random(9);
        double[] graded = new double[8];
        for (int i = 0; i < 8; i++) {
            graded[i] = Math.pow(10, 2 * i - 8) * (i % 2 == 0 ? 1 : -1);
        }
        assertDecomposes(fromSpectrum(graded, rng), 8, null);
    }

    @Test
    void onlyTheLowerTriangleIsRead() {
        double[] a = {4, 99, 1, 3};   // upper entry 99 ignored: the matrix is [[4, 1], [1, 3]]
        SymmetricEigen eig = new SymmetricEigen(2);
        eig.decompose(a, 2);
        double mid = 3.5;
        double rad = Math.sqrt(0.25 + 1);
        assertEquals(mid - rad, eig.value(0), 1e-14);
        assertEquals(mid + rad, eig.value(1), 1e-14);
    }
}
