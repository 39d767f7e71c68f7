// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.solver.ipm;

import io.convexlayers.batch.TileSparse;
import io.convexlayers.data.BatchArray;
import io.convexlayers.data.BatchConeProgram;
import io.convexlayers.data.SparsePattern;
import io.convexlayers.solver.hsde.Equilibration;
import io.convexlayers.solver.hsde.ResidualStats;
import io.convexlayers.solver.linsys.SparseLdl;
import io.convexlayers.solver.linsys.TileMatrices;

/**
 * One instance's data, equilibrated for the interior-point method: P̂ = c_s·EPE, Â = DAE,
 * b̂ = Db, ĉ = c_s·Ec with D (rows, one factor per cone) and E (columns) from the first-order
 * solver's equilibration and the cost scale c_s (as in Clarabel). The
 * scaled program's solution maps back by x = Ex̂, s = D⁻¹ŝ, y = Dŷ/c_s. Holds its workspace: one
 * object serves every instance a worker solves ({@link #load}).
 */
final class ScaledInstance {
    private static final double MIN_NORM = Equilibration.MIN_NORM;
    /**
     * Ruiz passes of the interior-point method's equilibration (Clarabel's default): the first-order
     * solver's 25 cost a third of a small QP's interior-point solve and change little for a method
     * whose iteration count hardly depends on scaling.
     */
    static final int RUIZ_PASSES = 10;
    private static final double MAX_NORM = Equilibration.MAX_NORM;

    final IpmLayout layout;
    /** Â's values in CSC order and the same values in CSR order. */
    final double[] a;
    final double[] aRow;
    /** P̂'s upper-triangle values (empty without P). */
    final double[] p;
    final double[] b;
    final double[] c;
    /** Row factors D, column factors E and the cost scale c_s. */
    final double[] d;
    final double[] e;
    double costScale;
    /** ‖A‖max and max(‖A‖max, ‖P‖max) of the unscaled instance ({@link ResidualStats#matrixMagnitudes}). */
    final double[] magnitudes = new double[2];
    private final double[] colNorm;
    /**
     * Whether A has every entry (m·n of them): then Â's CSC values are its columns and the CSR copy
     * its rows, each contiguous, and the products run as contiguous axpy loops the JIT vectorizes
     * (the batched small QPs and LPs of the layer workloads have dense constraint matrices).
     */
    final boolean denseA;
    /** Above this many variables convexity is checked by the sparse factorization. */
    static final int DENSE_CONVEXITY_CHECK = 1000;
    private QuasiDefiniteLdl pCheck;
    private SparseLdl pSparseCheck;

    ScaledInstance(IpmLayout layout) {
        this.layout = layout;
        int nnzA = layout.aPattern.nnz();
        a = new double[nnzA];
        aRow = new double[nnzA];
        p = new double[layout.pPattern == null ? 0 : layout.pPattern.nnz()];
        b = new double[layout.m];
        c = new double[layout.n];
        d = new double[layout.m];
        e = new double[layout.n];
        colNorm = new double[layout.n];
        denseA = nnzA == (long) layout.m * layout.n;
    }

    /** Reads instance {@code k} of the batch and equilibrates it (or only copies it). */
    void load(BatchConeProgram batch, int k, boolean equilibrate) {
        read(batch.aValues(), k, a);
        read(batch.b(), k, b);
        read(batch.c(), k, c);
        if (p.length > 0) {
            read(batch.pValues(), k, p);
        }
        ResidualStats.matrixMagnitudes(a, p.length > 0 ? p : null, 1, 1, magnitudes);
        java.util.Arrays.fill(d, 1);
        java.util.Arrays.fill(e, 1);
        costScale = 1;
        if (equilibrate) {
            equilibrate();
        }
        for (int q = 0; q < a.length; q++) {
            aRow[q] = a[layout.rowToCsc[q]];
        }
    }

    private static void read(BatchArray values, int k, double[] out) {
        for (int i = 0; i < out.length; i++) {
            out[i] = values.get(i, k);
        }
    }

    /**
     * The first-order solver's equilibration ({@link Equilibration#scaleMatrices}: Ruiz passes, an ℓ2
     * pass, one row factor per cone) on this instance's Â and P̂, then b̂ = Db, ĉ = Ec and the cost
     * scale c_s = 1/(the objective's size, from P̂'s mean column norm and ĉ), as Clarabel scales it.
     */
    private void equilibrate() {
        int n = layout.n;
        int m = layout.m;
        Equilibration.Factors f = Equilibration.scaleMatrices(layout.aPattern, a, layout.pPattern,
                p.length > 0 ? p : null, layout.cones, 1, true, RUIZ_PASSES);
        System.arraycopy(f.d(), 0, d, 0, m);
        System.arraycopy(f.e(), 0, e, 0, n);
        for (int i = 0; i < m; i++) {
            b[i] *= d[i];
        }
        for (int j = 0; j < n; j++) {
            c[j] *= e[j];
        }
        double cs = costScale(layout.pPattern, p.length > 0 ? p : null, c, 0, 1, colNorm);
        costScale = cs;
        for (int q = 0; q < p.length; q++) {
            p[q] *= cs;
        }
        for (int j = 0; j < n; j++) {
            c[j] *= cs;
        }
    }

    private static double clamp(double norm) {
        if (!(norm >= MIN_NORM)) {
            return 1; // an empty (or tiny) column or row is left alone
        }
        return Math.min(norm, MAX_NORM);
    }

    /**
     * {@link #costScale} of every lane at once (out[l]), in one sweep over P̂: the same values, each
     * lane's sums in the same order. {@code colNorm} is workspace of n × lanes entries.
     */
    static void costScales(SparsePattern pp, double[] pValues, double[] c, int lanes, double[] colNorm, double[] out) {
        int n = colNorm.length / lanes;
        java.util.Arrays.fill(out, 0);
        if (pp != null && pValues != null) {
            java.util.Arrays.fill(colNorm, 0);
            for (int j = 0; j < n; j++) {
                for (int q = pp.colStart(j); q < pp.colStart(j + 1); q++) {
                    int i = pp.rowIndex(q);
                    for (int l = 0; l < lanes; l++) {
                        double v = Math.abs(pValues[q * lanes + l]);
                        colNorm[j * lanes + l] = Math.max(colNorm[j * lanes + l], v);
                        colNorm[i * lanes + l] = Math.max(colNorm[i * lanes + l], v);
                    }
                }
            }
            for (int j = 0; j < n; j++) {
                for (int l = 0; l < lanes; l++) {
                    out[l] += colNorm[j * lanes + l];
                }
            }
            for (int l = 0; l < lanes; l++) {
                out[l] /= Math.max(1, n);
            }
        }
        for (int l = 0; l < lanes; l++) {
            double cMax = 0;
            for (int j = 0; j < n; j++) {
                cMax = Math.max(cMax, Math.abs(c[j * lanes + l]));
            }
            out[l] = 1 / clamp(Math.max(out[l], cMax));
        }
    }

    /**
     * The cost scale c_s = 1/(the objective's size) of lane {@code lane} (of {@code lanes}, batch-minor):
     * the larger of P̂'s mean column ∞-norm and ‖ĉ‖∞, clamped as the equilibration clamps norms.
     *
     * @param pValues P̂'s upper triangle, or null without P
     * @param colNorm workspace of n entries
     */
    static double costScale(SparsePattern pp, double[] pValues, double[] c, int lane, int lanes, double[] colNorm) {
        int n = colNorm.length;
        double pMean = 0;
        if (pp != null && pValues != null) {
            java.util.Arrays.fill(colNorm, 0);
            for (int j = 0; j < n; j++) {
                for (int q = pp.colStart(j); q < pp.colStart(j + 1); q++) {
                    double v = Math.abs(pValues[q * lanes + lane]);
                    int i = pp.rowIndex(q);
                    colNorm[j] = Math.max(colNorm[j], v);
                    colNorm[i] = Math.max(colNorm[i], v);
                }
            }
            for (int j = 0; j < n; j++) {
                pMean += colNorm[j];
            }
            pMean /= Math.max(1, n);
        }
        double cMax = 0;
        for (int j = 0; j < n; j++) {
            cMax = Math.max(cMax, Math.abs(c[j * lanes + lane]));
        }
        return 1 / clamp(Math.max(pMean, cMax));
    }

    /** out = Âx (overwrites). */
    void multiplyA(double[] x, double[] out) {
        int m = layout.m;
        java.util.Arrays.fill(out, 0, m, 0);
        if (denseA) {
            for (int j = 0; j < layout.n; j++) {
                double xj = x[j];
                int base = j * m;
                for (int i = 0; i < m; i++) {
                    out[i] += a[base + i] * xj;
                }
            }
            return;
        }
        TileSparse.multiplyAdd(layout.aPattern, a, false, 1, x, 0, out, 0);
    }

    /** out = Âᵀy (overwrites). */
    void multiplyAt(double[] y, double[] out) {
        int n = layout.n;
        java.util.Arrays.fill(out, 0, n, 0);
        if (denseA) {
            for (int r = 0; r < layout.m; r++) {
                double yr = y[r];
                int base = r * n;
                for (int j = 0; j < n; j++) {
                    out[j] += aRow[base + j] * yr;
                }
            }
            return;
        }
        TileSparse.transposeMultiplyAdd(layout.aPattern, a, false, 1, y, 0, out, 0);
    }

    /** out = P̂x (overwrites; zero without P). */
    void multiplyP(double[] x, double[] out) {
        java.util.Arrays.fill(out, 0, layout.n, 0);
        if (layout.pPattern != null) {
            TileSparse.symmetricMultiplyAdd(layout.pPattern, p, false, 1, x, 0, out, 0);
        }
    }

    /**
     * Whether P̂ is positive semidefinite (convexity is what the method's theory and the embedding's
     * third equation need; the first-order solver's factorization rejects an indefinite P the same
     * way). Pivots down to −10⁻⁹ of the largest diagonal entry count as zero. Up to
     * {@value #DENSE_CONVEXITY_CHECK} variables a diagonally pivoted dense LDLᵀ of P̂ decides; above,
     * the sparse LDLᵀ of P̂ + εI with ε = 10⁻⁹·max|diag|, which (Sylvester's inertia) has only
     * positive pivots exactly when P̂ has no eigenvalue below −ε.
     */
    boolean objectiveIsConvex() {
        var pp = layout.pPattern;
        if (pp == null || p.length == 0) {
            return true;
        }
        if (layout.n <= DENSE_CONVEXITY_CHECK) {
            if (pCheck == null) {
                pCheck = new QuasiDefiniteLdl(layout.n);
            }
            return isConvexDense(pp, p, 0, 1, pCheck);
        }
        return sparseConvexityCheck(maxDiagonal(pp, p, 0, 1));
    }

    /** max |diag| of the symmetric matrix whose upper triangle holds lane {@code lane} of {@code values}. */
    private static double maxDiagonal(SparsePattern pp, double[] values, int lane, int lanes) {
        double maxDiag = 0;
        for (int j = 0; j < pp.cols(); j++) {
            for (int q = pp.colStart(j); q < pp.colStart(j + 1); q++) {
                if (pp.rowIndex(q) == j) {
                    maxDiag = Math.max(maxDiag, Math.abs(values[q * lanes + lane]));
                }
            }
        }
        return maxDiag;
    }

    /**
     * The dense test of {@link #objectiveIsConvex} on lane {@code lane} of batch-minor values with
     * {@code lanes} lanes ({@code work} of the pattern's order), so that a tile of instances is
     * checked exactly as one instance is.
     */
    static boolean isConvexDense(SparsePattern pp, double[] values, int lane, int lanes, QuasiDefiniteLdl work) {
        double maxDiag = maxDiagonal(pp, values, lane, lanes);
        int n = pp.cols();
        double[] k = work.a;
        java.util.Arrays.fill(k, 0);
        for (int j = 0; j < n; j++) {
            for (int q = pp.colStart(j); q < pp.colStart(j + 1); q++) {
                int i = pp.rowIndex(q);
                double v = values[q * lanes + lane];
                k[j * n + i] += v;
                if (i != j) {
                    k[i * n + j] += v;
                }
            }
        }
        work.factor(n, 1e-12 * maxDiag, Math.max(1, maxDiag)); // a zero pivot drops its direction
        return work.smallestPivot() >= -1e-9 * Math.max(maxDiag, Double.MIN_NORMAL);
    }

    private boolean sparseConvexityCheck(double maxDiag) {
        if (pSparseCheck == null) {
            int[] noRows = new int[layout.n + 1];
            SparsePattern empty = new SparsePattern("A", 0, layout.n, noRows, new int[0]);
            pSparseCheck = SparseLdl.perLaneWithCachedAnalysis(new TileMatrices(empty, new double[0], true,
                    layout.pPattern, p, true, 1));
        }
        pSparseCheck.factor(Math.max(1e-9 * maxDiag, Double.MIN_NORMAL), new double[0]);
        return pSparseCheck.smallestPivot() > 0;
    }
}
