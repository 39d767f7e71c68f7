// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.solver.linsys;

import io.convexlayers.batch.LaneGather;

/**
 * Solves the tile's KKT system (see {@link LinearSystem}) through its reduced form:
 * <pre>
 *   (rhoX·I + P + Aᵀ·diag(rhoY)⁻¹·A) · x = r_x + Aᵀ·diag(rhoY)⁻¹·r_y,
 *   y = diag(rhoY)⁻¹ · (A·x − r_y),
 * </pre>
 * with a dense Cholesky factorization of the n × n reduced matrix (DESIGN §4, strategies (a) and
 * (b)). The reduced matrix is symmetric positive definite for rhoX &gt; 0, P ⪰ 0 and rhoY &gt; 0.
 *
 * <p>Per-lane mode ({@code shared = false}): every lane has its own reduced matrix (its own P, A
 * values and rhoY), stored packed with lanes innermost and factored by one vectorized loop over the
 * lanes. Shared mode: one factor, formed from lane 0's values and lane 0's rhoY, serves all lanes;
 * it requires {@link TileMatrices#allShared()} and the caller must give every lane the same rhoY.
 *
 * <p>Cost: forming AᵀDA is Σᵢ nnz(row i)² per factor lane (see {@link ReducedMatrixAssembler}),
 * factoring n³/6, and each solve n² + 2·nnz(A) multiply-adds per lane. Memory: n(n+1)/2 doubles
 * per factor lane. Nothing is allocated after construction. A lane whose data contains NaN or
 * infinities gets NaN results; other lanes are unaffected.
 */
public final class DenseReducedCholesky implements LinearSystem {
    private final TileMatrices mats;
    private final boolean shared;
    private final int n;
    private final int m;
    private final int lanes;
    /** Factor lanes: 1 in shared mode, else lanes. */
    private final int fl;
    /** The factor lanes whose summation order {@link #factor} follows (see {@link #compact}). */
    private final int orderFl;
    private final ReducedMatrixAssembler assembler;
    private final double[] factor;
    private final double[] invDiag;
    /** 1/rhoY, m × lanes (lane 0 broadcast in shared mode). */
    private final double[] invRhoY;
    /** A·x, m × lanes. */
    private final double[] ax;
    private final double[] acc;
    private boolean factored;

    /**
     * @param mats   the tile's matrices
     * @param shared one factor for all lanes (requires {@code mats.allShared()})
     * @throws IllegalArgumentException when shared is requested for per-lane matrices
     */
    public DenseReducedCholesky(TileMatrices mats, boolean shared) {
        this(mats, shared, shared ? 1 : mats.lanes());
    }

    /**
     * A per-lane factorization whose lanes get the bits they would get in a tile of any width, one lane
     * included: its sums follow a tile of eight's order (a one-lane factor otherwise sums in pairs).
     */
    public static DenseReducedCholesky widthIndependent(TileMatrices mats) {
        return new DenseReducedCholesky(mats, false, 8);
    }

    private DenseReducedCholesky(TileMatrices mats, boolean shared, int orderFl) {
        this(mats, shared, orderFl, null);
    }

    /**
     * With the summation order of a factorization over {@code orderFl} factor lanes, and the
     * assembler {@code given} (null: a new one).
     */
    private DenseReducedCholesky(TileMatrices mats, boolean shared, int orderFl, ReducedMatrixAssembler given) {
        TileChecks.requireValid(mats);
        if (shared && !mats.allShared()) {
            throw new IllegalArgumentException("shared dense factor needs P and A shared by all lanes");
        }
        this.mats = mats;
        this.shared = shared;
        this.n = mats.n();
        this.m = mats.m();
        this.lanes = mats.lanes();
        this.fl = shared ? 1 : lanes;
        this.orderFl = orderFl;
        this.assembler = given != null ? given : new ReducedMatrixAssembler(mats, fl, orderFl);
        this.factor = new double[PackedCholesky.packedLength(n, fl)];
        this.invDiag = new double[n * fl];
        this.invRhoY = new double[m * lanes];
        this.ax = new double[m * lanes];
        this.acc = new double[lanes];
    }

    @Override
    public void factor(double rhoX, double[] rhoY) {
        factor(rhoX, rhoY, null, 0);
    }

    /**
     * {@link #factor(double, double[])} with Σ_r u_r·u_rᵀ added to the reduced matrix before it is
     * factored, for rows that a diagonal weight cannot express (a second-order cone's block W⁻¹·A of
     * the interior-point method). The caller gives those rows rhoY = +∞, so that {@link #solve} leaves
     * them out, and handles their share of the right-hand side and of y itself.
     *
     * @param rowPanel entry j of row r, lane l, at (j·rowCount + r)·lanes + l (null when rowCount is 0)
     * @param rowCount the number of rows u_r
     * @throws IllegalArgumentException for rows on a shared factor
     */
    public void factor(double rhoX, double[] rhoY, double[] rowPanel, int rowCount) {
        LinearSystems.checkWeights(rhoX, rhoY, m, lanes);
        if (rowCount > 0 && shared) {
            throw new IllegalArgumentException("added rows need a factor per lane");
        }
        if (shared) {
            for (int i = 0; i < m; i++) {
                double inv = 1.0 / rhoY[i * lanes];
                for (int l = 0; l < lanes; l++) {
                    invRhoY[i * lanes + l] = inv;
                }
            }
        } else {
            for (int t = 0; t < m * lanes; t++) { // one flat loop: the JIT vectorizes the divisions
                invRhoY[t] = 1.0 / rhoY[t];
            }
        }
        assembler.assemble(rhoX, rhoY, factor);
        if (rowCount > 0) {
            assembler.addDenseRows(rowPanel, rowCount, factor);
        }
        PackedCholesky.factor(factor, invDiag, n, fl, orderFl == 1, acc);
        factored = true;
    }

    /** {@inheritDoc} {@link #lastProduct} then holds A·x of the x returned. */
    @Override
    public void solve(double[] rhs) {
        solve(rhs, 0, rhs, n * lanes, rhs, 0, rhs, n * lanes);
    }

    /**
     * {@link #solve(double[])} with the right-hand side and the solution in four arrays: (rx, ry) in, (x, y) out
     * (n × lanes and m × lanes each; outputs distinct from inputs), the same operations and bits.
     */
    public void solve(double[] rx, double[] ry, double[] x, double[] y) {
        solve(rx, 0, ry, 0, x, 0, y, 0);
    }

    /**
     * {@link #solve(double[], double[], double[], double[])} for r_y = 0 without its product with Aᵀ:
     * x = M⁻¹·r_x and y = diag(rhoY)⁻¹·A·x (the same values; outputs distinct from rx).
     */
    public void solveWithZeroRy(double[] rx, double[] x, double[] y) {
        solve(rx, 0, null, 0, x, 0, y, 0);
    }

    /**
     * The solve from (rx, ry) at their offsets into (x, y) at theirs; x may be rx and y may be ry (in place).
     * A null ry is r_y = 0: its product with Aᵀ is skipped and y = diag(rhoY)⁻¹·A·x.
     */
    private void solve(double[] rx, int rxOff, double[] ry, int ryOff, double[] x, int xOff, double[] y, int yOff) {
        if (!factored) {
            throw new IllegalStateException("solve before factor");
        }
        int ml = m * lanes;
        if (x != rx || xOff != rxOff) {
            System.arraycopy(rx, rxOff, x, xOff, n * lanes);
        }
        if (ry != null) {
            // ax holds diag(rhoY)⁻¹·r_y for the right-hand side, then A·x.
            for (int t = 0; t < ml; t++) {
                ax[t] = ry[ryOff + t] * invRhoY[t];
            }
            TileProducts.multiplyAddAt(mats, ax, 0, x, xOff);
        }
        PackedCholesky.solve(factor, invDiag, n, fl, x, xOff, lanes, acc);
        TileProducts.multiplyA(mats, x, xOff, ax, 0);
        if (ry == null) {
            for (int t = 0; t < ml; t++) {
                y[yOff + t] = ax[t] * invRhoY[t];
            }
            return;
        }
        for (int t = 0; t < ml; t++) {
            y[yOff + t] = (ax[t] - ry[ryOff + t]) * invRhoY[t];
        }
    }

    /** A·x of the last {@link #solve}'s x (m × lanes; read-only, valid until the next solve). */
    public double[] lastProduct() {
        return ax;
    }

    @Override
    public boolean sharedFactor() {
        return shared;
    }

    @Override
    public String name() {
        return shared ? "shared-dense-cholesky" : "dense-cholesky";
    }

    @Override
    public boolean canCompact() {
        return true;
    }

    /**
     * Gathers the kept lanes' factors (a shared factor is copied). A per-lane system narrowed to one
     * lane keeps the multi-lane summation order: the one-lane kernels sum in pairs.
     */
    @Override
    public LinearSystem compact(TileMatrices narrow, int[] keep) {
        DenseReducedCholesky out = new DenseReducedCholesky(narrow, shared, orderFl,
                assembler.compact(narrow, shared ? 1 : narrow.lanes()));
        if (shared) {
            System.arraycopy(factor, 0, out.factor, 0, factor.length);
            System.arraycopy(invDiag, 0, out.invDiag, 0, invDiag.length);
        } else {
            LaneGather.gatherInto(factor, lanes, keep, out.factor);
            LaneGather.gatherInto(invDiag, lanes, keep, out.invDiag);
        }
        LaneGather.gatherInto(invRhoY, lanes, keep, out.invRhoY);
        out.factored = factored;
        return out;
    }

    /** The reduced-matrix assembler (for tests of its kernel choice). */
    ReducedMatrixAssembler assembler() {
        return assembler;
    }
}
