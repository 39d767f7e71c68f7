package io.convexlayers.backend.cpu;

import io.convexlayers.solver.SparsePattern;

/**
 * Sparse matrix products for a tile of lanes in batch-minor layout (entry i of lane l at
 * {@code offset + i * lanes + l}). Values are either shared ({@code nnz} entries) or per lane
 * ({@code nnz * lanes}, batch-minor). The innermost loop runs over lanes, contiguous in memory.
 */
public final class TileSparse {
    private TileSparse() {
    }

    /** out += M·x for every lane. */
    public static void multiplyAdd(SparsePattern pattern, double[] values, boolean shared, int lanes,
                                   double[] x, int xOff, double[] out, int outOff) {
        int[] colStart = pattern.colStartArray();
        int[] rowIndex = pattern.rowIndexArray();
        int cols = pattern.cols();
        for (int j = 0; j < cols; j++) {
            int xj = xOff + j * lanes;
            for (int k = colStart[j]; k < colStart[j + 1]; k++) {
                int o = outOff + rowIndex[k] * lanes;
                if (shared) {
                    double a = values[k];
                    for (int l = 0; l < lanes; l++) {
                        out[o + l] += a * x[xj + l];
                    }
                } else {
                    int vk = k * lanes;
                    for (int l = 0; l < lanes; l++) {
                        out[o + l] += values[vk + l] * x[xj + l];
                    }
                }
            }
        }
    }

    /** out += Mᵀ·y for every lane. */
    public static void transposeMultiplyAdd(SparsePattern pattern, double[] values, boolean shared, int lanes,
                                            double[] y, int yOff, double[] out, int outOff) {
        int[] colStart = pattern.colStartArray();
        int[] rowIndex = pattern.rowIndexArray();
        int cols = pattern.cols();
        for (int j = 0; j < cols; j++) {
            int o = outOff + j * lanes;
            for (int k = colStart[j]; k < colStart[j + 1]; k++) {
                int yi = yOff + rowIndex[k] * lanes;
                if (shared) {
                    double a = values[k];
                    for (int l = 0; l < lanes; l++) {
                        out[o + l] += a * y[yi + l];
                    }
                } else {
                    int vk = k * lanes;
                    for (int l = 0; l < lanes; l++) {
                        out[o + l] += values[vk + l] * y[yi + l];
                    }
                }
            }
        }
    }

    /** out += S·x where S is the symmetric matrix whose upper triangle {@code pattern} stores. */
    public static void symmetricMultiplyAdd(SparsePattern pattern, double[] values, boolean shared, int lanes,
                                            double[] x, int xOff, double[] out, int outOff) {
        int[] colStart = pattern.colStartArray();
        int[] rowIndex = pattern.rowIndexArray();
        int cols = pattern.cols();
        for (int j = 0; j < cols; j++) {
            int xj = xOff + j * lanes;
            int oj = outOff + j * lanes;
            for (int k = colStart[j]; k < colStart[j + 1]; k++) {
                int i = rowIndex[k];
                int xi = xOff + i * lanes;
                int oi = outOff + i * lanes;
                int vk = k * lanes;
                for (int l = 0; l < lanes; l++) {
                    double a = shared ? values[k] : values[vk + l];
                    out[oi + l] += a * x[xj + l];
                    if (i != j) {
                        out[oj + l] += a * x[xi + l];
                    }
                }
            }
        }
    }
}
