package io.convexlayers.solver.linsys;

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
 * analysis ({@link LdlSymbolic}) is done once at construction, the numeric factorization (row by
 * row, "up-looking") at each {@link #factor}.
 *
 * <p>Per-lane mode: every lane has its own values of L and D (lanes innermost), factored by one
 * vectorized pass. Shared mode: one factorization from lane 0's values and rhoY serves all lanes;
 * it requires {@link TileMatrices#allShared()} and the caller must give every lane the same rhoY.
 * Each solve costs 2·nnz(L) + 2(n + m) multiply-adds per lane and allocates nothing. A lane whose
 * data contains NaN or infinities gets NaN results; other lanes are unaffected.
 */
public final class SparseLdl implements LinearSystem {
    private final TileMatrices mats;
    private final boolean shared;
    private final int n;
    private final int m;
    private final int lanes;
    private final int fl;
    private final KktPattern kkt;
    private final LdlSymbolic sym;
    /** Values of C = Π·K·Πᵀ (upper), fl lanes. */
    private final double[] cx;
    private final double[] lx;
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
        this(mats, shared, null);
    }

    /** With an analysis already computed for these matrices (by the factory), or null. */
    SparseLdl(TileMatrices mats, boolean shared, LdlAnalysis analysis) {
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
        this.cx = new double[kkt.nnz() * fl];
        this.lx = new double[sym.nnz() * fl];
        this.invD = new double[size * fl];
        this.work = new double[size * fl];
        this.z = new double[size * lanes];
        this.tmp = new double[Math.max(fl, lanes)];
        this.tmp2 = new double[Math.max(fl, lanes)];
    }

    /** Stored entries of L (strictly lower part). */
    public int factorNonzeros() {
        return sym.nnz();
    }

    @Override
    public void factor(double rhoX, double[] rhoY) {
        LinearSystems.checkWeights(rhoX, rhoY, m, lanes);
        assemble(rhoX, rhoY);
        if (fl == 1) {
            factorSingle();
        } else {
            factorLanes();
        }
        factored = true;
    }

    private void assemble(double rhoX, double[] rhoY) {
        java.util.Arrays.fill(cx, 0.0);
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

    private void factorSingle() {
        int size = n + m;
        int[] cStart = kkt.colStart;
        int[] cRow = kkt.rowIndex;
        int[] lStart = sym.lColStart;
        int[] lRow = sym.lRowIndex;
        int[] rStart = sym.rowStart;
        int[] rCols = sym.rowCols;
        int[] rPos = sym.rowPos;
        double[] y = work;
        for (int k = 0; k < size; k++) {
            for (int t = cStart[k]; t < cStart[k + 1]; t++) {
                y[cRow[t]] += cx[t];
            }
            double dk = y[k];
            y[k] = 0;
            for (int s = rStart[k]; s < rStart[k + 1]; s++) {
                int i = rCols[s];
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
            invD[k] = 1.0 / dk;
        }
    }

    private void factorLanes() {
        int size = n + m;
        int[] cStart = kkt.colStart;
        int[] cRow = kkt.rowIndex;
        int[] lStart = sym.lColStart;
        int[] lRow = sym.lRowIndex;
        int[] rStart = sym.rowStart;
        int[] rCols = sym.rowCols;
        int[] rPos = sym.rowPos;
        double[] y = work;
        double[] yi = tmp;
        double[] dk = tmp2;
        for (int k = 0; k < size; k++) {
            for (int t = cStart[k]; t < cStart[k + 1]; t++) {
                int o = cRow[t] * fl;
                int c = t * fl;
                for (int l = 0; l < fl; l++) {
                    y[o + l] += cx[c + l];
                }
            }
            int ko = k * fl;
            for (int l = 0; l < fl; l++) {
                dk[l] = y[ko + l];
                y[ko + l] = 0;
            }
            for (int s = rStart[k]; s < rStart[k + 1]; s++) {
                int io = rCols[s] * fl;
                int pos = rPos[s];
                for (int l = 0; l < fl; l++) {
                    yi[l] = y[io + l];
                    y[io + l] = 0;
                }
                for (int q = lStart[rCols[s]]; q < pos; q++) {
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
            for (int l = 0; l < fl; l++) {
                invD[ko + l] = 1.0 / dk[l];
            }
        }
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
            solve8(fl == 1);
        } else if (fl == 1) {
            solveShared();
        } else {
            solveLanes();
        }
        for (int k = 0; k < size; k++) {
            System.arraycopy(z, k * lanes, rhs, perm[k] * lanes, lanes);
        }
    }

    private void solveShared() {
        int size = n + m;
        int[] lStart = sym.lColStart;
        int[] lRow = sym.lRowIndex;
        double[] zi = tmp;
        for (int i = 0; i < size; i++) {
            int io = i * lanes;
            for (int l = 0; l < lanes; l++) {
                zi[l] = z[io + l];
            }
            for (int q = lStart[i]; q < lStart[i + 1]; q++) {
                double v = lx[q];
                int ro = lRow[q] * lanes;
                for (int l = 0; l < lanes; l++) {
                    z[ro + l] -= v * zi[l];
                }
            }
        }
        for (int i = 0; i < size; i++) {
            double d = invD[i];
            int io = i * lanes;
            for (int l = 0; l < lanes; l++) {
                z[io + l] *= d;
            }
        }
        for (int i = size - 1; i >= 0; i--) {
            int io = i * lanes;
            for (int l = 0; l < lanes; l++) {
                zi[l] = z[io + l];
            }
            for (int q = lStart[i]; q < lStart[i + 1]; q++) {
                double v = lx[q];
                int ro = lRow[q] * lanes;
                for (int l = 0; l < lanes; l++) {
                    zi[l] -= v * z[ro + l];
                }
            }
            for (int l = 0; l < lanes; l++) {
                z[io + l] = zi[l];
            }
        }
    }

    private void solveLanes() {
        int size = n + m;
        int[] lStart = sym.lColStart;
        int[] lRow = sym.lRowIndex;
        double[] zi = tmp;
        for (int i = 0; i < size; i++) {
            int io = i * lanes;
            for (int l = 0; l < lanes; l++) {
                zi[l] = z[io + l];
            }
            for (int q = lStart[i]; q < lStart[i + 1]; q++) {
                int qo = q * lanes;
                int ro = lRow[q] * lanes;
                for (int l = 0; l < lanes; l++) {
                    z[ro + l] -= lx[qo + l] * zi[l];
                }
            }
        }
        for (int t = 0; t < size * lanes; t++) {
            z[t] *= invD[t];
        }
        for (int i = size - 1; i >= 0; i--) {
            int io = i * lanes;
            for (int l = 0; l < lanes; l++) {
                zi[l] = z[io + l];
            }
            for (int q = lStart[i]; q < lStart[i + 1]; q++) {
                int qo = q * lanes;
                int ro = lRow[q] * lanes;
                for (int l = 0; l < lanes; l++) {
                    zi[l] -= lx[qo + l] * z[ro + l];
                }
            }
            for (int l = 0; l < lanes; l++) {
                z[io + l] = zi[l];
            }
        }
    }

    /** The solve for 8 lanes, lanes unrolled into registers; L shared (one value) or per lane. */
    private void solve8(boolean sharedL) {
        int size = n + m;
        int[] lStart = sym.lColStart;
        int[] lRow = sym.lRowIndex;
        for (int i = 0; i < size; i++) {
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
        if (sharedL) {
            for (int i = 0; i < size; i++) {
                double d = invD[i];
                int io = i * 8;
                for (int l = 0; l < 8; l++) {
                    z[io + l] *= d;
                }
            }
        } else {
            for (int t = 0; t < size * 8; t++) {
                z[t] *= invD[t];
            }
        }
        for (int i = size - 1; i >= 0; i--) {
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
