// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.solver.linsys;

import io.convexlayers.data.SparsePattern;

/**
 * The structure of the tile's (n + m) × (n + m) quasi-definite KKT matrix
 * K = [[rhoX·I + P, Aᵀ], [A, −diag(rhoY)]] (x nodes 0..n−1, y nodes n..n+m−1) under a symmetric
 * permutation: the upper triangle of C = K(perm, perm) in compressed columns, and for every entry
 * of C where its value comes from (A, P, rhoX or rhoY), so that the numeric factorization can
 * assemble C's values without searching.
 */
final class KktPattern {
    final int size;
    /** Upper triangle of C, diagonal included: column k holds rows {@code rowIndex[colStart[k] .. colStart[k+1])}. */
    final int[] colStart;
    final int[] rowIndex;
    /** C position of each A entry (A's CSC order). */
    final int[] aDest;
    /** C position of each P entry (P's CSC order); diagonal P entries share the x-diagonal position. */
    final int[] pDest;
    /** C position of the diagonal of x node j. */
    final int[] xDiagDest;
    /** C position of the diagonal of y node i. */
    final int[] yDiagDest;
    /** perm[k] = KKT node at position k; pinv its inverse. */
    final int[] perm;
    final int[] pinv;

    private KktPattern(int size, int[] colStart, int[] rowIndex, int[] aDest, int[] pDest,
                       int[] xDiagDest, int[] yDiagDest, int[] perm, int[] pinv) {
        this.size = size;
        this.colStart = colStart;
        this.rowIndex = rowIndex;
        this.aDest = aDest;
        this.pDest = pDest;
        this.xDiagDest = xDiagDest;
        this.yDiagDest = yDiagDest;
        this.perm = perm;
        this.pinv = pinv;
    }

    /** The symmetric adjacency of K's off-diagonal pattern, as {adjStart, adj}. */
    static int[][] graph(TileMatrices mats) {
        int n = mats.n();
        int m = mats.m();
        int size = n + m;
        SparsePattern a = mats.aPattern();
        SparsePattern p = mats.pPattern();
        int[] degree = new int[size + 1];
        for (int j = 0; j < n; j++) {
            for (int k = a.colStart(j); k < a.colStart(j + 1); k++) {
                degree[j]++;
                degree[n + a.rowIndex(k)]++;
            }
            if (p != null) {
                for (int k = p.colStart(j); k < p.colStart(j + 1); k++) {
                    int i = p.rowIndex(k);
                    if (i != j) {
                        degree[i]++;
                        degree[j]++;
                    }
                }
            }
        }
        int[] start = new int[size + 1];
        for (int v = 0; v < size; v++) {
            start[v + 1] = start[v] + degree[v];
        }
        int[] fill = java.util.Arrays.copyOf(start, size);
        int[] adj = new int[start[size]];
        for (int j = 0; j < n; j++) {
            for (int k = a.colStart(j); k < a.colStart(j + 1); k++) {
                int y = n + a.rowIndex(k);
                adj[fill[j]++] = y;
                adj[fill[y]++] = j;
            }
            if (p != null) {
                for (int k = p.colStart(j); k < p.colStart(j + 1); k++) {
                    int i = p.rowIndex(k);
                    if (i != j) {
                        adj[fill[i]++] = j;
                        adj[fill[j]++] = i;
                    }
                }
            }
        }
        return new int[][] {start, adj};
    }

    /** The permuted pattern for the elimination order {@code perm} (perm[k] = KKT node k-th). */
    static KktPattern permuted(TileMatrices mats, int[] perm) {
        int n = mats.n();
        int m = mats.m();
        int size = n + m;
        int[] pinv = MinimumDegreeOrdering.inverse(perm);
        SparsePattern a = mats.aPattern();
        SparsePattern p = mats.pPattern();
        int offDiagP = 0;
        if (p != null) {
            for (int j = 0; j < n; j++) {
                for (int k = p.colStart(j); k < p.colStart(j + 1); k++) {
                    if (p.rowIndex(k) != j) {
                        offDiagP++;
                    }
                }
            }
        }
        int entries = size + a.nnz() + offDiagP;
        // Entries as (row, col) of C's upper triangle; count per column, then place.
        int[] rows = new int[entries];
        int[] cols = new int[entries];
        int t = 0;
        for (int v = 0; v < size; v++) {
            rows[t] = pinv[v];
            cols[t++] = pinv[v];
        }
        int firstA = t;
        for (int j = 0; j < n; j++) {
            for (int k = a.colStart(j); k < a.colStart(j + 1); k++) {
                upper(pinv[j], pinv[n + a.rowIndex(k)], rows, cols, t++);
            }
        }
        int[] pEntry = p == null ? new int[0] : new int[p.nnz()];
        if (p != null) {
            for (int j = 0; j < n; j++) {
                for (int k = p.colStart(j); k < p.colStart(j + 1); k++) {
                    int i = p.rowIndex(k);
                    if (i != j) {
                        pEntry[k] = t;
                        upper(pinv[i], pinv[j], rows, cols, t++);
                    } else {
                        pEntry[k] = -1 - j;
                    }
                }
            }
        }
        int[] colStart = new int[size + 1];
        for (int e = 0; e < entries; e++) {
            colStart[cols[e] + 1]++;
        }
        for (int c = 0; c < size; c++) {
            colStart[c + 1] += colStart[c];
        }
        int[] next = java.util.Arrays.copyOf(colStart, size);
        int[] rowIndex = new int[entries];
        int[] dest = new int[entries];
        for (int e = 0; e < entries; e++) {
            int pos = next[cols[e]]++;
            rowIndex[pos] = rows[e];
            dest[e] = pos;
        }
        int[] xDiag = new int[n];
        int[] yDiag = new int[m];
        for (int j = 0; j < n; j++) {
            xDiag[j] = dest[j];
        }
        for (int i = 0; i < m; i++) {
            yDiag[i] = dest[n + i];
        }
        int[] aDest = new int[a.nnz()];
        for (int k = 0; k < a.nnz(); k++) {
            aDest[k] = dest[firstA + k];
        }
        int[] pDest = new int[pEntry.length];
        for (int k = 0; k < pEntry.length; k++) {
            pDest[k] = pEntry[k] < 0 ? xDiag[-1 - pEntry[k]] : dest[pEntry[k]];
        }
        return new KktPattern(size, colStart, rowIndex, aDest, pDest, xDiag, yDiag, perm, pinv);
    }

    private static void upper(int r, int c, int[] rows, int[] cols, int t) {
        rows[t] = Math.min(r, c);
        cols[t] = Math.max(r, c);
    }

    int nnz() {
        return colStart[size];
    }
}
