// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.batch;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Batched LSQR against direct least-squares solutions, with different matrices per lane. */
class LsqrTest {

    /** K_l dense, row-major per lane. */
    static final class DenseOp implements BatchOperator<double[]> {
        final double[][] k;
        final int rows;
        final int cols;
        final int lanes;

        DenseOp(double[][] k, int rows, int cols) {
            this.k = k;
            this.rows = rows;
            this.cols = cols;
            this.lanes = k.length;
        }

        @Override
        public int rows() {
            return rows;
        }

        @Override
        public int cols() {
            return cols;
        }

        @Override
        public void apply(double[] in, double[] out) {
            for (int l = 0; l < lanes; l++) {
                for (int i = 0; i < rows; i++) {
                    double s = 0;
                    for (int j = 0; j < cols; j++) {
                        s += k[l][i * cols + j] * in[j * lanes + l];
                    }
                    out[i * lanes + l] = s;
                }
            }
        }

        @Override
        public void applyTranspose(double[] in, double[] out) {
            for (int l = 0; l < lanes; l++) {
                for (int j = 0; j < cols; j++) {
                    double s = 0;
                    for (int i = 0; i < rows; i++) {
                        s += k[l][i * cols + j] * in[i * lanes + l];
                    }
                    out[j * lanes + l] = s;
                }
            }
        }
    }

    /** Solves (KᵀK + λ²I) x = Kᵀb directly. */
    static double[] normalEquations(double[] k, int rows, int cols, double[] b, double damp) {
        DMatrixRMaj km = new DMatrixRMaj(rows, cols, true, k);
        DMatrixRMaj ktk = new DMatrixRMaj(cols, cols);
        CommonOps_DDRM.multTransA(km, km, ktk);
        for (int j = 0; j < cols; j++) {
            ktk.add(j, j, damp * damp);
        }
        DMatrixRMaj ktb = new DMatrixRMaj(cols, 1);
        CommonOps_DDRM.multTransA(km, new DMatrixRMaj(rows, 1, true, b), ktb);
        DMatrixRMaj x = new DMatrixRMaj(cols, 1);
        assertTrue(CommonOps_DDRM.solve(ktk, ktb, x));
        return x.data;
    }

    private static void check(int rows, int cols, int lanes, double damp, long seed) {
        Random rnd = new Random(seed);
        double[][] k = new double[lanes][rows * cols];
        double[][] b = new double[lanes][rows];
        double[] rhs = new double[rows * lanes];
        for (int l = 0; l < lanes; l++) {
            for (int t = 0; t < rows * cols; t++) {
                k[l][t] = rnd.nextGaussian();
            }
            for (int i = 0; i < rows; i++) {
                b[l][i] = rnd.nextGaussian() * (l + 1);
                rhs[i * lanes + l] = b[l][i];
            }
        }
        CpuBatchVectors ops = new CpuBatchVectors(lanes);
        Lsqr<double[]> lsqr = new Lsqr<>(ops, new DenseOp(k, rows, cols), new Lsqr.Limits(1e-10, 1e-10, 1e12, 0, damp));
        double[] x = ops.newVector(cols);
        LsqrResult result = lsqr.solve(rhs, x);
        for (int l = 0; l < lanes; l++) {
            assertTrue(result.converged(l), "lane " + l + " stopped by " + result.stop()[l]);
            double[] expected = normalEquations(k[l], rows, cols, b[l], damp);
            for (int j = 0; j < cols; j++) {
                assertEquals(expected[j], x[j * lanes + l], 1e-8 * (1 + Math.abs(expected[j])), "lane " + l);
            }
        }
    }

    @Test
    void overdeterminedLeastSquares() {
        check(30, 12, 5, 0, 1);
    }

    @Test
    void squareSystems() {
        check(15, 15, 3, 0, 2);
    }

    @Test
    void dampedProblems() {
        check(10, 20, 4, 0.5, 3);
    }

    @Test
    void zeroRightHandSideStopsAtOnceAndOtherLanesGoOn() {
        int rows = 8;
        int cols = 5;
        Random rnd = new Random(4);
        double[][] k = new double[2][rows * cols];
        for (double[] kl : k) {
            for (int t = 0; t < kl.length; t++) {
                kl[t] = rnd.nextGaussian();
            }
        }
        double[] rhs = new double[rows * 2];
        double[] b1 = new double[rows];
        for (int i = 0; i < rows; i++) {
            b1[i] = rnd.nextGaussian();
            rhs[i * 2 + 1] = b1[i];
        }
        CpuBatchVectors ops = new CpuBatchVectors(2);
        double[] x = ops.newVector(cols);
        LsqrResult r = new Lsqr<>(ops, new DenseOp(k, rows, cols), new Lsqr.Limits(1e-10, 1e-10, 1e12, 0, 0)).solve(rhs, x);
        assertEquals(LsqrStop.ZERO_RHS, r.stop()[0]);
        assertEquals(0, r.iterations()[0]);
        double[] expected = normalEquations(k[1], rows, cols, b1, 0);
        for (int j = 0; j < cols; j++) {
            assertEquals(0, x[j * 2], 0);
            assertEquals(expected[j], x[j * 2 + 1], 1e-8);
        }
    }

    @Test
    void iterationLimitIsReported() {
        int rows = 40;
        int cols = 40;
        Random rnd = new Random(5);
        double[][] k = new double[1][rows * cols];
        for (int t = 0; t < rows * cols; t++) {
            k[0][t] = rnd.nextGaussian();
        }
        double[] rhs = new double[rows];
        for (int i = 0; i < rows; i++) {
            rhs[i] = 1;
        }
        CpuBatchVectors ops = new CpuBatchVectors(1);
        LsqrResult r = new Lsqr<>(ops, new DenseOp(k, rows, cols), new Lsqr.Limits(1e-10, 1e-10, 1e12, 3, 0))
                .solve(rhs, ops.newVector(cols));
        assertEquals(LsqrStop.ITERATION_LIMIT, r.stop()[0]);
        assertEquals(3, r.iterations()[0]);
        assertTrue(r.residualNorm()[0] > 1e-3);
    }
}
