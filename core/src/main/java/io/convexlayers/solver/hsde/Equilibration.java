// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.solver.hsde;

import io.convexlayers.batch.LaneSimd;
import io.convexlayers.batch.Lanes8Kernels;
import io.convexlayers.cone.ConeBlock;
import io.convexlayers.cone.ConeBlocks;
import io.convexlayers.data.BatchConeProgram;
import io.convexlayers.data.ConeDims;
import io.convexlayers.data.SparsePattern;

import java.util.List;

/**
 * Diagonal data equilibration (DESIGN §4): row scaling D (constant on each factor cone of a
 * {@link ConeBlock}, its {@link ConeBlock#coneBounds() cone bounds}, so that s ∈ K is preserved),
 * column scaling E and a scalar σ per lane, found by Ruiz passes (∞-norms) followed by one ℓ2
 * pass, each factor's norm clamped to [1e-4, 1e4]. The scaled data are Â = DAE, P̂ = EPE, b̂ = σDb, ĉ = σEc, and a solution of the
 * scaled program maps back as x = Ex̂/σ, y = Dŷ/σ, s = D⁻¹ŝ/σ.
 *
 * <p>Works on {@code valueLanes} sets of matrix values (1 when the matrices are shared by the tile):
 * values, D and E are batch-minor with that many lanes.
 */
public final class Equilibration {
    /** Ruiz (∞-norm) passes before the final ℓ2 pass. */
    public static final int RUIZ_PASSES = 25;
    /** Norms are clamped to [MIN_NORM, MAX_NORM] before they become factors. */
    public static final double MIN_NORM = 1e-4;
    /** See {@link #MIN_NORM}. */
    public static final double MAX_NORM = 1e4;
    /**
     * σ brings max(‖Db‖∞, ‖Ec‖∞) to one however large it is: with the old bound of {@link #MAX_NORM} here,
     * NETLIB KB2 with c·10¹⁰ kept ‖ĉ‖∞ ≈ 10⁶ and the first-order iterate overflowed within 20 iterations
     * (FAILED after 100 000 NaN iterations); now it is SOLVED. The device's σ kernel takes this bound as an
     * argument (its min(·, ∞) is the identity); {@link #sigma} needs none.
     */
    public static final double MAX_SIGMA_NORM = Double.POSITIVE_INFINITY;

    private Equilibration() {
    }

    /** The scaling factors for one set of lanes: D (m × lanes) and E (n × lanes), batch-minor. */
    public record Factors(double[] d, double[] e) {
    }

    /**
     * Scales A and P in place and returns the factors.
     *
     * @param aValues values of A on {@code aPattern}, batch-minor with {@code lanes} lanes
     * @param pValues values of P's upper triangle, or null
     * @param enabled when false, returns unit factors and leaves the values unchanged
     */
    public static Factors scaleMatrices(SparsePattern aPattern, double[] aValues, SparsePattern pPattern,
                                        double[] pValues, ConeDims cones, int lanes, boolean enabled) {
        return scaleMatrices(aPattern, aValues, pPattern, pValues, cones, lanes, enabled, RUIZ_PASSES);
    }

    /**
     * {@link #scaleMatrices(SparsePattern, double[], SparsePattern, double[], ConeDims, int, boolean)}
     * with {@code ruizPasses} ∞-norm passes before the ℓ2 pass (the interior-point method, less
     * sensitive to scaling than Douglas–Rachford, takes fewer, as Clarabel's ten).
     */
    public static Factors scaleMatrices(SparsePattern aPattern, double[] aValues, SparsePattern pPattern,
                                        double[] pValues, ConeDims cones, int lanes, boolean enabled,
                                        int ruizPasses) {
        int m = aPattern.rows();
        int n = aPattern.cols();
        double[] d = new double[m * lanes];
        double[] e = new double[n * lanes];
        java.util.Arrays.fill(d, 1);
        java.util.Arrays.fill(e, 1);
        if (!enabled) {
            return new Factors(d, e);
        }
        List<ConeBlock> blocks = ConeBlocks.of(cones, lanes);
        double[] rowNorm = new double[m * lanes];
        double[] colNorm = new double[n * lanes];
        double[] nextRowNorm = new double[m * lanes];
        double[] nextColNorm = new double[n * lanes];
        accumulateNorms(aPattern, aValues, lanes, rowNorm, colNorm, ruizPasses == 0, false);
        if (pPattern != null) {
            accumulateNorms(pPattern, pValues, lanes, null, colNorm, ruizPasses == 0, true);
        }
        for (int pass = 0; pass <= ruizPasses; pass++) {
            boolean l2 = pass == ruizPasses;
            if (l2) {
                sqrtInPlace(rowNorm);
                sqrtInPlace(colNorm);
            }
            equalizeCones(rowNorm, blocks, lanes);
            // Turn norms into this pass's factors 1/sqrt(norm), clamped.
            toFactors(rowNorm, lanes);
            toFactors(colNorm, lanes);
            if (l2) {
                applyFactors(aPattern, aValues, lanes, rowNorm, colNorm, false);
                if (pPattern != null) {
                    applyFactors(pPattern, pValues, lanes, colNorm, colNorm, true);
                }
            } else {
                // One sweep scales the values and takes the next pass's norms of the scaled ones.
                boolean nextL2 = pass + 1 == ruizPasses;
                java.util.Arrays.fill(nextRowNorm, 0);
                java.util.Arrays.fill(nextColNorm, 0);
                scaleAndAccumulate(aPattern, aValues, lanes, rowNorm, colNorm, nextRowNorm, nextColNorm, nextL2, false);
                if (pPattern != null) {
                    scaleAndAccumulate(pPattern, pValues, lanes, colNorm, colNorm, null, nextColNorm, nextL2, true);
                }
            }
            for (int i = 0; i < d.length; i++) {
                d[i] *= rowNorm[i];
            }
            for (int i = 0; i < e.length; i++) {
                e[i] *= colNorm[i];
            }
            double[] t = rowNorm;
            rowNorm = nextRowNorm;
            nextRowNorm = t;
            t = colNorm;
            colNorm = nextColNorm;
            nextColNorm = t;
        }
        return new Factors(d, e);
    }

    /**
     * Row and column norms (∞-norm, or squared ℓ2 when {@code l2}) of A, or column norms of the
     * symmetric P from its upper triangle ({@code symmetric}, rowNorm null).
     */
    private static void accumulateNorms(SparsePattern pat, double[] vals, int lanes, double[] rowNorm,
                                        double[] colNorm, boolean l2, boolean symmetric) {
        scaleAndAccumulate(pat, vals, lanes, null, null, rowNorm, colNorm, l2, symmetric);
    }

    /**
     * {@link #applyFactors} and then {@link #accumulateNorms} of the scaled values, in one sweep: each
     * entry is scaled and then counted, in the order the two sweeps would take, so the norms are the
     * same bits. Null factors: the values are counted as they are.
     */
    private static void scaleAndAccumulate(SparsePattern pat, double[] vals, int lanes, double[] rowF, double[] colF,
                                           double[] rowNorm, double[] colNorm, boolean l2, boolean symmetric) {
        int[] colStart = pat.colStartArray();
        int[] rowIndex = pat.rowIndexArray();
        Lanes8Kernels simd = lanes == 8 ? LaneSimd.kernels() : null;
        if (simd != null) {
            simd.scaleAndAccumulateNorms(pat.cols(), colStart, rowIndex, vals, rowF, colF, rowNorm, colNorm, l2,
                    symmetric);
            return;
        }
        if (lanes == 1) {
            scaleAndAccumulateOneLane(pat.cols(), colStart, rowIndex, vals, rowF, colF, rowNorm, colNorm, l2,
                    symmetric);
            return;
        }
        for (int j = 0; j < pat.cols(); j++) {
            int jo = j * lanes;
            for (int k = colStart[j]; k < colStart[j + 1]; k++) {
                int i = rowIndex[k];
                int io = i * lanes;
                int ko = k * lanes;
                // The row of a P entry is also a column of the symmetric matrix.
                double[] other = symmetric ? (i != j ? colNorm : null) : rowNorm;
                for (int l = 0; l < lanes; l++) {
                    double v = vals[ko + l];
                    if (rowF != null) {
                        v *= rowF[io + l] * colF[jo + l];
                        vals[ko + l] = v;
                    }
                    if (l2) {
                        double w = v * v;
                        colNorm[jo + l] += w;
                        if (other != null) {
                            other[io + l] += w;
                        }
                    } else {
                        double w = Math.abs(v);
                        colNorm[jo + l] = Math.max(colNorm[jo + l], w);
                        if (other != null) {
                            other[io + l] = Math.max(other[io + l], w);
                        }
                    }
                }
            }
        }
    }

    /**
     * {@link #scaleAndAccumulate} for one lane (a single instance): a column's norm is carried in
     * registers instead of memory, which took a store and a load per entry on the loop's critical path,
     * and a column's ∞-norm in two running maxima (even and odd entries) whose latencies overlap. Sums
     * are taken in the same order, and a maximum does not depend on the order (NaN and signed zeros
     * included), so the norms and values are the same bits as the general loop's.
     */
    private static void scaleAndAccumulateOneLane(int cols, int[] colStart, int[] rowIndex, double[] vals,
                                                  double[] rowF, double[] colF, double[] rowNorm,
                                                  double[] colNorm, boolean l2, boolean symmetric) {
        // The row of a P entry is also a column of the symmetric matrix; its diagonal counts once.
        double[] other = symmetric ? colNorm : rowNorm;
        for (int j = 0; j < cols; j++) {
            double cf = rowF != null ? colF[j] : 1;
            int end = colStart[j + 1];
            int k = colStart[j];
            if (l2) {
                double norm = colNorm[j];
                for (; k < end; k++) {
                    norm += counted(vals, k, rowIndex[k], j, rowF, cf, other, symmetric, true);
                }
                colNorm[j] = norm;
                continue;
            }
            double even = colNorm[j];
            double odd = even;
            for (; k + 1 < end; k += 2) {
                even = Math.max(even, counted(vals, k, rowIndex[k], j, rowF, cf, other, symmetric, false));
                odd = Math.max(odd, counted(vals, k + 1, rowIndex[k + 1], j, rowF, cf, other, symmetric, false));
            }
            if (k < end) {
                even = Math.max(even, counted(vals, k, rowIndex[k], j, rowF, cf, other, symmetric, false));
            }
            colNorm[j] = Math.max(even, odd);
        }
    }

    /**
     * Scales entry k (row i, column j) by its factors, stores it back, counts it into its row's norm
     * ({@code other}, unless it is a symmetric matrix's diagonal or there is none), and returns its
     * square (ℓ2) or magnitude (∞-norm) for the column's norm.
     */
    private static double counted(double[] vals, int k, int i, int j, double[] rowF, double cf, double[] other,
                                  boolean symmetric, boolean l2) {
        double v = vals[k];
        if (rowF != null) {
            v *= rowF[i] * cf;
            vals[k] = v;
        }
        double w = l2 ? v * v : Math.abs(v);
        if (other != null && (i != j || !symmetric)) {
            other[i] = l2 ? other[i] + w : Math.max(other[i], w);
        }
        return w;
    }

    private static void sqrtInPlace(double[] v) {
        for (int i = 0; i < v.length; i++) {
            v[i] = Math.sqrt(v[i]);
        }
    }

    /**
     * The row ranges that must share one factor (the factor cones of the blocks that are not
     * elementwise): {@code [0]} their first rows, {@code [1]} their lengths. A device implementation
     * of the passes equalizes exactly these.
     */
    public static int[][] sharedFactorRows(ConeDims cones) {
        java.util.List<int[]> ranges = new java.util.ArrayList<>();
        for (ConeBlock block : ConeBlocks.of(cones, 1)) {
            if (block.elementwise()) {
                continue;
            }
            int[] bounds = block.coneBounds();
            for (int k = 0; k + 1 < bounds.length; k++) {
                ranges.add(new int[] {bounds[k], bounds[k + 1] - bounds[k]});
            }
        }
        int[][] out = new int[2][ranges.size()];
        for (int g = 0; g < ranges.size(); g++) {
            out[0][g] = ranges.get(g)[0];
            out[1][g] = ranges.get(g)[1];
        }
        return out;
    }

    /** Rows of one cone must share one factor: each cone of a block gets its rows' largest norm. */
    static void equalizeCones(double[] rowNorm, List<ConeBlock> blocks, int lanes) {
        for (ConeBlock block : blocks) {
            if (block.elementwise()) {
                continue;   // one-row cones: nothing to share
            }
            int[] bounds = block.coneBounds();
            for (int k = 0; k + 1 < bounds.length; k++) {
                equalize(rowNorm, bounds[k], bounds[k + 1] - bounds[k], lanes);
            }
        }
    }

    private static void equalize(double[] rowNorm, int start, int len, int lanes) {
        for (int l = 0; l < lanes; l++) {
            double mx = 0;
            for (int i = start; i < start + len; i++) {
                mx = Math.max(mx, rowNorm[i * lanes + l]);
            }
            for (int i = start; i < start + len; i++) {
                rowNorm[i * lanes + l] = mx;
            }
        }
    }

    private static void toFactors(double[] norms, int lanes) {
        Lanes8Kernels simd = lanes == 8 ? LaneSimd.kernels() : null;
        if (simd != null) {
            simd.toFactors(norms, norms.length, MIN_NORM, MAX_NORM);
            return;
        }
        for (int i = 0; i < norms.length; i++) {
            double v = norms[i];
            // An empty row/column keeps factor 1 rather than being blown up by the clamp.
            norms[i] = v == 0 ? 1 : 1 / Math.sqrt(Math.min(Math.max(v, MIN_NORM), MAX_NORM));
        }
    }

    /**
     * vals(k, l) *= rowF(row of k, l)·colF(column of k, l) for a CSC matrix with batch-minor values
     * ({@code lanes} lanes); for a symmetric matrix's triangle both factors are the column factors.
     */
    public static void applyFactors(SparsePattern pat, double[] vals, int lanes, double[] rowF, double[] colF,
                                    boolean symmetric) {
        Lanes8Kernels simd = lanes == 8 ? LaneSimd.kernels() : null;
        if (simd != null) {
            simd.applyFactors(pat.cols(), pat.colStartArray(), pat.rowIndexArray(), vals, rowF, colF);
            return;
        }
        for (int j = 0; j < pat.cols(); j++) {
            for (int k = pat.colStart(j); k < pat.colStart(j + 1); k++) {
                int i = pat.rowIndex(k);
                for (int l = 0; l < lanes; l++) {
                    vals[k * lanes + l] *= rowF[i * lanes + l] * colF[j * lanes + l];
                }
            }
        }
    }

    /**
     * Above this spread of the lanes' balances ‖Db‖∞/‖Ec‖∞, a first-order tile (or device chunk) of shared
     * matrices factors per lane under AUTO: one factorization means one scale for every lane, and lanes of
     * different balance want different scales. Measured (NETLIB, two lanes over one A, one with c
     * multiplied by k, eps 1e-6): ADLITTLE needs 2.7–2.9× the iterations at k = 10³ and reaches the
     * 100 000 limit at 10⁴, SC50A 4.7× at 10⁴, AFIRO 100× at 10⁸; at k = 10² AFIRO is unaffected.
     */
    public static final double MAX_SHARED_BALANCE_SPREAD = 100;

    /**
     * max/min over the lanes of ‖b̂‖∞/‖ĉ‖∞ (σ cancels: ‖Db‖∞/‖Ec‖∞) from each lane's norms, among lanes with
     * both nonzero; 1 when fewer than two such lanes.
     */
    public static double balanceSpread(double[] bNorm, double[] cNorm, int lanes) {
        double lo = Double.POSITIVE_INFINITY;
        double hi = 0;
        for (int l = 0; l < lanes; l++) {
            if (bNorm[l] > 0 && cNorm[l] > 0) {
                double r = bNorm[l] / cNorm[l];
                lo = Math.min(lo, r);
                hi = Math.max(hi, r);
            }
        }
        return hi > 0 ? hi / lo : 1;
    }

    /**
     * The scalar σ per lane that brings the scaled b̂ = Db and ĉ = Ec to unit size, so that the
     * tolerances mean the same for every instance: 1/max(‖Db‖∞, ‖Ec‖∞, {@link #MIN_NORM}).
     */
    public static double sigma(double[] db, double[] ec, int m, int n, int lanes, int lane) {
        double nb = 0;
        for (int i = 0; i < m; i++) {
            nb = Math.max(nb, Math.abs(db[i * lanes + lane]));
        }
        double nc = 0;
        for (int j = 0; j < n; j++) {
            nc = Math.max(nc, Math.abs(ec[j * lanes + lane]));
        }
        double size = Math.max(nb, nc);
        return 1 / Math.max(size, MIN_NORM);
    }

    /**
     * The scaled right-hand sides of a tile: b̂ = σDb and ĉ = σEc, with σ per lane from
     * {@link #sigma}.
     *
     * @param b     b̂, m × lanes batch-minor
     * @param c     ĉ, n × lanes batch-minor
     * @param sigma σ per lane
     */
    public record ScaledVectors(double[] b, double[] c, double[] sigma) {
    }

    /** Scales b and c of instances {@code [first, first + lanes)} by the tile's D and E. */
    public static ScaledVectors scaleVectors(BatchConeProgram batch, int first, int lanes, double[] d, double[] e) {
        int m = batch.m();
        int n = batch.n();
        double[] b = new double[m * lanes];
        double[] c = new double[n * lanes];
        batch.b().copyTile(first, lanes, b);
        batch.c().copyTile(first, lanes, c);
        for (int k = 0; k < b.length; k++) {
            b[k] *= d[k];
        }
        for (int k = 0; k < c.length; k++) {
            c[k] *= e[k];
        }
        double[] sigma = new double[lanes];
        for (int l = 0; l < lanes; l++) {
            sigma[l] = sigma(b, c, m, n, lanes, l);
        }
        for (int k = 0; k < b.length; k++) {
            b[k] *= sigma[k % lanes];
        }
        for (int k = 0; k < c.length; k++) {
            c[k] *= sigma[k % lanes];
        }
        return new ScaledVectors(b, c, sigma);
    }
}
