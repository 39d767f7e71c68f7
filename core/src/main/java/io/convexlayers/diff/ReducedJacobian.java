// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.diff;

import io.convexlayers.diff.residual.ResidualMapOperator;
import io.convexlayers.cone.ConeDerivative;
import io.convexlayers.data.SparsePattern;

/**
 * M restricted to its active coordinates, formed densely for one lane straight from the program's
 * sparse data (no operator applications).
 *
 * <p>Where DΠ(z) has an all-zero row and column — a nonnegative row with s &gt; 0, a cone block whose
 * dual projection is locally zero — M's column is the unit vector, so with S the other coordinates
 * (x, τ and the active rows of y) and N those,
 * <pre>
 *   M = [ M_SS  0 ]      M_SS = (DQ_SS − I)·DΠ_SS + I,   M_NS = DQ_NS·DΠ_SS.
 *       [ M_NS  I ]
 * </pre>
 * A solve with M then needs only M_SS: M·u = r gives u_S from M_SS·u_S = r_S and
 * u_N = r_N − M_NS·u_S; Mᵀ·g = d gives g_N = d_N and M_SSᵀ·g_S = d_S − M_NSᵀ·d_N. With fixed u_N
 * (g_N), least squares and minimum norm carry over, so pinv(M) is applied exactly through
 * pinv(M_SS). For an LP or a QP, DΠ_SS = I and M_SS is the KKT matrix of the active constraints
 * bordered by the τ row and column — typically well under half of n + m + 1.
 */
final class ReducedJacobian {
    /** The active coordinates S, ascending indices into (x, y, τ). */
    final int[] coords;
    /** M_SS, row-major. */
    final double[][] matrix;
    /** z_S = (x, (y − s)_S, 1): M_SS·z_S = 0. */
    final double[] nullVector;

    private ReducedJacobian(int[] coords, double[][] matrix, double[] nullVector) {
        this.coords = coords;
        this.matrix = matrix;
        this.nullVector = nullVector;
    }

    int size() {
        return coords.length;
    }

    /**
     * The dense blocks of DΠ_{K*} after the diagonal rows, for every lane of the tile at once:
     * {@code blocks[k]} holds block k row-major, lane-minor (entry (i, j) of lane l at
     * (i·size + j)·lanes + l).
     */
    static double[][] coneBlocks(ConeDerivative cone) {
        int lanes = cone.lanes();
        int rows = cone.dims().rows();
        int[] bounds = cone.blockBounds();
        int count = bounds.length - 1;
        double[][] blocks = new double[count][];
        int maxSize = 0;
        for (int k = 0; k < count; k++) {
            int size = bounds[k + 1] - bounds[k];
            blocks[k] = new double[size * size * lanes];
            maxSize = Math.max(maxSize, size);
        }
        double[] unit = new double[rows * lanes];
        double[] col = new double[rows * lanes];
        // DΠ is block diagonal, so one application to the sum of the j-th unit vectors of every block
        // yields column j of every block at once: (largest block) applications instead of (rows), which
        // made 65 536 exponential cones take hours.
        for (int j = 0; j < maxSize; j++) {
            for (int k = 0; k < count; k++) {
                if (bounds[k] + j < bounds[k + 1]) {
                    java.util.Arrays.fill(unit, (bounds[k] + j) * lanes, (bounds[k] + j + 1) * lanes, 1);
                }
            }
            cone.apply(unit, 0, col, 0);
            for (int k = 0; k < count; k++) {
                int start = bounds[k];
                int size = bounds[k + 1] - start;
                if (j >= size) {
                    continue;
                }
                java.util.Arrays.fill(unit, (start + j) * lanes, (start + j + 1) * lanes, 0);
                double[] block = blocks[k];
                for (int i = 0; i < size; i++) {
                    for (int l = 0; l < lanes; l++) {
                        block[(i * size + j) * lanes + l] = col[(start + i) * lanes + l];
                    }
                }
            }
        }
        return blocks;
    }

    /**
     * Which cone blocks after the diagonal rows are active (DΠ not zero there), per block and lane,
     * from one application of DΠ to a fixed random vector: a nonzero block maps it to a nonzero
     * image with probability one, a zero block (polar region) to exact zeros. Far cheaper than
     * {@link #coneBlocks}, so that the size of the active block is known before deciding to form it.
     */
    static boolean[][] activeBlocks(ConeDerivative cone) {
        int lanes = cone.lanes();
        int rows = cone.dims().rows();
        int[] bounds = cone.blockBounds();
        if (bounds.length < 2) {
            return new boolean[0][lanes]; // diagonal rows only (zero and nonnegative cones)
        }
        double[] probe = new double[rows * lanes];
        java.util.Random rnd = new java.util.Random(0x5eed);
        for (int k = 0; k < probe.length; k++) {
            probe[k] = rnd.nextGaussian();
        }
        double[] image = new double[rows * lanes];
        cone.apply(probe, 0, image, 0);
        boolean[][] active = new boolean[bounds.length - 1][lanes];
        for (int k = 0; k + 1 < bounds.length; k++) {
            for (int i = bounds[k]; i < bounds[k + 1]; i++) {
                for (int l = 0; l < lanes; l++) {
                    active[k][l] |= image[i * lanes + l] != 0;
                }
            }
        }
        return active;
    }

    /** The active coordinates of one lane, with the blocks' activity from {@link #activeBlocks}. */
    static int[] activeCoordinates(ResidualMapOperator op, boolean[][] activeBlocks, int lane) {
        int n = op.n();
        int m = op.m();
        ConeDerivative cone = op.coneDerivative();
        int[] coords = new int[n + m + 1];
        int count = 0;
        for (int j = 0; j < n; j++) {
            coords[count++] = j;
        }
        for (int i = 0; i < cone.diagonalRows(); i++) {
            // A vacuous zero row is a zero row and column of M: outside the block, its component zero.
            if (cone.diagonal(i, lane) != 0 && !op.vacuousRow(i, lane)) {
                coords[count++] = n + i;
            }
        }
        int[] bounds = cone.blockBounds();
        for (int k = 0; k < activeBlocks.length; k++) {
            for (int i = bounds[k]; activeBlocks[k][lane] && i < bounds[k + 1]; i++) {
                coords[count++] = n + i;
            }
        }
        coords[count++] = n + m;
        return java.util.Arrays.copyOf(coords, count);
    }

    /** The active coordinates of one lane, with the blocks' activity read off their Jacobians. */
    static int[] activeCoordinates(ResidualMapOperator op, double[][] blocks, int lane) {
        int lanes = op.lanes();
        boolean[][] active = new boolean[blocks.length][lanes];
        for (int k = 0; k < blocks.length; k++) {
            for (int e = 0; e < blocks[k].length; e++) {
                active[k][e % lanes] |= blocks[k][e] != 0;
            }
        }
        return activeCoordinates(op, active, lane);
    }

    /**
     * Forms M_SS of one lane.
     *
     * @param y solution y and s of the tile (batch-minor), for the null vector
     */
    static ReducedJacobian form(ResidualMapOperator op, double[][] blocks, int lane, double[] y, double[] s) {
        int n = op.n();
        int m = op.m();
        int lanes = op.lanes();
        int[] coords = activeCoordinates(op, blocks, lane);
        int size = coords.length;
        int[] pos = new int[n + m + 1];
        java.util.Arrays.fill(pos, -1);
        for (int k = 0; k < size; k++) {
            pos[coords[k]] = k;
        }
        double[][] a = new double[size][size];
        int tau = size - 1;
        fillDq(op, lane, pos, a, tau);
        applyConeDerivative(op.coneDerivative(), blocks, lane, n, pos, a);
        double[] z = new double[size];
        double[] x = op.x();
        for (int k = 0; k < size; k++) {
            int c = coords[k];
            if (c < n) {
                z[k] = x[c * lanes + lane];
            } else if (c < n + m) {
                int i = (c - n) * lanes + lane;
                z[k] = y[i] - s[i];
            } else {
                z[k] = 1;
            }
        }
        return new ReducedJacobian(coords, a, z);
    }

    /** a ← DQ(π)_SS (see {@link ResidualMapOperator}). */
    private static void fillDq(ResidualMapOperator op, int lane, int[] pos, double[][] a, int tau) {
        int n = op.n();
        int lanes = op.lanes();
        SparsePattern pp = op.pPattern();
        if (pp != null) {
            for (int j = 0; j < n; j++) {
                for (int k = pp.colStart(j); k < pp.colStart(j + 1); k++) {
                    int i = pp.rowIndex(k);
                    double v = op.pValue(k, lane);
                    a[i][j] += v;
                    if (i != j) {
                        a[j][i] += v;
                    }
                }
            }
        }
        SparsePattern ap = op.aPattern();
        for (int j = 0; j < n; j++) {
            for (int k = ap.colStart(j); k < ap.colStart(j + 1); k++) {
                int row = pos[n + ap.rowIndex(k)];
                if (row >= 0) {
                    double v = op.aValue(k, lane);
                    a[j][row] += v;
                    a[row][j] -= v;
                }
            }
        }
        double[] c = op.c();
        double[] c2px = op.cPlus2Px();
        for (int j = 0; j < n; j++) {
            a[j][tau] = c[j * lanes + lane];
            a[tau][j] = -c2px[j * lanes + lane];
        }
        double[] b = op.b();
        for (int i = 0; i < op.m(); i++) {
            int row = pos[n + i];
            if (row >= 0) {
                a[row][tau] = b[i * lanes + lane];
                a[tau][row] = -b[i * lanes + lane];
            }
        }
        a[tau][tau] = op.xPx()[lane];
    }

    /**
     * a ← (a − I)·DΠ_SS + I on the columns where DΠ is not the identity: the ½ of a nonnegative kink
     * and the active cone blocks.
     */
    private static void applyConeDerivative(ConeDerivative cone, double[][] blocks, int lane, int n, int[] pos,
                                            double[][] a) {
        int size = a.length;
        for (int i = 0; i < cone.diagonalRows(); i++) {
            int col = pos[n + i];
            double d = cone.diagonal(i, lane);
            if (col < 0 || d == 1) {
                continue;
            }
            for (int r = 0; r < size; r++) {
                a[r][col] *= d;
            }
            a[col][col] += 1 - d;
        }
        int lanes = cone.lanes();
        int[] bounds = cone.blockBounds();
        for (int k = 0; k < blocks.length; k++) {
            int first = pos[n + bounds[k]];
            if (first < 0) {
                continue;
            }
            int bs = bounds[k + 1] - bounds[k]; // active blocks occupy consecutive positions
            double[] block = blocks[k];
            double[] row = new double[bs];
            for (int r = 0; r < size; r++) {
                double[] ar = a[r];
                for (int j = 0; j < bs; j++) {
                    double acc = 0;
                    for (int i = 0; i < bs; i++) {
                        acc += ar[first + i] * block[(i * bs + j) * lanes + lane];
                    }
                    row[j] = acc;
                }
                int inBlock = r - first;
                for (int j = 0; j < bs; j++) {
                    double v = row[j];
                    if (inBlock >= 0 && inBlock < bs) {
                        v -= block[(inBlock * bs + j) * lanes + lane];
                        if (inBlock == j) {
                            v += 1;
                        }
                    }
                    ar[first + j] = v;
                }
            }
        }
    }
}
