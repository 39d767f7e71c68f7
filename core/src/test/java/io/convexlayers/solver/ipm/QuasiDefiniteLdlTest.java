// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.solver.ipm;

import io.convexlayers.solver.hsde.Deadline;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The pivoted LDLᵀ solves random quasi-definite systems [[M, Bᵀ], [B, −N]] (M, N positive definite,
 * with diagonals spanning ten orders of magnitude, as an interior-point method's do) to a small
 * backward error, without replacing any pivot.
 */
class QuasiDefiniteLdlTest {
    @Test
    void solvesQuasiDefiniteSystems() {
        Random rnd = new Random(3);
        for (int trial = 0; trial < 10; trial++) {
            int n1 = 3 + rnd.nextInt(20);
            int n2 = 1 + rnd.nextInt(20);
            int n = n1 + n2;
            double[][] k = new double[n][n];
            for (int i = 0; i < n; i++) {
                for (int j = 0; j <= i; j++) {
                    double v = rnd.nextGaussian();
                    boolean sameBlock = (i < n1) == (j < n1);
                    k[i][j] = sameBlock ? 0.1 * v : v;
                    k[j][i] = k[i][j];
                }
                double diag = Math.pow(10, -5 + 10 * rnd.nextDouble()) + n;
                k[i][i] = i < n1 ? diag : -diag;
            }
            QuasiDefiniteLdl ldl = new QuasiDefiniteLdl(n);
            for (int i = 0; i < n; i++) {
                System.arraycopy(k[i], 0, ldl.a, i * n, n);
            }
            assertEquals(0, ldl.factor(n1, 1e-300, 1e-7), "no pivot replaced");
            double[] r = new double[n];
            for (int i = 0; i < n; i++) {
                r[i] = rnd.nextGaussian();
            }
            double[] x = r.clone();
            ldl.solve(x);
            double worst = 0;
            double scale = 0;
            for (int i = 0; i < n; i++) {
                double v = -r[i];
                for (int j = 0; j < n; j++) {
                    v += k[i][j] * x[j];
                    scale = Math.max(scale, Math.abs(k[i][j] * x[j]));
                }
                worst = Math.max(worst, Math.abs(v));
            }
            assertTrue(worst <= 1e-13 * (1 + scale), "backward error " + worst + " at scale " + scale);
        }
    }

    /** From {@link QuasiDefiniteLdl#ROWS_MIN_ORDER} on the factorization runs on row arrays: the same bits. */
    @Test
    void rowArraysGiveTheSameBitsAsTheRowMajorForm() {
        Random rnd = new Random(11);
        for (int n : new int[] {48, 97, 130}) {
            int n1 = n / 2 + 3;
            double[] k = new double[n * n];
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < i; j++) {
                    double v = rnd.nextGaussian();
                    k[i * n + j] = v;
                    k[j * n + i] = v;
                }
                double diag = Math.pow(10, -6 + 12 * rnd.nextDouble());
                k[i * n + i] = i < n1 ? diag : -diag;
            }
            k[5 * n + 5] = 0; // one pivot is replaced: both forms must replace the same one
            QuasiDefiniteLdl flat = new QuasiDefiniteLdl(n);
            QuasiDefiniteLdl byRows = new QuasiDefiniteLdl(n);
            System.arraycopy(k, 0, flat.a, 0, n * n);
            System.arraycopy(k, 0, byRows.a, 0, n * n);
            assertEquals(flat.factorFlat(n1, 1e-13, 2e-7, Deadline.NONE),
                    byRows.factorByRows(n1, 1e-13, 2e-7, Deadline.NONE));
            assertEquals(Double.doubleToLongBits(flat.smallestPivot()), Double.doubleToLongBits(byRows.smallestPivot()));
            for (int t = 0; t < n * n; t++) {
                assertEquals(Double.doubleToLongBits(flat.a[t]), Double.doubleToLongBits(byRows.a[t]), "entry " + t);
            }
            double[] x = new double[n];
            for (int i = 0; i < n; i++) {
                x[i] = rnd.nextGaussian();
            }
            double[] y = x.clone();
            flat.solve(x);
            byRows.solve(y);
            for (int i = 0; i < n; i++) {
                assertEquals(Double.doubleToLongBits(x[i]), Double.doubleToLongBits(y[i]), "solution " + i);
            }
        }
    }
}
