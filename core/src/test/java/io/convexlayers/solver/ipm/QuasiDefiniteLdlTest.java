// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.solver.ipm;

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
}
