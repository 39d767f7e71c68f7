package io.convexlayers.solver.linsys;

import java.util.Arrays;

/**
 * Solves the tile's KKT system (see {@link LinearSystem})
 * <pre>
 *   [ rhoX·I + P    Aᵀ          ] [x]   [r_x]
 *   [ A            −diag(rhoY)  ] [y] = [r_y]
 * </pre>
 * by a sparse factorization Π·K·Πᵀ = L·D·Lᵀ (L unit lower triangular, D diagonal) of the whole
 * (n + m) × (n + m) matrix (DESIGN §4, strategy (c)). K is quasi-definite for rhoX &gt; 0, P ⪰ 0
 * and rhoY &gt; 0, so every symmetric permutation has such a factorization without pivoting
 * (Vanderbei, "Symmetric quasi-definite matrices", SIAM J. Optim. 5(1), 1995): D has n positive
 * and m negative entries. Π is the {@link MinimumDegreeOrdering} of K's pattern; the symbolic
 * analysis ({@link LdlSymbolic}) is done once at construction, the numeric factorization at each
 * {@link #factor}.
 *
 * <p>Numeric factorization: row by row ("up-looking": row k of L solves a sparse triangular
 * system along the elimination tree, column by column). Fill usually concentrates in the last
 * columns; when the trailing block of L is at least {@value #DENSE_TAIL_DENSITY} full (and at
 * least {@value #DENSE_TAIL_MIN} columns) it is stored as a dense lower triangle by columns, so
 * the same column updates run on contiguous memory without index arrays.
 *
 * <p>Per-lane mode: every lane has its own values of L and D (lanes innermost), factored by one
 * vectorized pass. Shared mode: one factorization from lane 0's values and rhoY serves all lanes;
 * it requires {@link TileMatrices#allShared()} and the caller must give every lane the same rhoY.
 * Each solve costs 2·nnz(L) + 2(n + m) multiply-adds per lane and allocates nothing. A lane whose
 * data contains NaN or infinities gets NaN results; other lanes are unaffected.
 */
public final class SparseLdl implements LinearSystem {
    static final double DENSE_TAIL_DENSITY = 0.95;
    static final int DENSE_TAIL_MIN = 24;

    private final TileMatrices mats;
    private final boolean shared;
    private final int n;
    private final int m;
    private final int lanes;
    private final int fl;
    private final KktPattern kkt;
    private final LdlSymbolic sym;
    /** Columns [0, split) are sparse, [split, size) the dense tail. */
    private final int split;
    private final int tail;
    /** Values of C = Π·K·Πᵀ (upper), fl lanes. */
    private final double[] cx;
    /** Sparse columns of L, fl lanes. */
    private final double[] lx;
    /**
     * Dense tail of L by columns: column c of the tail (node split + c) holds rows c+1 .. tail−1
     * from {@link #tailColumn}(c) on, fl lanes.
     */
    private final double[] dense;
    private final double[] invD;
    /** Factor workspace (size × fl), kept all zero between rows. */
    private final double[] work;
    /** Solve workspace (size × lanes). */
    private final double[] z;
    private final double[] tmp;
    private final double[] tmp2;
    private boolean factored;

    /**
     * @param mats   the tile's matrices
     * @param shared one factorization for all lanes (requires {@code mats.allShared()})
     * @throws IllegalArgumentException when shared is requested for per-lane matrices
     */
    public SparseLdl(TileMatrices mats, boolean shared) {
        this(mats, shared, null, -1);
    }

    /** With an analysis already computed for these matrices (by the factory), or null. */
    SparseLdl(TileMatrices mats, boolean shared, LdlAnalysis analysis) {
        this(mats, shared, analysis, -1);
    }

    /**
     * @param denseTailStart first column of the dense tail (size = none), or -1 for the automatic
     *                       choice
     */
    SparseLdl(TileMatrices mats, boolean shared, LdlAnalysis analysis, int denseTailStart) {
        TileChecks.requireValid(mats);
        if (shared && !mats.allShared()) {
            throw new IllegalArgumentException("shared sparse factor needs P and A shared by all lanes");
        }
        LdlAnalysis an = analysis != null ? analysis : LdlAnalysis.of(mats);
        this.mats = mats;
        this.shared = shared;
        this.n = mats.n();
        this.m = mats.m();
        this.lanes = mats.lanes();
        this.fl = shared ? 1 : lanes;
        this.kkt = an.kkt;
        this.sym = an.symbolic;
        int size = n + m;
        this.split = denseTailStart >= 0 ? Math.min(denseTailStart, size)
                : sym.denseTailStart(DENSE_TAIL_DENSITY, DENSE_TAIL_MIN);
        this.tail = size - split;
        this.cx = new double[kkt.nnz() * fl];
        this.lx = new double[sym.lColStart[split] * fl];
        long tailEntries = (long) tail * (tail - 1) / 2 * fl;
        if (tailEntries > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("dense tail of order " + tail + " does not fit in one array");
        }
        this.dense = new double[(int) tailEntries];
        this.invD = new double[size * fl];
        this.work = new double[size * fl];
        this.z = new double[size * lanes];
        this.tmp = new double[Math.max(fl, lanes)];
        this.tmp2 = new double[Math.max(fl, lanes)];
    }

    /** Entries of L (strictly lower part) in the symbolic pattern. */
    public int factorNonzeros() {
        return sym.nnz();
    }

    /** Order of the dense trailing block (0 when L is factored sparsely throughout). */
    public int denseTailOrder() {
        return tail;
    }

    @Override
    public void factor(double rhoX, double[] rhoY) {
        LinearSystems.checkWeights(rhoX, rhoY, m, lanes);
        assemble(rhoX, rhoY);
        if (fl == 1) {
            factorSingle();
        } else if (fl == 8) {
            factor8();
        } else {
            factorLanes();
        }
        factored = true;
    }

    private void assemble(double rhoX, double[] rhoY) {
        Arrays.fill(cx, 0.0);
        for (int j = 0; j < n; j++) {
            int o = kkt.xDiagDest[j] * fl;
            for (int l = 0; l < fl; l++) {
                cx[o + l] = rhoX;
            }
        }
        for (int i = 0; i < m; i++) {
            int o = kkt.yDiagDest[i] * fl;
            for (int l = 0; l < fl; l++) {
                cx[o + l] = -rhoY[i * lanes + l];
            }
        }
        addValues(kkt.aDest, mats.aValues(), mats.aShared());
        if (mats.pPattern() != null) {
            addValues(kkt.pDest, mats.pValues(), mats.pShared());
        }
    }

    private void addValues(int[] dest, double[] values, boolean valuesShared) {
        for (int k = 0; k < dest.length; k++) {
            int o = dest[k] * fl;
            if (valuesShared) {
                double v = values[k];
                for (int l = 0; l < fl; l++) {
                    cx[o + l] += v;
                }
            } else {
                // fl = lanes here: shared mode requires shared values
                for (int l = 0; l < fl; l++) {
                    cx[o + l] += values[k * lanes + l];
                }
            }
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
    private int tailColumn(int c) {
        return (int) ((long) c * (tail - 1) - (long) c * (c - 1) / 2);
    }

    private void factorSingle() {
        int size = n + m;
        int[] lStart = sym.lColStart;
        int[] lRow = sym.lRowIndex;
        int[] rStart = sym.rowStart;
        int[] rCols = sym.rowCols;
        int[] rPos = sym.rowPos;
        double[] y = work;
        for (int k = 0; k < size; k++) {
            scatterColumn(k);
            double dk = y[k];
            y[k] = 0;
            for (int s = rStart[k]; s < rStart[k + 1]; s++) {
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
                int i = split + c;
                double yi = y[i];
                y[i] = 0;
                int base = tailColumn(c) - c - 1;
                for (int r = c + 1; r < kk; r++) {
                    y[split + r] -= dense[base + r] * yi;
                }
                double lki = yi * invD[i];
                dk -= lki * yi;
                dense[base + kk] = lki;
            }
            invD[k] = 1.0 / dk;
        }
    }

    private void factorLanes() {
        int size = n + m;
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
        int size = n + m;
        int[] lStart = sym.lColStart;
        int[] lRow = sym.lRowIndex;
        int[] rStart = sym.rowStart;
        int[] rCols = sym.rowCols;
        int[] rPos = sym.rowPos;
        double[] y = work;
        double[] dk = tmp2;
        for (int k = 0; k < size; k++) {
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

    @Override
    public void solve(double[] rhs) {
        if (!factored) {
            throw new IllegalStateException("solve before factor");
        }
        int size = n + m;
        int[] perm = kkt.perm;
        for (int k = 0; k < size; k++) {
            System.arraycopy(rhs, perm[k] * lanes, z, k * lanes, lanes);
        }
        if (lanes == 8) {
            forward8(fl == 1);
        } else {
            forwardGeneric();
        }
        forwardTail();
        if (fl == 1) {
            for (int i = 0; i < size; i++) {
                double d = invD[i];
                int io = i * lanes;
                for (int l = 0; l < lanes; l++) {
                    z[io + l] *= d;
                }
            }
        } else {
            for (int t = 0; t < size * lanes; t++) {
                z[t] *= invD[t];
            }
        }
        backwardTail();
        if (lanes == 8) {
            backward8(fl == 1);
        } else {
            backwardGeneric();
        }
        for (int k = 0; k < size; k++) {
            System.arraycopy(z, k * lanes, rhs, perm[k] * lanes, lanes);
        }
    }

    /** z[r] −= L(r, c)·z[c] over the dense tail's columns (contiguous rows). */
    private void forwardTail() {
        int ls = fl == 1 ? 0 : 1;
        double[] zc = tmp;
        for (int c = 0; c < tail; c++) {
            int co = (split + c) * lanes;
            int base = (tailColumn(c) - c - 1) * fl;
            if (lanes == 8) {
                forwardTail8(co, base + (c + 1) * fl, co + 8, tail - c - 1);
                continue;
            }
            for (int l = 0; l < lanes; l++) {
                zc[l] = z[co + l];
            }
            for (int r = c + 1; r < tail; r++) {
                int ro = (split + r) * lanes;
                int qo = base + r * fl;
                for (int l = 0; l < lanes; l++) {
                    z[ro + l] -= dense[qo + l * ls] * zc[l];
                }
            }
        }
    }

    /** One tail column of {@link #forwardTail} for 8 lanes: z[zo + 8t ..] −= L(t)·z[co..co+8). */
    private void forwardTail8(int co, int lo, int zo, int count) {
        double z0 = z[co], z1 = z[co + 1], z2 = z[co + 2], z3 = z[co + 3];
        double z4 = z[co + 4], z5 = z[co + 5], z6 = z[co + 6], z7 = z[co + 7];
        if (fl == 1) {
            for (int t = 0; t < count; t++) {
                double v = dense[lo + t];
                int ro = zo + t * 8;
                z[ro] -= v * z0;
                z[ro + 1] -= v * z1;
                z[ro + 2] -= v * z2;
                z[ro + 3] -= v * z3;
                z[ro + 4] -= v * z4;
                z[ro + 5] -= v * z5;
                z[ro + 6] -= v * z6;
                z[ro + 7] -= v * z7;
            }
        } else {
            int end = count * 8;
            for (int t = 0; t < end; t += 8) {
                int qo = lo + t;
                int ro = zo + t;
                z[ro] -= dense[qo] * z0;
                z[ro + 1] -= dense[qo + 1] * z1;
                z[ro + 2] -= dense[qo + 2] * z2;
                z[ro + 3] -= dense[qo + 3] * z3;
                z[ro + 4] -= dense[qo + 4] * z4;
                z[ro + 5] -= dense[qo + 5] * z5;
                z[ro + 6] -= dense[qo + 6] * z6;
                z[ro + 7] -= dense[qo + 7] * z7;
            }
        }
    }

    /** z[c] −= Σ_r L(r, c)·z[r] over the dense tail's columns, last to first. */
    private void backwardTail() {
        int ls = fl == 1 ? 0 : 1;
        double[] zc = tmp;
        for (int c = tail - 1; c >= 0; c--) {
            int co = (split + c) * lanes;
            int base = (tailColumn(c) - c - 1) * fl;
            if (lanes == 8) {
                backwardTail8(co, base + (c + 1) * fl, co + 8, tail - c - 1);
                continue;
            }
            for (int l = 0; l < lanes; l++) {
                zc[l] = z[co + l];
            }
            for (int r = c + 1; r < tail; r++) {
                int ro = (split + r) * lanes;
                int qo = base + r * fl;
                for (int l = 0; l < lanes; l++) {
                    zc[l] -= dense[qo + l * ls] * z[ro + l];
                }
            }
            for (int l = 0; l < lanes; l++) {
                z[co + l] = zc[l];
            }
        }
    }

    /** One tail column of {@link #backwardTail} for 8 lanes. */
    private void backwardTail8(int co, int lo, int zo, int count) {
        double z0 = z[co], z1 = z[co + 1], z2 = z[co + 2], z3 = z[co + 3];
        double z4 = z[co + 4], z5 = z[co + 5], z6 = z[co + 6], z7 = z[co + 7];
        if (fl == 1) {
            for (int t = 0; t < count; t++) {
                double v = dense[lo + t];
                int ro = zo + t * 8;
                z0 -= v * z[ro];
                z1 -= v * z[ro + 1];
                z2 -= v * z[ro + 2];
                z3 -= v * z[ro + 3];
                z4 -= v * z[ro + 4];
                z5 -= v * z[ro + 5];
                z6 -= v * z[ro + 6];
                z7 -= v * z[ro + 7];
            }
        } else {
            int end = count * 8;
            for (int t = 0; t < end; t += 8) {
                int qo = lo + t;
                int ro = zo + t;
                z0 -= dense[qo] * z[ro];
                z1 -= dense[qo + 1] * z[ro + 1];
                z2 -= dense[qo + 2] * z[ro + 2];
                z3 -= dense[qo + 3] * z[ro + 3];
                z4 -= dense[qo + 4] * z[ro + 4];
                z5 -= dense[qo + 5] * z[ro + 5];
                z6 -= dense[qo + 6] * z[ro + 6];
                z7 -= dense[qo + 7] * z[ro + 7];
            }
        }
        z[co] = z0;
        z[co + 1] = z1;
        z[co + 2] = z2;
        z[co + 3] = z3;
        z[co + 4] = z4;
        z[co + 5] = z5;
        z[co + 6] = z6;
        z[co + 7] = z7;
    }

    /** z[r] −= L(r, i)·z[i] over the sparse columns i, any lane count (ls = 0: L shared). */
    private void forwardGeneric() {
        int[] lStart = sym.lColStart;
        int[] lRow = sym.lRowIndex;
        int ls = fl == 1 ? 0 : 1;
        double[] zi = tmp;
        for (int i = 0; i < split; i++) {
            int io = i * lanes;
            for (int l = 0; l < lanes; l++) {
                zi[l] = z[io + l];
            }
            for (int q = lStart[i]; q < lStart[i + 1]; q++) {
                int qo = q * fl;
                int ro = lRow[q] * lanes;
                for (int l = 0; l < lanes; l++) {
                    z[ro + l] -= lx[qo + l * ls] * zi[l];
                }
            }
        }
    }

    /** z[i] −= Σ_r L(r, i)·z[r] over the sparse columns i, last to first. */
    private void backwardGeneric() {
        int[] lStart = sym.lColStart;
        int[] lRow = sym.lRowIndex;
        int ls = fl == 1 ? 0 : 1;
        double[] zi = tmp;
        for (int i = split - 1; i >= 0; i--) {
            int io = i * lanes;
            for (int l = 0; l < lanes; l++) {
                zi[l] = z[io + l];
            }
            for (int q = lStart[i]; q < lStart[i + 1]; q++) {
                int qo = q * fl;
                int ro = lRow[q] * lanes;
                for (int l = 0; l < lanes; l++) {
                    zi[l] -= lx[qo + l * ls] * z[ro + l];
                }
            }
            for (int l = 0; l < lanes; l++) {
                z[io + l] = zi[l];
            }
        }
    }

    /** {@link #forwardGeneric} for 8 lanes, lanes in registers; L shared (one value) or per lane. */
    private void forward8(boolean sharedL) {
        int[] lStart = sym.lColStart;
        int[] lRow = sym.lRowIndex;
        for (int i = 0; i < split; i++) {
            int io = i * 8;
            double z0 = z[io], z1 = z[io + 1], z2 = z[io + 2], z3 = z[io + 3];
            double z4 = z[io + 4], z5 = z[io + 5], z6 = z[io + 6], z7 = z[io + 7];
            int end = lStart[i + 1];
            if (sharedL) {
                for (int q = lStart[i]; q < end; q++) {
                    double v = lx[q];
                    int ro = lRow[q] * 8;
                    z[ro] -= v * z0;
                    z[ro + 1] -= v * z1;
                    z[ro + 2] -= v * z2;
                    z[ro + 3] -= v * z3;
                    z[ro + 4] -= v * z4;
                    z[ro + 5] -= v * z5;
                    z[ro + 6] -= v * z6;
                    z[ro + 7] -= v * z7;
                }
            } else {
                for (int q = lStart[i]; q < end; q++) {
                    int qo = q * 8;
                    int ro = lRow[q] * 8;
                    z[ro] -= lx[qo] * z0;
                    z[ro + 1] -= lx[qo + 1] * z1;
                    z[ro + 2] -= lx[qo + 2] * z2;
                    z[ro + 3] -= lx[qo + 3] * z3;
                    z[ro + 4] -= lx[qo + 4] * z4;
                    z[ro + 5] -= lx[qo + 5] * z5;
                    z[ro + 6] -= lx[qo + 6] * z6;
                    z[ro + 7] -= lx[qo + 7] * z7;
                }
            }
        }
    }

    /** {@link #backwardGeneric} for 8 lanes, lanes in registers. */
    private void backward8(boolean sharedL) {
        int[] lStart = sym.lColStart;
        int[] lRow = sym.lRowIndex;
        for (int i = split - 1; i >= 0; i--) {
            int io = i * 8;
            double z0 = z[io], z1 = z[io + 1], z2 = z[io + 2], z3 = z[io + 3];
            double z4 = z[io + 4], z5 = z[io + 5], z6 = z[io + 6], z7 = z[io + 7];
            int end = lStart[i + 1];
            if (sharedL) {
                for (int q = lStart[i]; q < end; q++) {
                    double v = lx[q];
                    int ro = lRow[q] * 8;
                    z0 -= v * z[ro];
                    z1 -= v * z[ro + 1];
                    z2 -= v * z[ro + 2];
                    z3 -= v * z[ro + 3];
                    z4 -= v * z[ro + 4];
                    z5 -= v * z[ro + 5];
                    z6 -= v * z[ro + 6];
                    z7 -= v * z[ro + 7];
                }
            } else {
                for (int q = lStart[i]; q < end; q++) {
                    int qo = q * 8;
                    int ro = lRow[q] * 8;
                    z0 -= lx[qo] * z[ro];
                    z1 -= lx[qo + 1] * z[ro + 1];
                    z2 -= lx[qo + 2] * z[ro + 2];
                    z3 -= lx[qo + 3] * z[ro + 3];
                    z4 -= lx[qo + 4] * z[ro + 4];
                    z5 -= lx[qo + 5] * z[ro + 5];
                    z6 -= lx[qo + 6] * z[ro + 6];
                    z7 -= lx[qo + 7] * z[ro + 7];
                }
            }
            z[io] = z0;
            z[io + 1] = z1;
            z[io + 2] = z2;
            z[io + 3] = z3;
            z[io + 4] = z4;
            z[io + 5] = z5;
            z[io + 6] = z6;
            z[io + 7] = z7;
        }
    }

    @Override
    public boolean sharedFactor() {
        return shared;
    }

    @Override
    public String name() {
        return shared ? "shared-sparse-ldl" : "sparse-ldl";
    }
}
