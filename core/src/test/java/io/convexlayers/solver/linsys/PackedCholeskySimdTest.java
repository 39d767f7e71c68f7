// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.solver.linsys;

import io.convexlayers.batch.LaneSimd;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The 8-lane Cholesky factorization and the reduced matrix's panel products on SIMD registers (four
 * entries of a row, two rows by four columns) against the scalar loops, bit for bit, at sizes that
 * leave every remainder of those blocks; and the factor against the matrix it factors, so that both
 * paths are right and not only alike.
 */
class PackedCholeskySimdTest {

    @AfterEach
    void restore() {
        LaneSimd.setEnabled(true);
    }

    @ParameterizedTest(name = "n = {0}")
    @ValueSource(ints = {1, 3, 4, 5, 8, 9, 14, 23})
    void theFactorIsTheScalarFactorBitForBit(int n) {
        assumeTrue(LaneSimd.available(), LaneSimd.description());
        Random rnd = new Random(100 + n);
        double[] m = new double[PackedCholesky.packedLength(n, 8)];
        for (int l = 0; l < 8; l++) {
            // M = BBᵀ + 0.5·I per lane, B Gaussian: positive definite with a spread of pivots.
            double[][] b = new double[n][n];
            for (double[] row : b) {
                for (int k = 0; k < n; k++) {
                    row[k] = rnd.nextGaussian();
                }
            }
            for (int i = 0; i < n; i++) {
                for (int j = 0; j <= i; j++) {
                    double s = i == j ? 0.5 : 0;
                    for (int k = 0; k < n; k++) {
                        s += b[i][k] * b[j][k];
                    }
                    m[(PackedCholesky.rowStart(i) + j) * 8 + l] = s;
                }
            }
        }
        if (n > 2) {
            // Lane 6 is not positive definite: NaN from its failing pivot on, in both paths alike.
            m[(PackedCholesky.rowStart(n - 1) + n - 1) * 8 + 6] = -1e3;
        }
        double[][] factors = new double[2][];
        double[][] inverses = new double[2][];
        for (int run = 0; run < 2; run++) {
            LaneSimd.setEnabled(run == 1);
            factors[run] = m.clone();
            inverses[run] = new double[n * 8];
            PackedCholesky.factor(factors[run], inverses[run], n, 8, false, new double[8]);
        }
        assertArrayEquals(factors[0], factors[1]);
        assertArrayEquals(inverses[0], inverses[1]);
        double[] l = factors[1];
        for (int lane = 0; lane < 8; lane++) {
            boolean broken = n > 2 && lane == 6;
            assertEquals(broken, Double.isNaN(l[(PackedCholesky.rowStart(n - 1) + n - 1) * 8 + lane]));
            if (broken) {
                continue;
            }
            for (int i = 0; i < n; i++) {
                assertEquals(1 / l[(PackedCholesky.rowStart(i) + i) * 8 + lane], inverses[1][i * 8 + lane], 0);
                for (int j = 0; j <= i; j++) {
                    double llt = 0;
                    for (int k = 0; k <= j; k++) {
                        llt += l[(PackedCholesky.rowStart(i) + k) * 8 + lane] * l[(PackedCholesky.rowStart(j) + k) * 8 + lane];
                    }
                    double expected = m[(PackedCholesky.rowStart(i) + j) * 8 + lane];
                    assertEquals(expected, llt, 1e-12 * (1 + Math.abs(expected)), "lane " + lane + " (" + i + ", " + j + ")");
                }
            }
        }
    }

    @ParameterizedTest(name = "n = {0}")
    @ValueSource(ints = {5, 9, 16, 23})
    void theReducedMatrixAndItsSolvesAreTheScalarOnesBitForBit(int n) {
        assumeTrue(LaneSimd.available(), LaneSimd.description());
        RandomKkt kkt = RandomKkt.create(7 + n, RandomKkt.Spec.of(n, 3 * n + 1, 8, 1.0));
        DenseReducedCholesky probe = new DenseReducedCholesky(kkt.mats, false);
        assertTrue(probe.assembler().usesPanels());
        double[] rhoY = kkt.rhoY(0.3, 0, false);
        double[] rhs = kkt.rhs();
        double[][] solutions = new double[2][];
        for (int run = 0; run < 2; run++) {
            LaneSimd.setEnabled(run == 1);
            DenseReducedCholesky system = new DenseReducedCholesky(kkt.mats, false);
            system.factor(1e-6, rhoY);
            solutions[run] = rhs.clone();
            system.solve(solutions[run]);
        }
        assertArrayEquals(solutions[0], solutions[1]);
        // The solve against the KKT matrix it stands for, lane by lane.
        int n0 = kkt.mats.n();
        int m0 = kkt.mats.m();
        for (int lane = 0; lane < 8; lane++) {
            org.ejml.data.DMatrixRMaj k = kkt.kkt(lane, 1e-6, rhoY);
            for (int r = 0; r < n0 + m0; r++) {
                double row = 0;
                for (int c = 0; c < n0 + m0; c++) {
                    row += k.get(r, c) * solutions[1][c * 8 + lane];
                }
                assertEquals(rhs[r * 8 + lane], row, 1e-8 * (1 + Math.abs(rhs[r * 8 + lane])), "lane " + lane + " row " + r);
            }
        }
    }

    @Test
    void aTileWithoutTheVectorApiStillFactorsEveryLane() {
        LaneSimd.setEnabled(false);
        double[] m = new double[PackedCholesky.packedLength(2, 8)];
        double[] inv = new double[16];
        for (int l = 0; l < 8; l++) {
            m[l] = 4;
            m[8 + l] = 2;
            m[16 + l] = 5;
        }
        PackedCholesky.factor(m, inv, 2, 8, false, new double[8]);
        for (int l = 0; l < 8; l++) {
            assertEquals(2, m[l], 0);
            assertEquals(1, m[8 + l], 0);
            assertEquals(2, m[16 + l], 0);
            assertEquals(0.5, inv[8 + l], 0);
        }
    }
}
