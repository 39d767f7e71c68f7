// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.solver.linsys;

import io.convexlayers.batch.LaneGather;
import io.convexlayers.data.SparsePattern;

/**
 * The (already equilibrated) matrices P and A of one tile of lanes: shared patterns, values either
 * shared ({@code nnz} entries) or per lane (batch-minor, {@code nnz * lanes} entries).
 *
 * @param aPattern  pattern of A (m × n)
 * @param aValues   values of A
 * @param aShared   whether {@code aValues} is stored once for all lanes
 * @param pPattern  upper-triangular pattern of P (n × n), or null when P = 0
 * @param pValues   values of P, or null
 * @param pShared   whether {@code pValues} is stored once for all lanes
 * @param lanes     number of lanes in the tile
 */
public record TileMatrices(SparsePattern aPattern, double[] aValues, boolean aShared,
                           SparsePattern pPattern, double[] pValues, boolean pShared, int lanes) {

    /**
     * The patterns alone, without values, for what depends on structure only (the sparse
     * factorization's ordering and symbolic analysis, {@link SparseLdl#factorEntries}).
     */
    public static TileMatrices structureOf(SparsePattern aPattern, SparsePattern pPattern) {
        return new TileMatrices(aPattern, null, true, pPattern, null, true, 1);
    }

    public int n() {
        return aPattern.cols();
    }

    public int m() {
        return aPattern.rows();
    }

    /** True when neither P nor A varies across the lanes. */
    public boolean allShared() {
        return aShared && (pPattern == null || pShared);
    }

    /** These matrices for lanes {@code keep} only, in that order (shared values stay shared). */
    public TileMatrices compact(int[] keep) {
        double[] a = aShared ? aValues : LaneGather.gather(aValues, lanes, keep);
        double[] p = pValues == null || pShared ? pValues : LaneGather.gather(pValues, lanes, keep);
        return new TileMatrices(aPattern, a, aShared, pPattern, p, pShared, keep.length);
    }

    /** Value of A at pattern position k for lane l. */
    public double a(int k, int l) {
        return aShared ? aValues[k] : aValues[k * lanes + l];
    }

    /** Value of P (upper triangle) at pattern position k for lane l. */
    public double p(int k, int l) {
        return pShared ? pValues[k] : pValues[k * lanes + l];
    }
}
