// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.solver.linsys;

import io.convexlayers.testing.Kkt;
import io.convexlayers.testing.RandomQps;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link Gmres} against systems solved independently: an exact preconditioner takes one step; a
 * preconditioner that is exact but for a rank-k perturbation — where plain refinement with it
 * contracts by only 1 − 10⁻⁶ per step — is corrected in k + 1 steps; the returned estimate is the true
 * residual; a zero right-hand side gives a zero correction.
 */
class GmresTest {
    private static double[][] randomSymmetricIndefinite(int n, Random rnd) {
        double[][] a = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j <= i; j++) {
                double v = rnd.nextGaussian();
                a[i][j] = v;
                a[j][i] = v;
            }
            a[i][i] += (i % 2 == 0 ? 1 : -1) * n; // well conditioned, indefinite, as a KKT matrix
        }
        return a;
    }

    private static Gmres.Map times(double[][] a) {
        return (in, out) -> {
            for (int i = 0; i < a.length; i++) {
                double acc = 0;
                for (int j = 0; j < a.length; j++) {
                    acc += a[i][j] * in[j];
                }
                out[i] = acc;
            }
        };
    }

    /** Gaussian elimination with partial pivoting: the independent solve. */
    private static double[] solve(double[][] a, double[] b) {
        int n = b.length;
        double[][] m = new double[n][];
        for (int i = 0; i < n; i++) {
            m[i] = java.util.Arrays.copyOf(a[i], n + 1);
            m[i][n] = b[i];
        }
        for (int k = 0; k < n; k++) {
            int p = k;
            for (int i = k + 1; i < n; i++) {
                if (Math.abs(m[i][k]) > Math.abs(m[p][k])) {
                    p = i;
                }
            }
            double[] t = m[k];
            m[k] = m[p];
            m[p] = t;
            for (int i = k + 1; i < n; i++) {
                double f = m[i][k] / m[k][k];
                for (int j = k; j <= n; j++) {
                    m[i][j] -= f * m[k][j];
                }
            }
        }
        double[] x = new double[n];
        for (int i = n - 1; i >= 0; i--) {
            double acc = m[i][n];
            for (int j = i + 1; j < n; j++) {
                acc -= m[i][j] * x[j];
            }
            x[i] = acc / m[i][i];
        }
        return x;
    }

    @Test
    void anExactPreconditionerSolvesInOneStep() {
        Random rnd = new Random(3);
        int n = 12;
        double[][] a = randomSymmetricIndefinite(n, rnd);
        double[] b = RandomQps.gaussian(n, rnd);
        double[] expected = solve(a, b);
        double[] d = new double[n];
        int[] products = new int[1];
        Gmres.Map counted = (in, out) -> {
            products[0]++;
            times(a).apply(in, out);
        };
        double estimate = new Gmres(n, 6).solve(counted, (in, out) -> System.arraycopy(solve(a, in), 0, out, 0, n),
                b, 1e-10, d);
        assertEquals(1, products[0], "one product with A");
        assertTrue(estimate <= 1e-10, "estimate " + estimate);
        assertArrayEquals(expected, d, 1e-10);
    }

    @Test
    void aLowRankErrorInThePreconditionerTakesAsManyStepsAsItsRank() {
        Random rnd = new Random(5);
        int n = 20;
        double[][] a = randomSymmetricIndefinite(n, rnd);
        // The preconditioner factors A + 10⁶·(u₁u₁ᵀ + u₂u₂ᵀ): on span{u₁, u₂} M⁻¹A is about 10⁻⁶.
        double[][] near = new double[n][n];
        double[] u1 = RandomQps.gaussian(n, rnd);
        double[] u2 = RandomQps.gaussian(n, rnd);
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                near[i][j] = a[i][j] + 1e6 * (u1[i] * u1[j] + u2[i] * u2[j]);
            }
        }
        double[] b = RandomQps.gaussian(n, rnd);
        double[] expected = solve(a, b);
        Gmres.Map preconditioner = (in, out) -> System.arraycopy(solve(near, in), 0, out, 0, n);
        // Plain refinement with that preconditioner: ten steps leave most of the error.
        double[] x = new double[n];
        double[] r = b.clone();
        double[] ax = new double[n];
        for (int step = 0; step < 10; step++) {
            double[] c = solve(near, r);
            for (int i = 0; i < n; i++) {
                x[i] += c[i];
            }
            times(a).apply(x, ax);
            for (int i = 0; i < n; i++) {
                r[i] = b[i] - ax[i];
            }
        }
        assertTrue(Kkt.maxDiff(x, expected) > 1e-3 * Kkt.maxAbs(expected), "refinement stalls: " + Kkt.maxDiff(x, expected));
        double[] d = new double[n];
        double estimate = new Gmres(n, 5).solve(times(a), preconditioner, b, 1e-11, d);
        assertTrue(Kkt.maxDiff(d, expected) <= 1e-8 * Kkt.maxAbs(expected), "GMRES: " + Kkt.maxDiff(d, expected));
        // The estimate is the true relative residual (to rounding).
        times(a).apply(d, ax);
        double res = 0;
        double bn = 0;
        for (int i = 0; i < n; i++) {
            res += (b[i] - ax[i]) * (b[i] - ax[i]);
            bn += b[i] * b[i];
        }
        assertEquals(Math.sqrt(res / bn), estimate, 1e-9);
    }

    @Test
    void aZeroRightHandSideGivesAZeroCorrection() {
        double[] d = {1, 2, 3};
        double estimate = new Gmres(3, 2).solve((in, out) -> System.arraycopy(in, 0, out, 0, 3),
                (in, out) -> System.arraycopy(in, 0, out, 0, 3), new double[3], 1e-6, d);
        assertEquals(0, estimate);
        assertArrayEquals(new double[3], d);
        assertThrows(IllegalArgumentException.class, () -> new Gmres(3, 0));
    }
}
