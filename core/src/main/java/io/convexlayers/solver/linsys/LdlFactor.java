// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.solver.linsys;

import java.util.Arrays;

/**
 * The numeric part of {@link SparseLdl}: the values of C = Π·K·Πᵀ = L·D·Lᵀ for {@code fl} factor
 * lanes (lanes innermost), computed row by row ("up-looking": row k of L solves a sparse
 * triangular system, column by column along the row's elimination subtree, with the pattern from
 * {@link LdlSymbolic}). Columns [0, split) of L are stored sparsely in the symbolic pattern;
 * columns [split, size) — a trailing block that is (nearly) full — densely by columns, so their
 * updates run on contiguous memory without index arrays. With one factor lane the tail is the Schur
 * complement of the sparse columns, factored by {@link BlockedDenseLdl} from cache-sized panels; with
 * several lanes it is factored row by row like the sparse part. The factorization never pivots: C
 * is quasi-definite. Nothing is allocated after construction.
 */
final class LdlFactor {
    /** A sparse column is deferred when its tail entries fill at least this share of its tail rows … */
    static final double DEFERRED_DENSITY = 0.4;
    /** … and number at least this many. */
    static final int DEFERRED_MIN_ENTRIES = 16;
    /**
     * The largest tail factored by {@link BlockedDenseLdl}, whose square storage (beside the packed
     * triangle the solves read) is 512 MB at this order; larger tails are factored row by row.
     */
    static final int BLOCKED_MAX_ORDER = 8192;
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
    /** The dense tail's blocked factorization (one factor lane only; null otherwise). */
    private final BlockedDenseLdl blockedTail;
    private final BlockedDenseLdl.PivotRule tailPivots;
    /**
     * Per sparse column, where the up-looking scatter stops: its first tail entry for a column whose
     * Schur complement update is deferred to a dense rank update, else past its end.
     */
    private final int[] scatterEnd;
    /** The deferred columns, ascending, and the dense copies of their tail parts for one update. */
    private final int[] deferredColumns;
    private final double[][] deferredValues;
    /** Dynamic regularization (single factor lane only): KKT nodes below this count are x nodes. */
    private int regularizedX = -1;
    private double regularizeEps;
    private double regularizeDelta;
    private int replacedPivots;

    /**
     * @param split       first column of the dense tail (size = none)
     * @param blockedTail factor a one-lane tail by {@link BlockedDenseLdl} (other bits than the row-by-row
     *                    form: false where a factor compacted from several lanes must keep their bits)
     */
    LdlFactor(KktPattern kkt, LdlSymbolic sym, int fl, int split, boolean blockedTail) {
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
        this.blockedTail = blockedTail && fl == 1 && tail > 0 && tail <= BLOCKED_MAX_ORDER ? new BlockedDenseLdl(tail) : null;
        this.tailPivots = (c, dk) -> pivotSingle(split + c, dk);
        this.scatterEnd = new int[split];
        Arrays.fill(scatterEnd, Integer.MAX_VALUE);
        this.deferredColumns = this.blockedTail != null ? chooseDeferredColumns() : new int[0];
        this.deferredValues = new double[Math.min(deferredColumns.length, BlockedDenseLdl.BLOCK)][tail];
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

    /** Sparse columns whose tail part is applied by a dense rank update. */
    int deferredColumnCount() {
        return deferredColumns.length;
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
        for (int k = 0; k < split; k++) {
            rowSingle(k);
        }
        if (blockedTail != null) {
            factorTailSingle();
        } else {
            for (int k = split; k < size; k++) {
                rowWithTailSingle(k);
            }
        }
    }

    /** Row k (a sparse column) of L and D_k, one factor lane (a method of its own so that the JIT compiles it early). */
    private void rowSingle(int k) {
        invD[k] = 1.0 / pivotSingle(k, sparseRowSingle(k));
    }

    /**
     * Row k's part from the sparse columns: L(k, i) for i &lt; split, stored; returns what is left of
     * C(k, k). For a tail row, the work vector then holds its row of the Schur complement at the tail
     * columns before k.
     */
    private double sparseRowSingle(int k) {
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
            int deferFrom = scatterEnd[i];
            int end = Math.min(pos, deferFrom);
            for (int q = lStart[i]; q < end; q++) {
                y[lRow[q]] -= lx[q] * yi;
            }
            double lki = yi * invD[i];
            if (pos < deferFrom) { // else the dense rank update subtracts it, diagonal included
                dk -= lki * yi;
            }
            lx[pos] = lki;
        }
        return dk;
    }

    /**
     * The deferred sparse columns' part of the Schur complement, Σ_i L(tail, i)·D_i·L(tail, i)ᵀ,
     * {@value BlockedDenseLdl#BLOCK} columns per dense update.
     */
    private void subtractDeferredColumns(BlockedDenseLdl b) {
        int[] lStart = sym.lColStart;
        int[] lRow = sym.lRowIndex;
        int[] cols = deferredColumns;
        double[][] panel = b.panel();
        double[] pivots = b.panelPivots();
        for (int g = 0; g < cols.length; g += BlockedDenseLdl.BLOCK) {
            int width = Math.min(BlockedDenseLdl.BLOCK, cols.length - g);
            int first = tail;
            for (int p = 0; p < width; p++) {
                int i = cols[g + p];
                double[] v = deferredValues[p];
                Arrays.fill(v, 0.0);
                for (int q = scatterEnd[i]; q < lStart[i + 1]; q++) {
                    v[lRow[q] - split] = lx[q];
                }
                first = Math.min(first, lRow[scatterEnd[i]] - split);
                panel[p] = v;
                pivots[p] = 1 / invD[i];
            }
            b.subtractOuterProducts(first, width);
        }
    }

    /**
     * The sparse columns whose tail rows are dense enough that their Schur complement update runs
     * faster as a dense rank update (the scatter costs c²/2 indexed operations for c tail entries, the
     * dense update (tail − first row)²/2 vectorized ones, measured about 6× cheaper each). Sets
     * {@link #scatterEnd}: for such a column, the position of its first tail entry.
     */
    private int[] chooseDeferredColumns() {
        int[] lStart = sym.lColStart;
        int[] lRow = sym.lRowIndex;
        int[] chosen = new int[split];
        int count = 0;
        for (int i = 0; i < split; i++) {
            int q = lStart[i];
            int end = lStart[i + 1];
            while (q < end && lRow[q] < split) {
                q++;
            }
            int entries = end - q;
            if (entries >= DEFERRED_MIN_ENTRIES && entries >= DEFERRED_DENSITY * (size - lRow[q])) {
                scatterEnd[i] = q;
                chosen[count++] = i;
            }
        }
        return Arrays.copyOf(chosen, count);
    }

    /** The pivot of node k after dynamic regularization (when on). */
    private double pivotSingle(int k, double dk) {
        if (regularizedX >= 0) {
            boolean positive = kkt.perm[k] < regularizedX;
            if (positive ? !(dk > regularizeEps) : !(dk < -regularizeEps)) {
                replacedPivots++;
                return positive ? regularizeDelta : -regularizeDelta;
            }
        }
        return dk;
    }

    /** Row k of the tail row by row, as {@link #factorLanes} does it (the bits of a compacted factor). */
    private void rowWithTailSingle(int k) {
        double dk = sparseRowSingle(k);
        int kk = k - split;
        double[] y = work;
        for (int c = 0; c < kk; c++) {
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
            dk -= lki * yi;
        }
        invD[k] = 1.0 / pivotSingle(k, dk);
    }

    /**
     * The dense tail, one factor lane: the tail rows' sparse parts give the Schur complement of the
     * sparse columns, which {@link BlockedDenseLdl} factors; L and 1/D then go where the solver reads them.
     */
    private void factorTailSingle() {
        BlockedDenseLdl b = blockedTail;
        double[] y = work;
        for (int kk = 0; kk < tail; kk++) {
            int k = split + kk;
            double dk = sparseRowSingle(k);
            for (int c = 0; c < kk; c++) {
                b.column(c)[kk] = y[split + c];
                y[split + c] = 0;
            }
            b.column(kk)[kk] = dk;
        }
        subtractDeferredColumns(b);
        b.factor(tailPivots);
        double[] d = b.pivots();
        for (int c = 0; c < tail; c++) {
            invD[split + c] = 1.0 / d[c];
            int base = tailColumn(c) - c - 1;
            System.arraycopy(b.column(c), c + 1, dense, base + c + 1, tail - c - 1);
        }
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
