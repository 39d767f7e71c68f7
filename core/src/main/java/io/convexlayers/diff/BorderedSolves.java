// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.diff;

/**
 * Solves with the bordered matrix B of a {@link BorderedPseudoInverse}: by its LU factors
 * ({@link LuSolves}) or by a low-rank update of another B's solves ({@link RankTwoUpdate}).
 */
interface BorderedSolves {
    /** B⁻¹·b (b unchanged); null when the result is not finite. */
    double[] solve(double[] b);

    /** B⁻ᵀ·b (b unchanged); null when the result is not finite. */
    double[] solveTranspose(double[] b);

    /** How many updates lie between these solves and an LU factorization (0 for the LU itself). */
    int depth();
}
