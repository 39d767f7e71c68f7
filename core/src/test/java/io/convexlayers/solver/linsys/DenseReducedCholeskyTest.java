// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.solver.linsys;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The per-lane dense reduced Cholesky: the linear-system contract, its kernel choice, and rows added to
 * the reduced matrix (a second-order cone's W⁻¹A) checked against EJML's solve of the KKT matrix with
 * UᵀU added to its first block.
 */
class DenseReducedCholeskyTest extends LinearSystemContract {
    @Override
    LinearSystem create(TileMatrices mats) {
        return new DenseReducedCholesky(mats, false);
    }

    @Override
    boolean shared() {
        return false;
    }

    @Test
    void denseRowsUsePanelsAndSparseRowsScatter() {
        RandomKkt dense = RandomKkt.create(5, RandomKkt.Spec.of(30, 50, 8, 1.0));
        ReducedMatrixAssembler a = new DenseReducedCholesky(dense.mats, false).assembler();
        assertTrue(a.usesPanels());
        assertFalse(a.usesScatter());
        RandomKkt sparse = RandomKkt.create(6, RandomKkt.Spec.of(200, 300, 8, 0.01));
        ReducedMatrixAssembler b = new DenseReducedCholesky(sparse.mats, false).assembler();
        assertTrue(b.usesScatter());
        assertFalse(b.usesPanels());
    }

    /**
     * The reduced matrix with the SIMD kernels (panels filled straight from A) is the scalar loops' matrix
     * bit for bit: dense blocks (full panels), half-dense ones (panels with gaps) and sparse ones (scatter).
     */
    @ParameterizedTest(name = "density={0}")
    @ValueSource(doubles = {1.0, 0.8, 0.02})
    void theReducedMatrixIsTheScalarOneBitForBit(double density) {
        org.junit.jupiter.api.Assumptions.assumeTrue(io.convexlayers.batch.LaneSimd.available());
        RandomKkt kkt = RandomKkt.create(17, RandomKkt.Spec.of(23, 41, 8, density));
        int n = kkt.mats.n();
        double[] rhoY = kkt.rhoY(0.5, 3, false);
        ReducedMatrixAssembler assembler = new DenseReducedCholesky(kkt.mats, false).assembler();
        double[][] out = new double[2][PackedCholesky.packedLength(n, 8)];
        try {
            io.convexlayers.batch.LaneSimd.setEnabled(false);
            assembler.assemble(0.25, rhoY, out[0]);
            io.convexlayers.batch.LaneSimd.setEnabled(true);
            assembler.assemble(0.25, rhoY, out[1]);
        } finally {
            io.convexlayers.batch.LaneSimd.setEnabled(true);
        }
        for (int t = 0; t < out[0].length; t++) {
            assertEquals(Double.doubleToRawLongBits(out[0][t]), Double.doubleToRawLongBits(out[1][t]), "entry " + t);
        }
    }

    @Test
    void names() {
        RandomKkt kkt = RandomKkt.create(7, RandomKkt.Spec.of(4, 5, 2, 0.5));
        LinearSystem sys = new DenseReducedCholesky(kkt.mats, false);
        assertEquals("dense-cholesky", sys.name());
        assertFalse(sys.sharedFactor());
    }

    @ParameterizedTest(name = "lanes={0}")
    @ValueSource(ints = {3, 8})
    void addedRowsEnterTheReducedMatrix(int lanes) {
        RandomKkt kkt = RandomKkt.create(91 + lanes, RandomKkt.Spec.of(19, 23, lanes, 0.4));
        int n = kkt.mats.n();
        int m = kkt.mats.m();
        int rows = 7;
        Random rnd = new Random(lanes);
        double[] rhoY = new double[m * lanes];
        for (int t = 0; t < rhoY.length; t++) {
            rhoY[t] = 0.1 + rnd.nextDouble();
        }
        double[] panel = new double[n * rows * lanes];
        for (int t = 0; t < panel.length; t++) {
            panel[t] = rnd.nextGaussian();
        }
        DenseReducedCholesky sys = new DenseReducedCholesky(kkt.mats, false);
        double rhoX = 1e-3;
        sys.factor(rhoX, rhoY, panel, rows);
        double[] rhs = kkt.rhs();
        double[] sol = rhs.clone();
        sys.solve(sol);
        for (int l = 0; l < lanes; l++) {
            DMatrixRMaj k = kkt.kkt(l, rhoX, rhoY);
            for (int a = 0; a < n; a++) {
                for (int b = 0; b < n; b++) {
                    double uu = 0;
                    for (int r = 0; r < rows; r++) {
                        uu += panel[(a * rows + r) * lanes + l] * panel[(b * rows + r) * lanes + l];
                    }
                    k.add(a, b, uu);
                }
            }
            DMatrixRMaj ref = new DMatrixRMaj(n + m, 1);
            assertTrue(CommonOps_DDRM.solve(k, RandomKkt.lane(rhs, n + m, lanes, l), ref));
            double err = kkt.relativeError(l, sol, ref);
            assertTrue(err <= 1e-9, "lane " + l + " error " + err);
        }
    }
}
