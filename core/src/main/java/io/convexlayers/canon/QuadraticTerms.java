// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.canon;

import java.util.Arrays;

/**
 * The entries of the solver's P collected during canonicalization, as upper-triangle coordinates
 * (i ≤ j, in columns of x) with a parameter slot ({@link AffineTensor#CONST} for a number):
 * the objective gets ½xᵀPx with P symmetric, so a term w·tᵀQt over columns t contributes 2w·Q.
 */
final class QuadraticTerms {
    private int[] row = new int[16];
    private int[] col = new int[16];
    private int[] slot = new int[16];
    private double[] val = new double[16];
    private int count;

    int count() {
        return count;
    }

    int row(int k) {
        return row[k];
    }

    int col(int k) {
        return col[k];
    }

    int slot(int k) {
        return slot[k];
    }

    double val(int k) {
        return val[k];
    }

    private void add(int i, int j, int s, double v) {
        if (count == row.length) {
            int cap = 2 * count;
            row = Arrays.copyOf(row, cap);
            col = Arrays.copyOf(col, cap);
            slot = Arrays.copyOf(slot, cap);
            val = Arrays.copyOf(val, cap);
        }
        row[count] = Math.min(i, j);
        col[count] = Math.max(i, j);
        slot[count] = s;
        val[count++] = v;
    }

    /** Σ_a w_a · t_a² over columns t: P[t_a, t_a] += 2 w_a (a one-entry w applies to all). */
    void addSquares(int[] cols, double[] w) {
        for (int a = 0; a < cols.length; a++) {
            double wa = w[w.length == 1 ? 0 : a];
            if (wa != 0) {
                add(cols[a], cols[a], AffineTensor.CONST, 2 * wa);
            }
        }
    }

    /** w · tᵀQt for a numeric k×k matrix Q (its symmetric part is used) over distinct columns t. */
    void addForm(int[] cols, double[] q, double w) {
        int k = cols.length;
        for (int a = 0; a < k; a++) {
            for (int b = a; b < k; b++) {
                double v = a == b ? 2 * w * q[a * k + a] : w * (q[a * k + b] + q[b * k + a]);
                if (v != 0) {
                    add(cols[a], cols[b], AffineTensor.CONST, v);
                }
            }
        }
    }

    /** w · tᵀPt for a k×k parameter P at θ slots [offset, offset + k²) (row-major). */
    void addParametricForm(int[] cols, int offset, double w) {
        int k = cols.length;
        for (int a = 0; a < k; a++) {
            add(cols[a], cols[a], offset + a * k + a, 2 * w);
            for (int b = a + 1; b < k; b++) {
                add(cols[a], cols[b], offset + a * k + b, w);
                add(cols[a], cols[b], offset + b * k + a, w);
            }
        }
    }
}
