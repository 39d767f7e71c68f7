// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.batch;

import io.convexlayers.data.CscMatrix;
import io.convexlayers.data.SparsePattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The tile products — the unrolled 8-, 4- and 2-lane kernels, the one-lane loops and the generic
 * lane loops — against dense products of each lane's own matrix, with shared and per-lane values,
 * at nonzero offsets, accumulating into what the output held before; and every width against one
 * lane bit for bit (lane compaction relies on it).
 */
class TileSparseTest {

    @ParameterizedTest(name = "lanes {0}, shared {1}, density {2}")
    @CsvSource({"1, true, 0.5", "1, false, 0.5", "2, true, 0.5", "2, false, 0.5", "3, true, 0.5", "3, false, 0.5",
            "4, true, 0.5", "4, false, 0.5", "8, true, 0.5", "8, false, 0.5", "1, false, 1", "2, false, 1", "8, false, 1"})
    void productsMatchDenseProductsLaneByLane(int lanes, boolean shared, double density) {
        Random rnd = new Random(lanes * 31 + (shared ? 1 : 0));
        int rows = 7;
        int cols = 5; // density 1: columns 0-3 form a full block, column 4 stays alone
        double[][] mask = new double[rows][cols];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                mask[i][j] = rnd.nextDouble() < density ? 1 : 0;
            }
        }
        SparsePattern pattern = CscMatrix.fromDense("M", mask).pattern();
        int nnz = pattern.nnz();
        double[] values = new double[shared ? nnz : nnz * lanes];
        for (int k = 0; k < values.length; k++) {
            values[k] = rnd.nextGaussian();
        }
        int off = 2 * lanes;
        double[] x = random(off + cols * lanes, rnd);
        double[] y = random(off + rows * lanes, rnd);
        double[] ax = random(off + rows * lanes, rnd);
        double[] aty = random(off + cols * lanes, rnd);
        double[] axBefore = ax.clone();
        double[] atyBefore = aty.clone();
        TileSparse.multiplyAdd(pattern, values, shared, lanes, x, off, ax, off);
        TileSparse.transposeMultiplyAdd(pattern, values, shared, lanes, y, off, aty, off);
        for (int l = 0; l < lanes; l++) {
            double[][] dense = new double[rows][cols];
            for (int j = 0; j < cols; j++) {
                for (int k = pattern.colStart(j); k < pattern.colStart(j + 1); k++) {
                    dense[pattern.rowIndex(k)][j] = shared ? values[k] : values[k * lanes + l];
                }
            }
            for (int i = 0; i < rows; i++) {
                double expect = axBefore[off + i * lanes + l];
                for (int j = 0; j < cols; j++) {
                    expect += dense[i][j] * x[off + j * lanes + l];
                }
                assertEquals(expect, ax[off + i * lanes + l], 1e-12, "A·x lane " + l + " row " + i);
            }
            for (int j = 0; j < cols; j++) {
                double expect = atyBefore[off + j * lanes + l];
                for (int i = 0; i < rows; i++) {
                    expect += dense[i][j] * y[off + i * lanes + l];
                }
                assertEquals(expect, aty[off + j * lanes + l], 1e-12, "Aᵀ·y lane " + l + " col " + j);
            }
        }
        for (int k = 0; k < off; k++) {
            assertEquals(axBefore[k], ax[k], "entries before the offset are untouched");
        }
    }

    @ParameterizedTest(name = "shared {0}, density {1}")
    @CsvSource({"true, 0.6", "false, 0.6", "true, 1", "false, 1", "true, -1", "false, -1", "true, -2", "false, -2"})
    void everyWidthComputesALaneBitForBitAsOneLaneDoes(boolean shared, double density) {
        Random rnd = new Random(shared ? 5 : 6);
        // density 1: one lane takes columns 0-7 and 8-11 as full blocks, column 12 alone. Density −2: rows
        // 0-9 but 2 and 6 in every column (eight rows shared, not all rows); −1: those and one row of
        // 10-13 per column, the same for columns 2k and 2k + 1 (a row two columns add to after the
        // shared rows). Both take columns 0-7 together in Aᵀ·y and 0-3, 4-7, 8-11 in A·x over the
        // shared rows.
        int rows = density < 0 ? 14 : 9;
        int cols = 13;
        double[][] mask = new double[rows][cols];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                if (density < 0) {
                    boolean block = i < 10 && i != 2 && i != 6;
                    boolean own = density == -1 && i == 10 + (j / 2) % 4;
                    mask[i][j] = block || own ? 1 : 0;
                } else {
                    mask[i][j] = rnd.nextDouble() < density ? 1 : 0;
                }
            }
        }
        SparsePattern pattern = CscMatrix.fromDense("M", mask).pattern();
        int nnz = pattern.nnz();
        int most = 8;
        // Per-lane data of 8 lanes; the tile of width w holds lanes [0, w).
        double[] values = random(shared ? nnz : nnz * most, rnd);
        double[] x = random(cols * most, rnd);
        double[] y = random(rows * most, rnd);
        double[] ax = random(rows * most, rnd);
        double[] aty = random(cols * most, rnd);
        double[][] oneAx = new double[most][];
        double[][] oneAty = new double[most][];
        for (int l = 0; l < most; l++) {
            double[] v = shared ? values : LaneGather.gather(values, most, new int[] {l});
            int[] lane = {l};
            oneAx[l] = LaneGather.gather(ax, most, lane);
            oneAty[l] = LaneGather.gather(aty, most, lane);
            TileSparse.multiplyAdd(pattern, v, shared, 1, LaneGather.gather(x, most, lane), 0, oneAx[l], 0);
            TileSparse.transposeMultiplyAdd(pattern, v, shared, 1, LaneGather.gather(y, most, lane), 0, oneAty[l], 0);
        }
        for (int w = 2; w <= most; w++) {
            int[] keep = new int[w];
            for (int l = 0; l < w; l++) {
                keep[l] = l;
            }
            double[] v = shared ? values : LaneGather.gather(values, most, keep);
            double[] tileAx = LaneGather.gather(ax, most, keep);
            double[] tileAty = LaneGather.gather(aty, most, keep);
            TileSparse.multiplyAdd(pattern, v, shared, w, LaneGather.gather(x, most, keep), 0, tileAx, 0);
            TileSparse.transposeMultiplyAdd(pattern, v, shared, w, LaneGather.gather(y, most, keep), 0, tileAty, 0);
            for (int l = 0; l < w; l++) {
                for (int i = 0; i < rows; i++) {
                    assertEquals(Double.doubleToLongBits(oneAx[l][i]), Double.doubleToLongBits(tileAx[i * w + l]),
                            "A·x, width " + w + ", lane " + l + ", row " + i);
                }
                for (int j = 0; j < cols; j++) {
                    assertEquals(Double.doubleToLongBits(oneAty[l][j]), Double.doubleToLongBits(tileAty[j * w + l]),
                            "Aᵀ·y, width " + w + ", lane " + l + ", column " + j);
                }
            }
        }
    }

    private static double[] random(int length, Random rnd) {
        double[] v = new double[length];
        for (int i = 0; i < length; i++) {
            v[i] = rnd.nextGaussian();
        }
        return v;
    }
}
