// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.solver.device;

/**
 * One part of the cone program's data (the values of A, P, b or c) as an affine map of the parameters,
 * data = T·[θ; 1], with T in compressed sparse rows: row r holds its columns {@code colIndex[rowStart[r]
 * .. rowStart[r + 1])} in increasing order, column {@code thetaLength} stands for the constant 1. A
 * backend that applies it must sum each row in this order to give the host's bits. {@code varies} says
 * whether the part reads a batched parameter: if not, the batch shares one value, computed from the
 * first instance's θ. Plain data; the arrays are not copied and must not be changed.
 *
 * @param rows        data entries
 * @param thetaLength entries of θ per instance
 */
public record AffineMap(int rows, int thetaLength, int[] rowStart, int[] colIndex, double[] values,
                        boolean varies) {
    public AffineMap {
        if (rowStart.length != rows + 1 || colIndex.length != rowStart[rows] || values.length != colIndex.length) {
            throw new IllegalArgumentException("inconsistent CSR arrays for " + rows + " rows");
        }
    }

    /** Stored entries of T. */
    public int nnz() {
        return colIndex.length;
    }
}
