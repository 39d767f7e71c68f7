// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.solver.linsys;

/**
 * Everything about a tile's sparse LDLᵀ factorization that depends only on structure: the
 * approximate-minimum-degree ordering of the KKT matrix, the permuted pattern with its value
 * sources, and the symbolic factorization. Computed once per problem structure.
 */
final class LdlAnalysis {
    final KktPattern kkt;
    final LdlSymbolic symbolic;

    LdlAnalysis(KktPattern kkt, LdlSymbolic symbolic) {
        this.kkt = kkt;
        this.symbolic = symbolic;
    }

    static LdlAnalysis of(TileMatrices mats) {
        int size = mats.n() + mats.m();
        int[][] graph = KktPattern.graph(mats);
        int[] perm = MinimumDegreeOrdering.order(size, graph[0], graph[1]);
        return withOrder(mats, perm);
    }

    /** The analysis for a given elimination order (perm[k] = KKT node eliminated k-th). */
    static LdlAnalysis withOrder(TileMatrices mats, int[] perm) {
        KktPattern kkt = KktPattern.permuted(mats, perm);
        return new LdlAnalysis(kkt, new LdlSymbolic(kkt.size, kkt.colStart, kkt.rowIndex));
    }
}
