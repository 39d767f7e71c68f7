// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.solver.linsys;

import io.convexlayers.batch.LaneGather;
import java.util.Arrays;

/**
 * Solves the tile's KKT system (see {@link LinearSystem}) matrix-free through its reduced form
 * <pre>
 *   (rhoX·I + P + Aᵀ·diag(rhoY)⁻¹·A) · x = r_x + Aᵀ·diag(rhoY)⁻¹·r_y,
 *   y = diag(rhoY)⁻¹ · (A·x − r_y),
 * </pre>
 * by Jacobi-preconditioned conjugate gradients ({@link LockstepPcg}), one CG per lane run in
 * lock-step (each lane stops on its own) (DESIGN §4, strategy (c)). Each iteration costs one product with A, Aᵀ and P.
 *
 * <p><b>Tolerances.</b> Lane l stops when its reduced residual r = b − M·x satisfies
 * ‖r‖₂ ≤ tol·‖(r_x; r_y)‖₂. With y recovered as above, r is exactly (minus) the residual of the
 * first block row of the full KKT system and the second block row holds up to rounding, so this
 * is the relative residual of the full system.
 * The k-th solve since construction (k = 0, 1, …) uses
 * tol_k = max(floor, constant / (k + 1)^rate), summable for rate &gt; 1 as the convergence theory of
 * inexact Douglas–Rachford asks; defaults constant = 0.1, rate = 1.5, floor = 1e-12 (as in SCS's
 * indirect solver). The first solve after each {@link #factor} is the solver's cached
 * g = K⁻¹(c; −b) (DESIGN §4) and is solved to the floor tolerance.
 *
 * <p><b>Warm starts.</b> Every solve starts from the x its own stream returned last: the first
 * solve after a factor from the previous such solve, the other solves from the previous other
 * solve (their right-hand sides change slowly between iterations). Initially x = 0.
 *
 * <p>The Jacobi preconditioner diag(rhoX + P_jj + Σᵢ A_ij²/rhoY_i) is formed at {@link #factor}.
 * Per-lane values and rhoY are supported; {@link #sharedFactor()} is false. Nothing is allocated
 * after construction.
 */
final class ConjugateGradient implements LinearSystem {
    /**
     * The tolerance schedule and iteration limit.
     *
     * @param constant      c in tol_k = max(floor, c/(k+1)^rate) (default 0.1)
     * @param rate          decay exponent, &gt; 1 for a summable schedule (default 1.5)
     * @param floor         the tightest relative tolerance (default 1e-12)
     * @param maxIterations CG iterations per solve (default 0 = max(50, 3n))
     */
    public record Settings(double constant, double rate, double floor, int maxIterations) {
        public Settings {
            if (!(constant > 0) || !(rate > 0) || !(floor > 0) || maxIterations < 0) {
                throw new IllegalArgumentException("CG settings must be positive: constant=" + constant
                        + ", rate=" + rate + ", floor=" + floor + ", maxIterations=" + maxIterations);
            }
        }

        public static Settings defaults() {
            return new Settings(0.1, 1.5, 1e-12, 0);
        }
    }

    private final TileMatrices mats;
    private final Settings settings;
    private final int n;
    private final int m;
    private final int lanes;
    private final int maxIterations;
    private final double[] invRhoY;
    private final double[] invDiag;
    private final double[] xIter;
    private final double[] xFirst;
    private final double[] b;
    private final double[] ym;
    private final double[] threshold;
    private final LockstepPcg pcg;
    private final LockstepPcg.Operator reduced = this::reducedProduct;
    private final double[] acc;
    private double rhoX;
    private boolean factored;
    private boolean firstAfterFactor;
    private long calls;
    private int lastIterations;

    public ConjugateGradient(TileMatrices mats) {
        this(mats, Settings.defaults());
    }

    public ConjugateGradient(TileMatrices mats, Settings settings) {
        TileChecks.requireValid(mats);
        this.mats = mats;
        this.settings = settings;
        this.n = mats.n();
        this.m = mats.m();
        this.lanes = mats.lanes();
        this.maxIterations = settings.maxIterations() > 0 ? settings.maxIterations() : Math.max(50, 3 * n);
        int nl = n * lanes;
        invRhoY = new double[m * lanes];
        invDiag = new double[nl];
        xIter = new double[nl];
        xFirst = new double[nl];
        b = new double[nl];
        ym = new double[m * lanes];
        threshold = new double[lanes];
        acc = new double[lanes];
        pcg = new LockstepPcg(n, lanes);
    }

    /** The relative tolerance of the k-th (0-based) scheduled solve. */
    double toleranceForCall(long k) {
        return Math.max(settings.floor(), settings.constant() / Math.pow(k + 1, settings.rate()));
    }

    /** CG iterations of the last solve (the most over the lanes). */
    public int lastIterations() {
        return lastIterations;
    }

    @Override
    public void factor(double rhoX, double[] rhoY) {
        LinearSystems.checkWeights(rhoX, rhoY, m, lanes);
        this.rhoX = rhoX;
        for (int t = 0; t < m * lanes; t++) {
            invRhoY[t] = 1.0 / rhoY[t];
        }
        // diag = rhoX + P_jj + Σᵢ A_ij² / rhoY_i
        Arrays.fill(invDiag, rhoX);
        int[] colStart = mats.aPattern().colStartArray();
        int[] rowIndex = mats.aPattern().rowIndexArray();
        for (int j = 0; j < n; j++) {
            int o = j * lanes;
            for (int k = colStart[j]; k < colStart[j + 1]; k++) {
                int ro = rowIndex[k] * lanes;
                for (int l = 0; l < lanes; l++) {
                    double a = mats.a(k, l);
                    invDiag[o + l] += a * a * invRhoY[ro + l];
                }
            }
        }
        if (mats.pPattern() != null) {
            int[] pStart = mats.pPattern().colStartArray();
            int[] pRow = mats.pPattern().rowIndexArray();
            for (int j = 0; j < n; j++) {
                for (int k = pStart[j]; k < pStart[j + 1]; k++) {
                    if (pRow[k] == j) {
                        for (int l = 0; l < lanes; l++) {
                            invDiag[j * lanes + l] += mats.p(k, l);
                        }
                    }
                }
            }
        }
        for (int t = 0; t < n * lanes; t++) {
            invDiag[t] = 1.0 / invDiag[t];
        }
        factored = true;
        firstAfterFactor = true;
    }

    @Override
    public void solve(double[] rhs) {
        if (!factored) {
            throw new IllegalStateException("solve before factor");
        }
        double tol;
        double[] x;
        if (firstAfterFactor) {
            tol = settings.floor();
            x = xFirst;
            firstAfterFactor = false;
        } else {
            tol = toleranceForCall(calls++);
            x = xIter;
        }
        int nl = n * lanes;
        int ml = m * lanes;
        int yOff = nl;
        // b = r_x + Aᵀ·diag(rhoY)⁻¹·r_y
        for (int t = 0; t < ml; t++) {
            ym[t] = rhs[yOff + t] * invRhoY[t];
        }
        System.arraycopy(rhs, 0, b, 0, nl);
        TileProducts.multiplyAddAt(mats, ym, 0, b, 0);
        lastIterations = conjugateGradient(rhs, x, tol);
        System.arraycopy(x, 0, rhs, 0, nl);
        TileProducts.multiplyA(mats, x, 0, ym, 0);
        for (int t = 0; t < ml; t++) {
            rhs[yOff + t] = (ym[t] - rhs[yOff + t]) * invRhoY[t];
        }
    }

    /**
     * Runs CG ({@link LockstepPcg}) from x on M·x = b to relative tolerance tol (relative to the
     * full right-hand side); returns the iterations used.
     */
    private int conjugateGradient(double[] rhs, double[] x, double tol) {
        rhsNormSquared(rhs, acc);
        for (int l = 0; l < lanes; l++) {
            threshold[l] = tol * tol * acc[l];
            if (acc[l] == 0) {
                // rhs = 0: the solution is x = 0, which no relative test would accept otherwise
                for (int i = 0; i < n; i++) {
                    x[i * lanes + l] = 0;
                }
            }
        }
        return pcg.solve(reduced, invDiag, b, x, threshold, maxIterations);
    }

    /** out = (rhoX·I + P + Aᵀ·diag(rhoY)⁻¹·A)·v. */
    private void reducedProduct(double[] v, double[] out) {
        int nl = n * lanes;
        TileProducts.multiplyA(mats, v, 0, ym, 0);
        for (int t = 0; t < m * lanes; t++) {
            ym[t] *= invRhoY[t];
        }
        for (int t = 0; t < nl; t++) {
            out[t] = rhoX * v[t];
        }
        TileProducts.multiplyAddP(mats, v, 0, out, 0);
        TileProducts.multiplyAddAt(mats, ym, 0, out, 0);
    }

    /** Per-lane ‖(r_x; r_y)‖₂². */
    private void rhsNormSquared(double[] rhs, double[] out) {
        Arrays.fill(out, 0.0);
        for (int i = 0; i < n + m; i++) {
            int o = i * lanes;
            for (int l = 0; l < lanes; l++) {
                out[l] += rhs[o + l] * rhs[o + l];
            }
        }
    }

    @Override
    public boolean sharedFactor() {
        return false;
    }

    @Override
    public String name() {
        return "cg";
    }

    @Override
    public boolean canCompact() {
        return true;
    }

    /**
     * Gathers the kept lanes' preconditioner, weights and warm starts and keeps the tolerance
     * schedule's position. (A lane's CG is independent of the others' except through the shared
     * iteration limit, reached only when a solve fails to converge.)
     */
    @Override
    public LinearSystem compact(TileMatrices narrow, int[] keep) {
        ConjugateGradient out = new ConjugateGradient(narrow, settings);
        LaneGather.gatherInto(invRhoY, lanes, keep, out.invRhoY);
        LaneGather.gatherInto(invDiag, lanes, keep, out.invDiag);
        LaneGather.gatherInto(xIter, lanes, keep, out.xIter);
        LaneGather.gatherInto(xFirst, lanes, keep, out.xFirst);
        out.rhoX = rhoX;
        out.factored = factored;
        out.firstAfterFactor = firstAfterFactor;
        out.calls = calls;
        return out;
    }
}
