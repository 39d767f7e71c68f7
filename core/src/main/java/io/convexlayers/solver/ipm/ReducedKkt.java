// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.solver.ipm;

import java.util.Arrays;

/**
 * The {@link NewtonSystem} factored densely through its reduction to the order n + (zero rows): the
 * inequality rows are eliminated (z_I = H⁻¹(A_I·x − r₂,I)), leaving the quasi-definite
 * <pre>
 *   [[P + A_IᵀH⁻¹A_I + δI, A_Eᵀ], [A_E, −δI]]·(x, z_E) = (r₁ + A_IᵀH⁻¹r₂,I, r₂,E)
 * </pre>
 * factored by a pivoted dense LDLᵀ ({@link QuasiDefiniteLdl}). On a nonnegative row H⁻¹ is the
 * number z/s; on a second-order cone H⁻¹ = η⁻²(2(Jw̄)(Jw̄)ᵀ − J), a diagonal part (−1 on the head,
 * +1 on the tail) plus one rank-one term per cone, so the reduced matrix is Aᵀ·diag·A plus one
 * outer product per cone. Where a refined reduced solve stays inaccurate (A_IᵀH⁻¹A_I spans the
 * square of H's range near the end of a solve) the instance switches to the dense full system.
 */
final class ReducedKkt extends NewtonSystem {
    /** A refined reduced solve worse than this (relative) switches the instance to the full system. */
    static final double FALLBACK_TOL = 1e-10;
    /** Largest order of the dense full system (32 MB); larger programs keep the reduction. */
    static final int MAX_FULL_ORDER = 2000;
    /** Largest order of the dense reduced system (n + zero rows; 200 MB). */
    static final int MAX_REDUCED_ORDER = 5000;

    private final QuasiDefiniteLdl ldl;
    private final int order;
    private final double[] hinvDiag;
    private final double[] g;
    private final int[] touched;
    private final boolean[] mark;
    private final double[] work;
    private final double[] t;
    private final double[] tmpN;
    private final double[] tmpM;
    /** The full system's factorization, made when the reduced one first fails (else null). */
    private QuasiDefiniteLdl full;
    private double[] fullWork;
    /** W⁻ᵀA_C of one positive semidefinite cone, column after column (grown on demand). */
    private double[] psdPanel;
    /** Each touched column's slot in {@link #psdPanel}. */
    private final int[] slot;

    ReducedKkt(IpmLayout layout) {
        super(layout);
        order = n + layout.zero;
        ldl = new QuasiDefiniteLdl(order);
        hinvDiag = new double[layout.m];
        g = new double[n];
        touched = new int[n];
        mark = new boolean[n];
        slot = new int[n];
        work = new double[order];
        t = new double[layout.m];
        tmpN = new double[n];
        tmpM = new double[layout.m];
    }

    /**
     * Assembles and factors the matrix for the current scaling: the reduced one, or the full one
     * once a solve of this instance has shown the reduction to be too ill-conditioned.
     */
    @Override
    void factor(ScaledInstance data, NtScaling scaling) {
        this.data = data;
        this.scaling = scaling;
        timedOut = false;
        if (full != null) {
            factorFull();
            return;
        }
        double[] k = ldl.a;
        Arrays.fill(k, 0);
        var pp = layout.pPattern;
        if (pp != null) {
            for (int j = 0; j < n; j++) {
                for (int q = pp.colStart(j); q < pp.colStart(j + 1); q++) {
                    k[j * order + pp.rowIndex(q)] += data.p[q]; // (j, i) with i ≤ j: lower triangle
                }
            }
        }
        double delta = staticReg();
        for (int j = 0; j < n; j++) {
            k[j * order + j] += delta;
        }
        // Diagonal part of H⁻¹ on every inequality row.
        for (int i = layout.zero; i < layout.zero + layout.nonneg; i++) {
            double w = scaling.w[i];
            hinvDiag[i] = 1 / (w * w);
        }
        for (int c = 0; c < layout.socCount(); c++) {
            int lo = layout.socStart[c];
            double f = 1 / (scaling.eta[c] * scaling.eta[c]);
            hinvDiag[lo] = -f;
            for (int i = lo + 1; i < layout.socStart[c + 1]; i++) {
                hinvDiag[i] = f;
            }
        }
        int[] rs = layout.rowStart;
        int[] col = layout.rowCol;
        double[] av = data.aRow;
        int row4 = layout.zero;
        // Four dense rows at a time: each pass over K's lower triangle adds four rank-one terms, so K
        // is loaded and stored a quarter as often (this assembly is the largest cost on small dense
        // QPs and LPs).
        // (PSD rows enter by addPsdTerms: their H⁻¹ is no diagonal.)
        int rowEnd = layout.psdCount() > 0 ? layout.psdStart[0] : layout.m;
        while (row4 + 4 <= rowEnd && denseRows(rs, row4, 4)) {
            addFourDenseRows(k, av, rs[row4], row4);
            row4 += 4;
        }
        for (int r = row4; r < rowEnd; r++) {
            double h = hinvDiag[r];
            for (int q1 = rs[r]; q1 < rs[r + 1]; q1++) {
                int j1 = col[q1];
                double v = h * av[q1];
                int row = j1 * order;
                // A row's columns are ascending (CSR built column by column): q2 ≤ q1 is j2 ≤ j1.
                for (int q2 = rs[r]; q2 <= q1; q2++) {
                    k[row + col[q2]] += v * av[q2];
                }
            }
        }
        // Rank-one term 2η⁻²·g·gᵀ per cone, g = A_Rᵀ(Jw̄).
        for (int c = 0; c < layout.socCount(); c++) {
            int lo = layout.socStart[c];
            int hi = layout.socStart[c + 1];
            int count = 0;
            for (int r = lo; r < hi; r++) {
                double u = r == lo ? scaling.w[r] : -scaling.w[r];
                for (int q = rs[r]; q < rs[r + 1]; q++) {
                    int j = col[q];
                    if (!mark[j]) {
                        mark[j] = true;
                        g[j] = 0;
                        touched[count++] = j;
                    }
                    g[j] += av[q] * u;
                }
            }
            Arrays.sort(touched, 0, count);
            double f = 2 / (scaling.eta[c] * scaling.eta[c]);
            for (int a1 = 0; a1 < count; a1++) {
                int j1 = touched[a1];
                double v = f * g[j1];
                int row = j1 * order;
                for (int a2 = 0; a2 <= a1; a2++) {
                    int j2 = touched[a2];
                    k[row + j2] += v * g[j2];
                }
            }
            for (int a1 = 0; a1 < count; a1++) {
                mark[touched[a1]] = false;
            }
        }
        if (layout.psdCount() > 0) {
            addPsdTerms(k, rs, col, av);
        }
        // Zero-cone rows: A_E below, −δ on the diagonal.
        for (int r = 0; r < layout.zero; r++) {
            int row = (n + r) * order;
            for (int q = rs[r]; q < rs[r + 1]; q++) {
                k[row + col[q]] += av[q];
            }
            k[row + n + r] = -STATIC_REG;
        }
        timedOut = mirrorAndFactor(ldl, n, deadline) < 0;
    }

    /**
     * K's lower triangle += A_CᵀH⁻¹A_C over each positive semidefinite cone C: with H⁻¹ = W⁻¹W⁻ᵀ this is
     * UᵀU for U = W⁻ᵀA_C, whose columns are W⁻ᵀ applied to the columns of A that touch the cone (an
     * O(d³) congruence each).
     */
    private void addPsdTerms(double[] k, int[] rs, int[] col, double[] av) {
        PsdScaling psd = scaling.psd();
        for (int c = 0; c < layout.psdCount(); c++) {
            int lo = layout.psdStart[c];
            int hi = layout.psdStart[c + 1];
            int rowsInCone = hi - lo;
            int count = 0;
            for (int r = lo; r < hi; r++) {
                for (int q = rs[r]; q < rs[r + 1]; q++) {
                    int j = col[q];
                    if (!mark[j]) {
                        mark[j] = true;
                        touched[count++] = j;
                    }
                }
            }
            Arrays.sort(touched, 0, count);
            if (psdPanel == null || psdPanel.length < count * rowsInCone) {
                psdPanel = new double[count * rowsInCone];
            }
            for (int a = 0; a < count; a++) {
                slot[touched[a]] = a;
            }
            Arrays.fill(psdPanel, 0, count * rowsInCone, 0);
            for (int r = lo; r < hi; r++) {
                for (int q = rs[r]; q < rs[r + 1]; q++) {
                    psdPanel[slot[col[q]] * rowsInCone + r - lo] = av[q];
                }
            }
            // Each column of A on the cone's rows becomes W⁻ᵀ of it.
            for (int a = 0; a < count; a++) {
                System.arraycopy(psdPanel, a * rowsInCone, t, lo, rowsInCone);
                psd.apply(PsdScaling.Map.W_INVERSE_TRANSPOSE, c, t, tmpM);
                System.arraycopy(tmpM, lo, psdPanel, a * rowsInCone, rowsInCone);
            }
            for (int a1 = 0; a1 < count; a1++) {
                int row = touched[a1] * order;
                int p1 = a1 * rowsInCone;
                for (int a2 = 0; a2 <= a1; a2++) {
                    int p2 = a2 * rowsInCone;
                    double sum = 0;
                    for (int i = 0; i < rowsInCone; i++) {
                        sum += psdPanel[p1 + i] * psdPanel[p2 + i];
                    }
                    k[row + touched[a2]] += sum;
                }
            }
            for (int a = 0; a < count; a++) {
                mark[touched[a]] = false;
            }
        }
    }

    /** Whether rows r … r + count − 1 of A hold all n columns. */
    private boolean denseRows(int[] rs, int r, int count) {
        for (int i = r; i < r + count; i++) {
            if (rs[i + 1] - rs[i] != n) {
                return false;
            }
        }
        return true;
    }

    /**
     * K's lower triangle += Σ over the dense rows r … r + 3 of h_r·a_r·a_rᵀ; the rows' values start at
     * {@code start} in the CSR copy, one after the other.
     */
    private void addFourDenseRows(double[] k, double[] av, int start, int r) {
        int a0 = start;
        int a1 = start + n;
        int a2 = start + 2 * n;
        int a3 = start + 3 * n;
        double h0 = hinvDiag[r];
        double h1 = hinvDiag[r + 1];
        double h2 = hinvDiag[r + 2];
        double h3 = hinvDiag[r + 3];
        for (int j1 = 0; j1 < n; j1++) {
            double v0 = h0 * av[a0 + j1];
            double v1 = h1 * av[a1 + j1];
            double v2 = h2 * av[a2 + j1];
            double v3 = h3 * av[a3 + j1];
            int row = j1 * order;
            for (int t = 0; t <= j1; t++) {
                k[row + t] += v0 * av[a0 + t] + v1 * av[a1 + t] + v2 * av[a2 + t] + v3 * av[a3 + t];
            }
        }
    }

    /** Copies the lower triangle to the upper one and factors; −1 when the deadline passed first. */
    private static int mirrorAndFactor(QuasiDefiniteLdl f, int positive, long deadline) {
        int order = f.order();
        double[] k = f.a;
        for (int i = 0; i < order; i++) {
            for (int j = 0; j < i; j++) {
                k[j * order + i] = k[i * order + j];
            }
        }
        return f.factor(positive, DYNAMIC_EPS, DYNAMIC_DELTA, deadline);
    }

    /**
     * The full matrix [[P + δI, Aᵀ], [A, −(H + δI)]] of order n + m (H = 0 on zero-cone rows): its
     * diagonal carries H itself rather than A_IᵀH⁻¹A_I, whose entries span the square of H's range
     * near the end of a solve.
     */
    private void factorFull() {
        int order = n + layout.m;
        double[] k = full.a;
        Arrays.fill(k, 0);
        var pp = layout.pPattern;
        if (pp != null) {
            for (int j = 0; j < n; j++) {
                for (int q = pp.colStart(j); q < pp.colStart(j + 1); q++) {
                    k[j * order + pp.rowIndex(q)] += data.p[q];
                }
            }
        }
        double delta = staticReg();
        for (int j = 0; j < n; j++) {
            k[j * order + j] += delta;
        }
        int[] rs = layout.rowStart;
        int[] col = layout.rowCol;
        for (int r = 0; r < layout.m; r++) {
            int row = (n + r) * order;
            for (int q = rs[r]; q < rs[r + 1]; q++) {
                k[row + col[q]] += data.aRow[q];
            }
            k[row + n + r] = r < layout.zero ? -STATIC_REG : -delta;
        }
        for (int i = layout.zero; i < layout.zero + layout.nonneg; i++) {
            double w = scaling.w[i];
            k[(n + i) * order + n + i] -= w * w;
        }
        for (int c = 0; c < layout.socCount(); c++) {
            int lo = layout.socStart[c];
            int hi = layout.socStart[c + 1];
            double e2 = scaling.eta[c] * scaling.eta[c];
            // H = η²(2w̄w̄ᵀ − J): lower triangle of the cone's block.
            for (int i = lo; i < hi; i++) {
                int row = (n + i) * order + n;
                for (int j = lo; j <= i; j++) {
                    double h = 2 * scaling.w[i] * scaling.w[j];
                    if (i == j) {
                        h += i == lo ? -1 : 1;
                    }
                    k[row + j] -= e2 * h;
                }
            }
        }
        if (layout.psdCount() > 0) {
            addPsdBlocks(k, order);
        }
        timedOut = mirrorAndFactor(full, n, deadline) < 0;
    }

    /** The full matrix's −H blocks of the positive semidefinite cones (lower triangles). */
    private void addPsdBlocks(double[] k, int order) {
        for (int c = 0; c < layout.psdCount(); c++) {
            scaling.psd().subtractH(c, k, order, n + layout.psdStart[c]);
        }
    }

    /**
     * One refined solve; where the reduced system leaves it inaccurate, the instance switches to the
     * full system and solves again.
     *
     * @return the ∞-norm of the final residual relative to 1 + ‖(r1, r2)‖∞
     */
    @Override
    double attempt(double[] r1, double[] r2, double[] x, double[] z) {
        double rel = refinedSolve(r1, r2, x, z);
        if (full == null && !(rel <= FALLBACK_TOL) && n + (long) layout.m <= MAX_FULL_ORDER) {
            full = new QuasiDefiniteLdl(n + layout.m);
            fullWork = new double[n + layout.m];
            factorFull();
            rel = refinedSolve(r1, r2, x, z);
        }
        return rel;
    }

    /** Forgets the switch to the full system (a new instance starts with the reduction). */
    @Override
    void reset() {
        super.reset();
        full = null;
        fullWork = null;
    }

    @Override
    void factoredSolve(double[] r1, double[] r2, double[] x, double[] z) {
        if (full != null) {
            System.arraycopy(r1, 0, fullWork, 0, n);
            System.arraycopy(r2, 0, fullWork, n, layout.m);
            full.solve(fullWork);
            System.arraycopy(fullWork, 0, x, 0, n);
            System.arraycopy(fullWork, n, z, 0, layout.m);
            return;
        }
        // t = H⁻¹ r2 on the inequality rows.
        scaling.applyH(r2, t, true);
        for (int i = 0; i < layout.zero; i++) {
            t[i] = 0;
        }
        data.multiplyAt(t, tmpN);
        for (int j = 0; j < n; j++) {
            work[j] = r1[j] + tmpN[j];
        }
        for (int r = 0; r < layout.zero; r++) {
            work[n + r] = r2[r];
        }
        ldl.solve(work);
        System.arraycopy(work, 0, x, 0, n);
        for (int r = 0; r < layout.zero; r++) {
            z[r] = work[n + r];
        }
        data.multiplyA(x, tmpM);
        for (int i = 0; i < layout.zero; i++) {
            tmpM[i] = 0;
        }
        scaling.applyH(tmpM, z, true);
        for (int i = layout.zero; i < layout.m; i++) {
            z[i] -= t[i];
        }
    }
}
