// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.diff.residual;

import io.convexlayers.batch.BatchOperator;
import io.convexlayers.batch.TileSparse;
import io.convexlayers.cone.ConeDerivative;
import io.convexlayers.data.ConeDims;
import io.convexlayers.data.SparsePattern;
import io.convexlayers.solver.linsys.TileMatrices;

/**
 * The Jacobian M = (DQ(π) − I)·DΠ(z) + I of the residual map of a cone program at a solution
 * (DESIGN §6), for a tile of lanes, applied matrix-free on the CPU. With the solution (x, y, s),
 * z = (x, y − s, 1), DΠ(z) = blockdiag(I, DΠ_{K*}(y − s), 1) and
 * <pre>
 *   DQ(π) = [  P            Aᵀ    c    ]
 *           [ −A            0     b    ]
 *           [ −(c + 2Px)ᵀ  −bᵀ    xᵀPx ]
 * </pre>
 * Vectors have n + m + 1 entries per lane, batch-minor. Mᵀv = DΠ·(DQᵀv − v) + v since DΠ is
 * symmetric. One implementation for the CPU's derivative ({@code diff.SolutionDerivative}) and the CPU
 * side of the backends' derivative SPI ({@code backend.cpu.CpuDerivativeKernels}); internal, below
 * {@code diff}.
 */
public final class ResidualMapOperator implements BatchOperator<double[]> {
    private final int n;
    private final int m;
    private final int lanes;
    private final SparsePattern aPattern;
    private final double[] aValues;
    private final boolean aShared;
    private final SparsePattern pPattern;
    private final double[] pValues;
    private final boolean pShared;
    private final double[] b;
    private final double[] c;
    private final double[] x;
    private final double[] cPlus2Px;
    private final double[] xPx;
    private final ConeDerivative coneDerivative;
    private final int zeroRows;
    /** Per zero row and lane (row-major, lanes fastest): whether the row is vacuous; built on first use. */
    private boolean[] vacuous;
    private final double[] t;
    private final double[] q;

    /**
     * @param aValues A's values (shared: nnz, else nnz × lanes batch-minor); likewise P (or null)
     * @param b       b, m × lanes batch-minor; {@code c}, {@code x}, {@code y}, {@code s} likewise
     */
    public ResidualMapOperator(ConeDims cones, int lanes, SparsePattern aPattern, double[] aValues, boolean aShared,
                               SparsePattern pPattern, double[] pValues, boolean pShared, double[] b, double[] c,
                               double[] x, double[] y, double[] s) {
        this.n = aPattern.cols();
        this.m = aPattern.rows();
        this.lanes = lanes;
        this.aPattern = aPattern;
        this.aValues = aValues;
        this.aShared = aShared;
        this.pPattern = pPattern;
        this.pValues = pValues;
        this.pShared = pShared;
        this.b = b;
        this.c = c;
        this.x = x;
        this.cPlus2Px = new double[n * lanes];
        this.xPx = new double[lanes];
        double[] px = new double[n * lanes];
        if (pPattern != null) {
            TileSparse.symmetricMultiplyAdd(pPattern, pValues, pShared, lanes, x, 0, px, 0);
        }
        for (int k = 0; k < n * lanes; k++) {
            cPlus2Px[k] = c[k] + 2 * px[k];
            xPx[k % lanes] += x[k] * px[k];
        }
        double[] v = new double[m * lanes];
        for (int k = 0; k < m * lanes; k++) {
            v[k] = y[k] - s[k];
        }
        this.zeroRows = cones.zero();
        this.coneDerivative = new ConeDerivative(cones, lanes);
        coneDerivative.linearizeAt(v, 0, true);
        this.t = new double[(n + m + 1) * lanes];
        this.q = new double[(n + m + 1) * lanes];
    }

    /**
     * Whether zero-cone row {@code i} is vacuous in lane {@code lane}: its row of A vanishes and
     * b_i = 0 (the symmetry rows of a PSD argument that is symmetric by construction). Then M's row
     * and column of coordinate n + i are zero: the coordinate is a null direction of M outside the
     * active block, and the pseudo-inverse's component there is zero.
     */
    public boolean vacuousRow(int i, int lane) {
        if (i >= zeroRows) {
            return false;
        }
        if (vacuous == null) {
            vacuous = vacuousZeroRows(aPattern, zeroRows, lanes, this::aValue, b);
        }
        return vacuous[i * lanes + lane];
    }

    /** A's value k in lane l. */
    @FunctionalInterface
    public interface LaneValue {
        double at(int k, int lane);
    }

    /**
     * Per zero-cone row (the first {@code zeroRows} rows) and lane, lanes fastest: whether the row is
     * vacuous, its row of A vanishing and b_i = 0 ({@link #vacuousRow}). One rule for the active block
     * and for the kink test ({@code DerivativeRules.kinkAt}).
     *
     * @param b b, m × lanes batch-minor (only its zero rows are read)
     */
    public static boolean[] vacuousZeroRows(SparsePattern a, int zeroRows, int lanes, LaneValue aValue, double[] b) {
        boolean[] constraining = new boolean[zeroRows * lanes];
        for (int k = 0; k < a.nnz(); k++) {
            int r = a.rowIndex(k);
            for (int l = 0; r < zeroRows && l < lanes; l++) {
                constraining[r * lanes + l] |= aValue.at(k, l) != 0;
            }
        }
        boolean[] vacuous = new boolean[zeroRows * lanes];
        for (int e = 0; e < vacuous.length; e++) {
            vacuous[e] = !constraining[e] && b[e] == 0;
        }
        return vacuous;
    }

    /** Rows of the zero cone, the first rows. */
    public int zeroRows() {
        return zeroRows;
    }

    @Override
    public int rows() {
        return n + m + 1;
    }

    @Override
    public int cols() {
        return n + m + 1;
    }

    /** The derivative of the dual-cone projection at v = y − s, shared with the result maps. */
    public ConeDerivative coneDerivative() {
        return coneDerivative;
    }

    @Override
    public void apply(double[] in, double[] out) {
        projectDerivative(in, t);
        multiplyDq(t, q);
        for (int k = 0; k < out.length; k++) {
            out[k] = q[k] - t[k] + in[k];
        }
    }

    @Override
    public void applyTranspose(double[] in, double[] out) {
        multiplyDqTranspose(in, q);
        for (int k = 0; k < q.length; k++) {
            q[k] -= in[k];
        }
        projectDerivative(q, t);
        for (int k = 0; k < out.length; k++) {
            out[k] = t[k] + in[k];
        }
    }

    /** out = DΠ(z)·in: identity on the x and τ blocks, DΠ_{K*} on the y block. */
    private void projectDerivative(double[] in, double[] out) {
        int nl = n * lanes;
        System.arraycopy(in, 0, out, 0, nl);
        coneDerivative.apply(in, nl, out, nl);
        int w = (n + m) * lanes;
        System.arraycopy(in, w, out, w, lanes);
    }

    /** out = DQ(π)·in. */
    private void multiplyDq(double[] in, double[] out) {
        int nl = n * lanes;
        int w = (n + m) * lanes;
        java.util.Arrays.fill(out, 0);
        // x block: P in_x + Aᵀ in_y + c in_w
        if (pPattern != null) {
            TileSparse.symmetricMultiplyAdd(pPattern, pValues, pShared, lanes, in, 0, out, 0);
        }
        TileSparse.transposeMultiplyAdd(aPattern, aValues, aShared, lanes, in, nl, out, 0);
        for (int j = 0; j < n; j++) {
            for (int l = 0; l < lanes; l++) {
                out[j * lanes + l] += c[j * lanes + l] * in[w + l];
            }
        }
        // y block: −A in_x + b in_w (computed as A in_x, then negated)
        TileSparse.multiplyAdd(aPattern, aValues, aShared, lanes, in, 0, out, nl);
        for (int i = 0; i < m; i++) {
            for (int l = 0; l < lanes; l++) {
                int k = nl + i * lanes + l;
                out[k] = -out[k] + b[i * lanes + l] * in[w + l];
            }
        }
        // τ block: −(c + 2Px)ᵀ in_x − bᵀ in_y + xᵀPx in_w
        for (int l = 0; l < lanes; l++) {
            out[w + l] = xPx[l] * in[w + l];
        }
        for (int j = 0; j < n; j++) {
            for (int l = 0; l < lanes; l++) {
                out[w + l] -= cPlus2Px[j * lanes + l] * in[j * lanes + l];
            }
        }
        for (int i = 0; i < m; i++) {
            for (int l = 0; l < lanes; l++) {
                out[w + l] -= b[i * lanes + l] * in[nl + i * lanes + l];
            }
        }
    }

    /** out = DQ(π)ᵀ·in. */
    private void multiplyDqTranspose(double[] in, double[] out) {
        int nl = n * lanes;
        int w = (n + m) * lanes;
        java.util.Arrays.fill(out, 0);
        // x block: P in_x − Aᵀ in_y − (c + 2Px) in_w
        TileSparse.transposeMultiplyAdd(aPattern, aValues, aShared, lanes, in, nl, out, 0);
        for (int k = 0; k < nl; k++) {
            out[k] = -out[k] - cPlus2Px[k] * in[w + k % lanes];
        }
        if (pPattern != null) {
            TileSparse.symmetricMultiplyAdd(pPattern, pValues, pShared, lanes, in, 0, out, 0);
        }
        // y block: A in_x − b in_w
        TileSparse.multiplyAdd(aPattern, aValues, aShared, lanes, in, 0, out, nl);
        for (int i = 0; i < m; i++) {
            for (int l = 0; l < lanes; l++) {
                out[nl + i * lanes + l] -= b[i * lanes + l] * in[w + l];
            }
        }
        // τ block: cᵀ in_x + bᵀ in_y + xᵀPx in_w
        for (int l = 0; l < lanes; l++) {
            out[w + l] = xPx[l] * in[w + l];
        }
        for (int j = 0; j < n; j++) {
            for (int l = 0; l < lanes; l++) {
                out[w + l] += c[j * lanes + l] * in[j * lanes + l];
            }
        }
        for (int i = 0; i < m; i++) {
            for (int l = 0; l < lanes; l++) {
                out[w + l] += b[i * lanes + l] * in[nl + i * lanes + l];
            }
        }
    }

    /** The state x the operator was built at (batch-minor), for the result maps. */
    public double[] x() {
        return x;
    }

    /** Lanes of the tile. */
    public int lanes() {
        return lanes;
    }

    /** Variables per instance. */
    public int n() {
        return n;
    }

    /** Constraint rows per instance. */
    public int m() {
        return m;
    }

    /** A's pattern. */
    public SparsePattern aPattern() {
        return aPattern;
    }

    /** P and A of the tile, as the linear-system classes take them. */
    public TileMatrices tileMatrices() {
        return new TileMatrices(aPattern, aValues, aShared, pPattern, pValues, pShared,
                lanes);
    }

    /** A's k-th stored value in one lane. */
    public double aValue(int k, int lane) {
        return aShared ? aValues[k] : aValues[k * lanes + lane];
    }

    /** P's pattern (upper triangle), or null. */
    public SparsePattern pPattern() {
        return pPattern;
    }

    /** P's k-th stored value in one lane. */
    public double pValue(int k, int lane) {
        return pShared ? pValues[k] : pValues[k * lanes + lane];
    }

    /** b, c + 2Px, c (batch-minor) and xᵀPx (per lane): the data of DQ's border. */
    public double[] b() {
        return b;
    }

    /** c (batch-minor). */
    public double[] c() {
        return c;
    }

    /** c + 2Px (batch-minor). */
    public double[] cPlus2Px() {
        return cPlus2Px;
    }

    /** xᵀPx per lane. */
    public double[] xPx() {
        return xPx;
    }
}
