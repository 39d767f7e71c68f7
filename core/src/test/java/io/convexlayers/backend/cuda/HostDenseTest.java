// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.backend.cuda;

import io.convexlayers.ConvexLayersException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The host's SPD inverse of the shared path, serial (small n) and parallel (n ≥ 64): K·K⁻¹ = I. */
class HostDenseTest {

    @ParameterizedTest
    @ValueSource(ints = {1, 7, 150})
    void theInverseTimesTheMatrixIsTheIdentity(int n) {
        Random rnd = new Random(n);
        double[] g = new double[n * n];
        for (int i = 0; i < g.length; i++) {
            g[i] = rnd.nextGaussian();
        }
        double[] k = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double s = i == j ? 0.5 : 0;
                for (int q = 0; q < n; q++) {
                    s += g[i * n + q] * g[j * n + q];
                }
                k[i * n + j] = s;
            }
        }
        double[] inv = HostDense.spdInverse(k.clone(), n);
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int q = 0; q < n; q++) {
                    s += k[i * n + q] * inv[q * n + j];
                }
                assertEquals(i == j ? 1 : 0, s, 1e-8, "(K K^-1)_" + i + "," + j);
            }
        }
    }

    @Test
    void anIndefiniteMatrixIsRefusedNamingTheColumn() {
        double[] k = {1, 2, 2, 1};
        ConvexLayersException e = assertThrows(ConvexLayersException.class, () -> HostDense.spdInverse(k, 2));
        assertEquals(true, e.getMessage().contains("column 1"), e.getMessage());
    }
}
