// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.solver.ipm;

import io.convexlayers.data.BatchConeProgram;
import io.convexlayers.data.ConeDims;
import io.convexlayers.data.SparsePattern;

/**
 * What every instance of a batch shares for the interior-point method: sizes, the cone layout
 * (zero rows first, then nonnegative rows, second-order cones and positive semidefinite cones) and the row-wise (CSR) view of
 * A's pattern with, for each CSR position, the index of the same entry in A's CSC values. Built
 * once per batch, so the per-instance work is numeric only.
 */
final class IpmLayout {
    final int n;
    final int m;
    /** Rows of the zero cone (equalities): s = 0 there, y free. */
    final int zero;
    /** Rows of the nonnegative cone, starting at row {@link #zero}. */
    final int nonneg;
    /** First row of each second-order cone; one extra entry holds m. */
    final int[] socStart;
    /** First row of each positive semidefinite cone (svec rows); one extra entry holds the end of the last. */
    final int[] psdStart;
    /** Matrix order of each positive semidefinite cone. */
    final int[] psdOrder;
    /** The cones, for the shared equilibration (one row factor per cone). */
    final ConeDims cones;
    /**
     * Degree of the cone of the inequality rows: nonnegative rows, one per second-order cone and the
     * order of each PSD cone.
     */
    final int degree;
    final SparsePattern aPattern;
    final SparsePattern pPattern;
    /** CSR structure of A: row r's entries are positions rowStart[r] … rowStart[r+1]−1. */
    final int[] rowStart;
    final int[] rowCol;
    /** For each CSR position, the index of the entry among A's CSC values. */
    final int[] rowToCsc;
    /** How the Newton system is factored for this structure. */
    final NewtonSystemChoice newton;

    IpmLayout(BatchConeProgram batch) {
        this(batch, null);
    }

    /**
     * @param newton the Newton system's factorization, or null for {@link NewtonSystemChoice}'s
     *               choice (tests force one to compare both on the same programs)
     */
    IpmLayout(BatchConeProgram batch, NewtonSystemChoice newton) {
        ConeDims k = batch.cones();
        this.cones = k;
        if (!supports(k)) {
            throw new IllegalArgumentException("the interior-point method does not support " + k);
        }
        n = batch.n();
        m = batch.m();
        zero = k.zero();
        nonneg = k.nonneg();
        int[] soc = k.soc();
        socStart = new int[soc.length + 1];
        int row = zero + nonneg;
        for (int i = 0; i < soc.length; i++) {
            socStart[i] = row;
            row += soc[i];
        }
        socStart[soc.length] = row;
        psdOrder = k.psd().clone();
        psdStart = new int[psdOrder.length + 1];
        int psdDegree = 0;
        for (int i = 0; i < psdOrder.length; i++) {
            psdStart[i] = row;
            row += ConeDims.svecLength(psdOrder[i]);
            psdDegree += psdOrder[i];
        }
        psdStart[psdOrder.length] = row;
        degree = nonneg + soc.length + psdDegree;
        aPattern = batch.aPattern();
        pPattern = batch.pPattern();
        rowStart = new int[m + 1];
        int nnz = aPattern.nnz();
        for (int q = 0; q < nnz; q++) {
            rowStart[aPattern.rowIndex(q) + 1]++;
        }
        for (int r = 0; r < m; r++) {
            rowStart[r + 1] += rowStart[r];
        }
        this.newton = newton != null ? newton : NewtonSystemChoice.of(n, m, zero, soc.length + psdOrder.length,
                aPattern, pPattern);
        rowCol = new int[nnz];
        rowToCsc = new int[nnz];
        int[] next = rowStart.clone();
        for (int j = 0; j < n; j++) {
            for (int q = aPattern.colStart(j); q < aPattern.colStart(j + 1); q++) {
                int at = next[aPattern.rowIndex(q)]++;
                rowCol[at] = j;
                rowToCsc[at] = q;
            }
        }
    }

    /**
     * Whether the interior-point method handles these cones: zero, nonnegative, second-order and
     * positive semidefinite cones. Exponential and power cones go to the first-order method.
     */
    static boolean supports(ConeDims k) {
        return k.exp() == 0 && k.dualExp() == 0 && k.power().length == 0;
    }

    /** Number of second-order cones. */
    int socCount() {
        return socStart.length - 1;
    }

    /** Number of positive semidefinite cones. */
    int psdCount() {
        return psdOrder.length;
    }
}
