// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.batch;

/**
 * The lane loops of an 8-lane tile (batch-minor: entry i of lane l at {@code i * 8 + l}) that have
 * a SIMD implementation: one vector register holds the eight lanes of an entry. Each method computes
 * exactly what the scalar loop it replaces computes, operation by operation in the same order (no
 * fused multiply-add), so that results are the same bits with or without it. {@link LaneSimd} says
 * whether an implementation is in use; callers keep their scalar loops for every other case.
 */
public interface Lanes8Kernels {
    /** The width of the vectors the kernels run on, in bits: 512 (one per tile entry) or 256 (two). */
    int vectorBits();

    /**
     * out += M·x for a CSC matrix (values per lane, or shared when {@code shared}).
     *
     * @see TileSparse#multiplyAdd
     */
    void multiplyAdd(int cols, int[] colStart, int[] rowIndex, double[] values, boolean shared,
                     double[] x, int xOff, double[] out, int outOff);

    /**
     * out += Mᵀ·y, each column's sum formed apart from out and then added.
     *
     * @see TileSparse#transposeMultiplyAdd
     */
    void transposeMultiplyAdd(int cols, int[] colStart, int[] rowIndex, double[] values, boolean shared,
                              double[] y, int yOff, double[] out, int outOff);

    /**
     * {@link #multiplyAdd} of x into {@code outAx} and {@link #transposeMultiplyAdd} of y into
     * {@code outAty} (per-lane values, offsets zero) in one sweep, each output's sum in the order of its
     * own kernel: the same bits as the two calls, with each value loaded once.
     */
    void multiplyBothAdd(int cols, int[] colStart, int[] rowIndex, double[] values, double[] x, double[] outAx,
                         double[] y, double[] outAty);

    /**
     * out += S·x for the symmetric S whose upper triangle a CSC pattern stores: column by column, each
     * entry adding to its row's and (off the diagonal) its column's output, in the pattern's order.
     *
     * @see TileSparse#symmetricMultiplyAdd
     */
    void symmetricMultiplyAdd(int cols, int[] colStart, int[] rowIndex, double[] values, boolean shared,
                              double[] x, int xOff, double[] out, int outOff);

    /**
     * Solves L·w = b in place, L packed row by row ({@code sharedFactor}: one factor for all lanes,
     * else 8 factor lanes innermost), {@code scale} = 1/L_ii or null for a unit diagonal.
     */
    void forwardSolve(double[] factor, double[] scale, int n, boolean sharedFactor, double[] z, int off);

    /** Solves Lᵀ·x = w in place; the layout of {@link #forwardSolve}. */
    void backwardSolve(double[] factor, double[] scale, int n, boolean sharedFactor, double[] z, int off);

    /** out[o..o+8) += Σ_q panel[pa + 8q + l]·panel[pb + 8q + l], q below {@code stride / 8}. */
    void dotAdd(double[] panel, int pa, int pb, int stride, double[] out, int o);

    /**
     * {@link #dotAdd} of one column {@code pa} against four consecutive columns {@code pb + k·stride}
     * (k = 0 … 3) into {@code out} at {@code o0 … o3}: four independent sums, each in the order of
     * {@link #dotAdd}, sharing the loads of column {@code pa}.
     */
    void dotAdd4(double[] panel, int pa, int pb, int stride, double[] out, int o0, int o1, int o2, int o3);

    /**
     * {@link #dotAdd4} for two columns at once: columns {@code pa} and {@code pa + stride} against the
     * four from {@code pb}, into {@code out} at {@code baseA + 8·cols[c + k]} and
     * {@code baseB + 8·cols[c + k]} (k = 0 … 3); eight independent sums, each in {@link #dotAdd}'s order.
     */
    void dotAdd2x4(double[] panel, int pa, int pb, int stride, int[] cols, int c, int baseA, int baseB,
                   double[] out);

    /**
     * {@link #dotAdd2x4} for four columns at once: columns {@code pa + r·stride} (r = 0 … 3) against the
     * four from {@code pb}, into {@code out} at {@code base_r + 8·cols[c + k]}; sixteen independent sums,
     * each in {@link #dotAdd}'s order. Eight loads per step serve sixteen products (six served eight),
     * which needs the 32 registers of 512-bit vectors: callers use it where {@link #vectorBits} is 512.
     */
    void dotAdd4x4(double[] panel, int pa, int pb, int stride, int[] cols, int c, int base0, int base1, int base2,
                   int base3, double[] out);

    /**
     * Cholesky factorization in place of eight packed lower triangles (row i's entries from
     * {@code i(i+1)/2·8}, lanes innermost), {@code invDiag[j·8 + l]} = 1/L_jj: per entry,
     * s = Σ_{t<j} L_it·L_jt in t order from zero, then L_ij = (M_ij − s)·(1/L_jj) off the diagonal and
     * L_jj = √(M_jj − s) on it (NaN where that is not positive), as the scalar loop computes.
     */
    void choleskyFactor(double[] a, double[] invDiag, int n);

    /**
     * Equilibration's norms of a CSC matrix with per-lane values: column norms into {@code colNorm}
     * and row norms into {@code rowNorm} (∞-norm, or squared ℓ2 when {@code l2}); for a symmetric
     * matrix stored by its upper triangle ({@code symmetric}), off-diagonal entries count for their
     * row's column too and {@code rowNorm} is unused.
     */
    void accumulateNorms(int cols, int[] colStart, int[] rowIndex, double[] values, double[] rowNorm,
                         double[] colNorm, boolean l2, boolean symmetric);

    /**
     * {@link #applyFactors} and then {@link #accumulateNorms} of the scaled values in one sweep (each
     * entry scaled, then counted, in the two sweeps' order: the same bits); for a symmetric matrix the
     * row factors are the column factors and {@code rowNorm} is unused.
     */
    void scaleAndAccumulateNorms(int cols, int[] colStart, int[] rowIndex, double[] values, double[] rowFactor,
                                 double[] colFactor, double[] rowNorm, double[] colNorm, boolean l2, boolean symmetric);

    /**
     * norms[i] ← 1/√min(max(norms[i], min), max), or 1 where norms[i] is 0, for i &lt; {@code count} (a
     * multiple of 8): the equilibration's factors from its norms, with the scalar loop's bits (IEEE
     * square root and division are correctly rounded either way).
     */
    void toFactors(double[] norms, int count, double min, double max);

    /** values(k, l) *= rowFactor(row k, l)·colFactor(column of k, l) for a CSC matrix with per-lane values. */
    void applyFactors(int cols, int[] colStart, int[] rowIndex, double[] values, double[] rowFactor,
                      double[] colFactor);

    /**
     * out[l] = Σ_{i < count} v[i·8 + l]², summed as {@link LaneSums four interleaved partial sums}: the
     * same bits as every other tile width's sum of one lane.
     */
    void sumSquares(double[] v, int count, double[] out);

    /** v[i·8 + l] *= factor[l] for i below {@code count}. */
    void scaleLanes(double[] v, int count, double[] factor);

    /**
     * The first-order step's τ equation sums over i below {@code count}, per lane, written to a, b, c:
     * a = Σ r·g·g, b = Σ r·(μ·g − 2·p·g), c = Σ r·p·(p − μ), each as {@link LaneSums four interleaved
     * partial sums}.
     */
    void tauCoefficients(double[] r, double[] g, double[] p, double[] mu, int count, double[] a, double[] b,
                         double[] c);

    /** u[i·8 + l] −= factor[l]·g[i·8 + l] for i below {@code count}. */
    void subtractScaled(double[] u, double[] factor, double[] g, int count);

    /** acc[l] = max(acc[l], |v[i·8 + l]|) for i below {@code count} ({@link Math#max} and {@link Math#abs}). */
    void maxAbs(double[] v, int count, double[] acc);

    /**
     * out[l] = min(out[l], −v/dv) over the rows i in [from, to) where dv[i·8 + l] &lt; 0: the longest step
     * along dv that keeps v nonnegative ({@link Math#min}; a minimum, so the order does not matter).
     */
    void stepLimits(double[] v, double[] dv, int from, int to, double[] out);

    /**
     * The termination maxima of a residual with three scaled terms, per lane over rows i below {@code count}:
     * with u = p·inv, v = q·inv, w = r·inv and t = invT[l], out[k·8 + l] for k = 0 … 6 holds the maxima of
     * |(u + v)·t ∓ w| (minus when {@code subtract}), |u·t|, |v·t|, |w|, |u + v|, |u| and |v|.
     */
    void residualMaxima(double[] p, double[] q, double[] r, double[] inv, double[] invT, boolean subtract, int count,
                        double[] out);

    /** dst[dstOff + l] = src[srcOff + l]·factor[l] for the eight lanes of one entry. */
    void scaleEntry(double[] src, int srcOff, double[] factor, double[] dst, int dstOff);

    /** out[i] = 1/√v[i] for i below {@code count} (a multiple of 8), the scalar {@code 1.0 / Math.sqrt(v)}'s bits. */
    void inverseSqrt(double[] v, int count, double[] out);

    /**
     * The entries t in [from, to) of one row scaled into a panel:
     * dst[slot[t]·stride + dstOff + l] = src[entry[t]·8 + l]·factor[factorOff + l] for the eight lanes.
     */
    void scaleRowInto(double[] src, int[] entry, int[] slot, int from, int to, double[] factor, int factorOff,
                      double[] dst, int stride, int dstOff);

    /** {@link LaneLoops#addScaled} in a tile of eight. */
    void addScaled(double[] x, double[] a, double[] y, int from, int to, double[] out);

    /** {@link LaneLoops#addScaledWhereNumber(double[], int, double[], double[], int, int, int)} in a tile of eight. */
    void addScaledWhereNumber(double[] x, int xFrom, double[] a, double[] y, int yFrom, int rows);

    /** {@link LaneLoops#negatedScaledPlus} in a tile of eight. */
    void negatedScaledPlus(double[] a, double[] r, double[] plus, int from, int to, double[] out);

    /** {@link LaneLoops#dotAdd} in a tile of eight. */
    void laneDotAdd(double[] u, double[] v, int from, int to, double[] out);

    /** {@link LaneLoops#shiftedDotAdd} in a tile of eight. */
    void shiftedDotAdd(double[] c, double[] p, double[] s, double[] u, int count, double[] out);

    /** {@link LaneLoops#residualRows} in a tile of eight. */
    void residualRows(double[] p, double[] q, double[] c, double[] tau, boolean minus, double[] u, int count,
                      double[] r, double[] out1, double[] out2);

    /** {@link LaneLoops#correctorTarget} in a tile of eight. */
    void correctorTarget(double[] lambda, double[] ds, double[] dz, double[] w, double[] shift, int from, int to,
                         double[] out);

    /** {@link LaneLoops#scaling} in a tile of eight. */
    void scaling(double[] s, double[] z, boolean[] on, int from, int to, double[] w, double[] lambda,
                 boolean[] interior);

    /** out[outOff + l] = a[aOff + l]·b[bOff + l] − c[cOff + l]·d[dOff + l] for the eight lanes of one entry. */
    void productDifference(double[] a, int aOff, double[] b, int bOff, double[] c, int cOff, double[] d, int dOff,
                           double[] out, int outOff);

    /**
     * out[outOff + l] = factor·(r[w + l]·x[i + l]·x[j + l] − 0.5·(r[i + l]·x[j + l] + x[i + l]·r[j + l])) for the
     * eight lanes of one entry: a symmetric matrix's gradient entry from the rank-one terms r_w·x·xᵀ and
     * sym(r·xᵀ).
     */
    void symmetricGradient(double[] r, int w, double[] x, int i, int j, double factor, double[] out, int outOff);

    /** {@link LaneLoops#unscaledResidualRows} in a tile of eight (maxima and sums already zeroed). */
    void unscaledResidualRows(double[] p, double[] q, int qOff, double[] r, double[] scale, double[] t, double[] sigma,
                              boolean subtract, double[] u, int uOff, int count, double[] maxima, double[] sums,
                              double[] sums2);
}
