// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.solver.linsys;

import io.convexlayers.InvalidProblemException;
import io.convexlayers.data.SparsePattern;

/** Shape checks of {@link TileMatrices}, shared by every linear-system constructor. */
final class TileChecks {
    private TileChecks() {
    }

    /**
     * @throws InvalidProblemException naming the field whose size or structure is wrong
     */
    static void requireValid(TileMatrices mats) {
        if (mats == null) {
            throw new InvalidProblemException("mats", "must not be null");
        }
        if (mats.lanes() < 1) {
            throw new InvalidProblemException("lanes", "must be >= 1, got " + mats.lanes());
        }
        SparsePattern a = mats.aPattern();
        if (a == null) {
            throw new InvalidProblemException("A", "pattern must not be null");
        }
        long aLen = (long) a.nnz() * (mats.aShared() ? 1 : mats.lanes());
        if (mats.aValues() == null || mats.aValues().length != aLen) {
            throw new InvalidProblemException("A.values", "expected " + aLen + " values ("
                    + (mats.aShared() ? "shared" : "per lane") + "), got "
                    + (mats.aValues() == null ? "null" : mats.aValues().length));
        }
        SparsePattern p = mats.pPattern();
        if (p == null) {
            return;
        }
        if (p.rows() != a.cols() || p.cols() != a.cols()) {
            throw new InvalidProblemException("P", "expected " + a.cols() + "x" + a.cols() + ", got "
                    + p.rows() + "x" + p.cols());
        }
        if (!p.isUpperTriangular()) {
            throw new InvalidProblemException("P", "must store the upper triangle only");
        }
        long pLen = (long) p.nnz() * (mats.pShared() ? 1 : mats.lanes());
        if (mats.pValues() == null || mats.pValues().length != pLen) {
            throw new InvalidProblemException("P.values", "expected " + pLen + " values ("
                    + (mats.pShared() ? "shared" : "per lane") + "), got "
                    + (mats.pValues() == null ? "null" : mats.pValues().length));
        }
    }
}
