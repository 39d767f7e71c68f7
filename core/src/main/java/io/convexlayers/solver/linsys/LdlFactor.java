// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.solver.linsys;

/**
 * The numeric part of {@link SparseLdl}: the values of C = Π·K·Πᵀ = L·D·Lᵀ for {@code fl} factor
 * lanes (lanes innermost), computed row by row ("up-looking": row k of L solves a sparse
 * triangular system, column by column along the row's elimination subtree, with the pattern from
 * {@link LdlSymbolic}). Columns [0, split) of L are stored sparsely in the symbolic pattern;
 * columns [split, size) — a trailing block that is (nearly) full — densely by columns, so their
 * updates run on contiguous memory without index arrays. The factorization never pivots: C is
 * quasi-definite. Nothing is allocated after construction.
 */
final class LdlFactor {
    final KktPattern kkt;
    final LdlSymbolic sym;
    final int size;
    final int fl;
    /** Columns [0, split) are sparse, [split, size) the dense tail. */
    final int split;
    final int tail;
    /** Sparse columns of L, fl lanes. */
    final double[] lx;
    /**
     * Dense tail of L by columns: column c of the tail (node split + c) holds rows c+1 .. tail−1
     * from {@link #tailColumn}(c) on, fl lanes.
     */
    final double[] dense;
    /** 1/D, size × fl. */
    final double[] invD;
    /** The values of C being factored (set by {@link #factor}). */
    private double[] cx;
    /** Workspace (size × fl), kept all zero between rows. */
    private final double[] work;
    private final double[] tmp;
    private final double[] tmp2;
    /** Dynamic regularization (single factor lane only): KKT nodes below this count are x nodes. */
    private int regularizedX = -1;
    private double regularizeEps;
    private double regularizeDelta;
    private int replacedPivots;

    /**
     * @param split first column of the dense tail (size = none)
     */
    LdlFactor(KktPattern kkt, LdlSymbolic sym, int fl, int split) {
        this.kkt = kkt;
        this.sym = sym;
        this.size = kkt.size;
        this.fl = fl;
        this.split = split;
        this.tail = size - split;
        this.lx = new double[sym.lColStart[split] * fl];
        long tailEntries = (long) tail * (tail - 1) / 2 * fl;
        if (tailEntries > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("dense tail of order " + tail + " does not fit in one array");
        }
        this.dense = new double[(int) tailEntries];
        this.invD = new double[size * fl];
        this.work = new double[size * fl];
        this.tmp = new double[fl];
        this.tmp2 = new double[fl];
    }

    /**
     * Turns on dynamic regularization for the single-lane factorization: a pivot of an x node
     * (KKT node below {@code xNodes}) that is not above {@code eps}, or of a y node that is not below
     * −{@code eps}, is replaced by ±{@code delta}, so that an interior-point method's nearly singular
     * Newton matrix still factors (its iterative refinement removes the change).
     */
    void regularizeDynamically(int xNodes, double eps, double delta) {
        if (fl != 1) {
            throw new IllegalStateException("dynamic regularization is for one factor lane");
        }
        regularizedX = xNodes;
        regularizeEps = eps;
        regularizeDelta = delta;
    }

    /** Pivots the last factorization replaced (dynamic regularization). */
    int replacedPivots() {
        return replacedPivots;
    }

    /** Factors C whose upper-triangle values (in {@link KktPattern} order, fl lanes) are cx. */
    void factor(double[] cx) {
        this.cx = cx;
        if (fl == 1) {
            factorSingle();
        } else if (fl == 8) {
            factor8();
        } else {
            factorLanes();
        }
    }

    /** Adds column k of C to the work vector y (all fl lanes). */
    private void scatterColumn(int k) {
        int[] cStart = kkt.colStart;
        int[] cRow = kkt.rowIndex;
        for (int t = cStart[k]; t < cStart[k + 1]; t++) {
            int o = cRow[t] * fl;
            int c = t * fl;
            for (int l = 0; l < fl; l++) {
                work[o + l] += cx[c + l];
            }
        }
    }

    /** Start of tail column c (its entry in row c + 1) in {@link #dense}, in entries (× fl). */
    int tailColumn(int c) {
        return (int) ((long) c * (tail - 1) - (long) c * (c - 1) / 2);
    }

    private void factorSingle() {
        replacedPivots = 0;
        for (int k = 0; k < size; k++) {
            rowSingle(k);
        }
    }

    /** Row k of L and D_k, one factor lane (a method of its own so that the JIT compiles it early). */
    private void rowSingle(int k) {
        int[] lStart = sym.lColStart;
        int[] lRow = sym.lRowIndex;
        int[] rCols = sym.rowCols;
        int[] rPos = sym.rowPos;
        double[] y = work;
        scatterColumn(k);
        double dk = y[k];
        y[k] = 0;
        for (int s = sym.rowStart[k]; s < sym.rowStart[k + 1]; s++) {
            int i = rCols[s];
            if (i >= split) {
                break;
            }
            int pos = rPos[s];
            double yi = y[i];
            y[i] = 0;
            for (int q = lStart[i]; q < pos; q++) {
                y[lRow[q]] -= lx[q] * yi;
            }
            double lki = yi * invD[i];
            dk -= lki * yi;
            lx[pos] = lki;
        }
        int kk = k - split;
        for (int c = 0; c < kk; c++) {
            dk -= tailUpdateSingle(c, kk);
        }
        if (regularizedX >= 0) {
            boolean positive = kkt.perm[k] < regularizedX;
            if (positive ? !(dk > regularizeEps) : !(dk < -regularizeEps)) {
                dk = positive ? regularizeDelta : -regularizeDelta;
                replacedPivots++;
            }
        }
        invD[k] = 1.0 / dk;
    }

    /** One column step in the dense tail for row split + kk; returns L(k, i)·y_i. */
    private double tailUpdateSingle(int c, int kk) {
        double[] y = work;
        int i = split + c;
        double yi = y[i];
        y[i] = 0;
        int base = tailColumn(c) - c - 1;
        int yo = split - base;
        for (int q = base + c + 1; q < base + kk; q++) {
            y[yo + q] -= dense[q] * yi;
        }
        double lki = yi * invD[i];
        dense[base + kk] = lki;
        return lki * yi;
    }

    private void factorLanes() {
        int[] lStart = sym.lColStart;
        int[] lRow = sym.lRowIndex;
        int[] rStart = sym.rowStart;
        int[] rCols = sym.rowCols;
        int[] rPos = sym.rowPos;
        double[] y = work;
        double[] yi = tmp;
        double[] dk = tmp2;
        for (int k = 0; k < size; k++) {
            scatterColumn(k);
            int ko = k * fl;
            for (int l = 0; l < fl; l++) {
                dk[l] = y[ko + l];
                y[ko + l] = 0;
            }
            for (int s = rStart[k]; s < rStart[k + 1]; s++) {
                int i = rCols[s];
                if (i >= split) {
                    break;
                }
                int io = i * fl;
                int pos = rPos[s];
                for (int l = 0; l < fl; l++) {
                    yi[l] = y[io + l];
                    y[io + l] = 0;
                }
                for (int q = lStart[i]; q < pos; q++) {
                    int ro = lRow[q] * fl;
                    int qo = q * fl;
                    for (int l = 0; l < fl; l++) {
                        y[ro + l] -= lx[qo + l] * yi[l];
                    }
                }
                int po = pos * fl;
                for (int l = 0; l < fl; l++) {
                    double lki = yi[l] * invD[io + l];
                    dk[l] -= lki * yi[l];
                    lx[po + l] = lki;
                }
            }
            int kk = k - split;
            for (int c = 0; c < kk; c++) {
                int io = (split + c) * fl;
                for (int l = 0; l < fl; l++) {
                    yi[l] = y[io + l];
                    y[io + l] = 0;
                }
                int base = (tailColumn(c) - c - 1) * fl;
                for (int r = c + 1; r < kk; r++) {
                    int ro = (split + r) * fl;
                    int qo = base + r * fl;
                    for (int l = 0; l < fl; l++) {
                        y[ro + l] -= dense[qo + l] * yi[l];
                    }
                }
                int po = base + kk * fl;
                for (int l = 0; l < fl; l++) {
                    double lki = yi[l] * invD[io + l];
                    dk[l] -= lki * yi[l];
                    dense[po + l] = lki;
                }
            }
            for (int l = 0; l < fl; l++) {
                invD[k * fl + l] = 1.0 / dk[l];
            }
        }
    }

    /** {@link #factorLanes} for 8 lanes, the column updates' lanes in registers. */
    private void factor8() {
        for (int k = 0; k < size; k++) {
            row8(k);
        }
    }

    /** Row k of L and D_k for 8 lanes (a method of its own so that the JIT compiles it early). */
    private void row8(int k) {
        int[] lStart = sym.lColStart;
        int[] lRow = sym.lRowIndex;
        int[] rStart = sym.rowStart;
        int[] rCols = sym.rowCols;
        int[] rPos = sym.rowPos;
        double[] y = work;
        double[] dk = tmp2;
        scatterColumn(k);
        int ko = k * 8;
        for (int l = 0; l < 8; l++) {
            dk[l] = y[ko + l];
            y[ko + l] = 0;
        }
        for (int s = rStart[k]; s < rStart[k + 1]; s++) {
            int i = rCols[s];
            if (i >= split) {
                break;
            }
            int io = i * 8;
            int pos = rPos[s];
            double y0 = y[io], y1 = y[io + 1], y2 = y[io + 2], y3 = y[io + 3];
            double y4 = y[io + 4], y5 = y[io + 5], y6 = y[io + 6], y7 = y[io + 7];
            for (int l = 0; l < 8; l++) {
                y[io + l] = 0;
            }
            for (int q = lStart[i]; q < pos; q++) {
                int ro = lRow[q] * 8;
                int qo = q * 8;
                y[ro] -= lx[qo] * y0;
                y[ro + 1] -= lx[qo + 1] * y1;
                y[ro + 2] -= lx[qo + 2] * y2;
                y[ro + 3] -= lx[qo + 3] * y3;
                y[ro + 4] -= lx[qo + 4] * y4;
                y[ro + 5] -= lx[qo + 5] * y5;
                y[ro + 6] -= lx[qo + 6] * y6;
                y[ro + 7] -= lx[qo + 7] * y7;
            }
            int po = pos * 8;
            double l0 = y0 * invD[io], l1 = y1 * invD[io + 1], l2 = y2 * invD[io + 2], l3 = y3 * invD[io + 3];
            double l4 = y4 * invD[io + 4], l5 = y5 * invD[io + 5], l6 = y6 * invD[io + 6], l7 = y7 * invD[io + 7];
            dk[0] -= l0 * y0;
            dk[1] -= l1 * y1;
            dk[2] -= l2 * y2;
            dk[3] -= l3 * y3;
            dk[4] -= l4 * y4;
            dk[5] -= l5 * y5;
            dk[6] -= l6 * y6;
            dk[7] -= l7 * y7;
            lx[po] = l0;
            lx[po + 1] = l1;
            lx[po + 2] = l2;
            lx[po + 3] = l3;
            lx[po + 4] = l4;
            lx[po + 5] = l5;
            lx[po + 6] = l6;
            lx[po + 7] = l7;
        }
        int kk = k - split;
        for (int c = 0; c < kk; c++) {
            int io = (split + c) * 8;
            int base = (tailColumn(c) - c - 1) * 8;
            tailUpdate8(y, io, base, (split + c + 1) * 8, base + (c + 1) * 8, kk - c - 1, dk);
        }
        for (int l = 0; l < 8; l++) {
            invD[k * 8 + l] = 1.0 / dk[l];
        }
    }

    /**
     * One column step of {@link #factor8} in the dense tail: with yi = y[io..io+8) (then zeroed),
     * y[yo + 8r ..] −= L[lo + 8r ..]·yi for r &lt; count (contiguous), then L(k, i) = yi/D_i is
     * stored after them and dk −= L(k, i)·yi.
     */
    private void tailUpdate8(double[] y, int io, int base, int yo, int lo, int count, double[] dk) {
        double y0 = y[io], y1 = y[io + 1], y2 = y[io + 2], y3 = y[io + 3];
        double y4 = y[io + 4], y5 = y[io + 5], y6 = y[io + 6], y7 = y[io + 7];
        for (int l = 0; l < 8; l++) {
            y[io + l] = 0;
        }
        int end = count * 8;
        for (int t = 0; t < end; t += 8) {
            int ro = yo + t;
            int qo = lo + t;
            y[ro] -= dense[qo] * y0;
            y[ro + 1] -= dense[qo + 1] * y1;
            y[ro + 2] -= dense[qo + 2] * y2;
            y[ro + 3] -= dense[qo + 3] * y3;
            y[ro + 4] -= dense[qo + 4] * y4;
            y[ro + 5] -= dense[qo + 5] * y5;
            y[ro + 6] -= dense[qo + 6] * y6;
            y[ro + 7] -= dense[qo + 7] * y7;
        }
        int po = lo + end;
        double l0 = y0 * invD[io], l1 = y1 * invD[io + 1], l2 = y2 * invD[io + 2], l3 = y3 * invD[io + 3];
        double l4 = y4 * invD[io + 4], l5 = y5 * invD[io + 5], l6 = y6 * invD[io + 6], l7 = y7 * invD[io + 7];
        dk[0] -= l0 * y0;
        dk[1] -= l1 * y1;
        dk[2] -= l2 * y2;
        dk[3] -= l3 * y3;
        dk[4] -= l4 * y4;
        dk[5] -= l5 * y5;
        dk[6] -= l6 * y6;
        dk[7] -= l7 * y7;
        dense[po] = l0;
        dense[po + 1] = l1;
        dense[po + 2] = l2;
        dense[po + 3] = l3;
        dense[po + 4] = l4;
        dense[po + 5] = l5;
        dense[po + 6] = l6;
        dense[po + 7] = l7;
    }
}
