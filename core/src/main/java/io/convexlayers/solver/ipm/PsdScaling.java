// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.solver.ipm;

import io.convexlayers.cone.SvecMatrix;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.EigenDecomposition_F64;
import org.ejml.interfaces.decomposition.SingularValueDecomposition_F64;

/**
 * Nesterov–Todd scaling of positive semidefinite cones and their Jordan algebra, in the svec
 * coordinates of {@code io.convexlayers.cone.PsdCone} (lower triangle column by column, off-diagonal
 * entries times √2, so that tr(XY) = svec(X)ᵀsvec(Y)). For S, Z ≻ 0 (Vandenberghe, "The CVXOPT linear
 * and quadratic cone program solvers", §4.3; Todd, Toh and Tütüncü, 1998): with the Cholesky factors
 * S = L_sL_sᵀ, Z = L_zL_zᵀ and the singular value decomposition L_zᵀL_s = UΛVᵀ,
 * <pre>
 *   R = L_s·V·Λ^(−½),   R⁻¹ = Λ^(−½)·Uᵀ·L_zᵀ,   RᵀZR = R⁻¹SR⁻ᵀ = Λ,
 * </pre>
 * and the scaling acts on a symmetric matrix X as 𝒲(X) = RᵀXR, with 𝒲ᵀ(X) = RXRᵀ,
 * 𝒲⁻ᵀ(X) = R⁻¹XR⁻ᵀ and H = 𝒲ᵀ𝒲: X ↦ GXG for G = RRᵀ (so that H(Z) = S; G is the NT scaling point).
 * The scaled point λ = 𝒲(Z) = Λ is diagonal, which makes λ∘X = (λX + Xλ)/2 and its inverse entrywise.
 * Unlike the scalings of nonnegative rows and second-order cones, 𝒲 is not symmetric: the
 * interior-point step uses 𝒲 on Δz, 𝒲⁻ᵀ on Δs and 𝒲ᵀ on λ \ d_s.
 *
 * <p>Cones of order d cost O(d³) per operation; one object holds every PSD cone of a layout and its
 * own workspace, EJML's decompositions included (not thread-safe: one per interior-point workspace;
 * getU/getV still allocate their results).
 */
final class PsdScaling {
    private static final double SQRT2 = Math.sqrt(2);

    /** Which linear map {@link #apply} applies. */
    enum Map {
        /** 𝒲: X ↦ RᵀXR. */
        W,
        /** 𝒲ᵀ: X ↦ RXRᵀ. */
        W_TRANSPOSE,
        /** 𝒲⁻ᵀ: X ↦ R⁻¹XR⁻ᵀ. */
        W_INVERSE_TRANSPOSE,
        /** H = 𝒲ᵀ𝒲: X ↦ GXG. */
        H,
        /** H⁻¹: X ↦ G⁻¹XG⁻¹. */
        H_INVERSE
    }

    /** First row of each cone; one extra entry holds the end of the last. */
    private final int[] start;
    private final int[] order;
    private final double[][] r;
    private final double[][] rInv;
    private final double[][] g;
    private final double[][] gInv;
    private final double[] x;
    private final double[] y;
    private final double[] t;
    private final double[] ls;
    private final double[] lz;
    /** Per cone: a d × d matrix for EJML and its decompositions (made once, reused every iteration). */
    private final DMatrixRMaj[] dense;
    private final SingularValueDecomposition_F64<DMatrixRMaj>[] svd;
    private final EigenDecomposition_F64<DMatrixRMaj>[] eig;

    /**
     * @param start the first row of each cone and, last, the end of the last cone
     * @param order each cone's matrix order
     */
    @SuppressWarnings("unchecked")
    PsdScaling(int[] start, int[] order) {
        this.start = start.clone();
        this.order = order.clone();
        int max = 1;
        r = new double[order.length][];
        rInv = new double[order.length][];
        g = new double[order.length][];
        gInv = new double[order.length][];
        dense = new DMatrixRMaj[order.length];
        svd = new SingularValueDecomposition_F64[order.length];
        eig = new EigenDecomposition_F64[order.length];
        for (int c = 0; c < order.length; c++) {
            int d = order[c];
            max = Math.max(max, d);
            dense[c] = new DMatrixRMaj(d, d);
            svd[c] = DecompositionFactory_DDRM.svd(d, d, true, true, false);
            eig[c] = DecompositionFactory_DDRM.eig(d, false, true);
            r[c] = new double[d * d];
            rInv[c] = new double[d * d];
            g[c] = new double[d * d];
            gInv[c] = new double[d * d];
        }
        x = new double[max * max];
        y = new double[max * max];
        t = new double[max * max];
        ls = new double[max * max];
        lz = new double[max * max];
    }

    /** Number of cones. */
    int count() {
        return order.length;
    }

    /** The identity scaling R = I of every cone. */
    void identity() {
        for (int c = 0; c < order.length; c++) {
            int d = order[c];
            for (int i = 0; i < d * d; i++) {
                double unit = i % (d + 1) == 0 ? 1 : 0;
                r[c][i] = unit;
                rInv[c][i] = unit;
                g[c][i] = unit;
                gInv[c][i] = unit;
            }
        }
    }

    /**
     * The scaling at s, z (full-length vectors) and λ = 𝒲(z) into {@code lambda} on the cones' rows.
     *
     * @return false when s or z is not positive definite on some cone (the scaling is then undefined)
     */
    boolean update(double[] s, double[] z, double[] lambda) {
        for (int c = 0; c < order.length; c++) {
            int d = order[c];
            int o = start[c];
            SvecMatrix.unpack(s, o, 1, d, x);
            SvecMatrix.unpack(z, o, 1, d, y);
            if (!cholesky(x, ls, d) || !cholesky(y, lz, d)) {
                return false;
            }
            // M = L_zᵀ·L_s, then its SVD.
            DMatrixRMaj mat = dense[c];
            for (int i = 0; i < d; i++) {
                for (int j = 0; j < d; j++) {
                    double sum = 0;
                    for (int k = Math.max(i, j); k < d; k++) {
                        sum += lz[k * d + i] * ls[k * d + j];
                    }
                    mat.set(i, j, sum);
                }
            }
            if (!svd[c].decompose(mat)) {
                return false;
            }
            DMatrixRMaj u = svd[c].getU(null, false);
            DMatrixRMaj v = svd[c].getV(null, false);
            double[] sigma = svd[c].getSingularValues();
            for (int k = 0; k < d; k++) {
                if (!(sigma[k] > 0) || !Double.isFinite(sigma[k])) {
                    return false;
                }
            }
            double[] rc = r[c];
            double[] ric = rInv[c];
            for (int i = 0; i < d; i++) {
                for (int k = 0; k < d; k++) {
                    double a = 0; // (L_s·V)_ik
                    double b = 0; // (L_z·U)_ik, so that R⁻¹ = Λ^(−½)(L_zU)ᵀ
                    for (int j = 0; j <= i; j++) {
                        a += ls[i * d + j] * v.get(j, k);
                        b += lz[i * d + j] * u.get(j, k);
                    }
                    double f = 1 / Math.sqrt(sigma[k]);
                    rc[i * d + k] = a * f;
                    ric[k * d + i] = b * f;
                }
            }
            multiplyTransposeB(rc, rc, g[c], d);
            multiplyTransposeA(ric, ric, gInv[c], d);
            for (int p = o; p < start[c + 1]; p++) {
                lambda[p] = 0;
            }
            for (int k = 0; k < d; k++) {
                lambda[o + SvecMatrix.diagonal(k, d)] = sigma[k];
            }
        }
        return true;
    }

    /** out = map(v) on every cone's rows (out may not alias v). */
    void apply(Map map, double[] v, double[] out) {
        for (int c = 0; c < order.length; c++) {
            apply(map, c, v, out);
        }
    }

    /** out = map(v) on the rows of cone c only (out may not alias v). */
    void apply(Map map, int c, double[] v, double[] out) {
        int d = order[c];
        int o = start[c];
        SvecMatrix.unpack(v, o, 1, d, x);
        switch (map) {
            case W -> congruence(r[c], true, d);
            case W_TRANSPOSE -> congruence(r[c], false, d);
            case W_INVERSE_TRANSPOSE -> congruence(rInv[c], false, d);
            case H -> congruence(g[c], false, d);
            case H_INVERSE -> congruence(gInv[c], false, d);
            default -> throw new IllegalStateException();
        }
        SvecMatrix.pack(y, d, out, o, 1);
    }

    /**
     * Subtracts cone c's H, in svec coordinates, from the lower triangle of the row-major matrix k of
     * order {@code order}, its first svec row and column at {@code at}. With p ↔ (i, j) and q ↔ (l, m)
     * (i ≥ j, l ≥ m), H(E_q) = G·E_q·G gives H_pq = c_ij·G_il·G_jl when l = m and
     * c_ij·(G_il·G_jm + G_im·G_jl)/√2 otherwise (c_ij: √2 off the diagonal, 1 on it).
     */
    void subtractH(int c, double[] k, int order, int at) {
        int d = this.order[c];
        double[] gc = g[c];
        int p = 0;
        for (int j = 0; j < d; j++) {
            for (int i = j; i < d; i++, p++) {
                int row = (at + p) * order + at;
                double cij = i == j ? 1 : SQRT2;
                int q = 0;
                for (int m = 0; m < d && q <= p; m++) {
                    for (int l = m; l < d && q <= p; l++, q++) {
                        double h = l == m ? gc[i * d + l] * gc[j * d + l]
                                : (gc[i * d + l] * gc[j * d + m] + gc[i * d + m] * gc[j * d + l]) / SQRT2;
                        k[row + q] -= cij * h;
                    }
                }
            }
        }
    }

    /** out = u∘v = svec((UV + VU)/2) on every cone's rows (may alias either). */
    void product(double[] u, double[] v, double[] out) {
        for (int c = 0; c < order.length; c++) {
            int d = order[c];
            int o = start[c];
            SvecMatrix.unpack(u, o, 1, d, x);
            SvecMatrix.unpack(v, o, 1, d, t);
            for (int i = 0; i < d; i++) {
                for (int j = 0; j <= i; j++) {
                    double sum = 0;
                    for (int k = 0; k < d; k++) {
                        sum += x[i * d + k] * t[k * d + j] + t[i * d + k] * x[k * d + j];
                    }
                    y[i * d + j] = 0.5 * sum;
                    y[j * d + i] = 0.5 * sum;
                }
            }
            SvecMatrix.pack(y, d, out, o, 1);
        }
    }

    /**
     * out = λ \ v for the diagonal λ of {@link #update}: the X with (λX + Xλ)/2 = V, entry by entry
     * X_ij = 2V_ij/(λ_i + λ_j) (the svec scaling cancels).
     */
    void divide(double[] lambda, double[] v, double[] out) {
        for (int c = 0; c < order.length; c++) {
            int d = order[c];
            int o = start[c];
            int p = o;
            for (int j = 0; j < d; j++) {
                double lj = lambda[o + SvecMatrix.diagonal(j, d)];
                for (int i = j; i < d; i++) {
                    double li = lambda[o + SvecMatrix.diagonal(i, d)];
                    out[p] = 2 * v[p] / (li + lj);
                    p++;
                }
            }
        }
    }

    /** v += t·I on every cone. */
    void addIdentity(double[] v, double tIdentity) {
        for (int c = 0; c < order.length; c++) {
            int d = order[c];
            for (int i = 0; i < d; i++) {
                v[start[c] + SvecMatrix.diagonal(i, d)] += tIdentity;
            }
        }
    }

    /** The smallest eigenvalue over every cone (+∞ without cones). */
    double minEigenvalue(double[] v) {
        double min = Double.POSITIVE_INFINITY;
        for (int c = 0; c < order.length; c++) {
            int d = order[c];
            SvecMatrix.unpack(v, start[c], 1, d, x);
            min = Math.min(min, smallestEigenvalue(c, x));
        }
        return min;
    }

    /**
     * The largest α ≤ limit with v + α·dv positive semidefinite on every cone, for v positive
     * definite: with V = LLᵀ, α = −1/μ for the smallest eigenvalue μ &lt; 0 of L⁻¹·dV·L⁻ᵀ.
     */
    double maxStep(double[] v, double[] dv, double limit) {
        double alpha = limit;
        for (int c = 0; c < order.length; c++) {
            int d = order[c];
            int o = start[c];
            SvecMatrix.unpack(v, o, 1, d, x);
            if (!cholesky(x, ls, d)) {
                return 0;
            }
            SvecMatrix.unpack(dv, o, 1, d, t);
            // y = L⁻¹·dV (column by column), then x = L⁻¹·yᵀ = L⁻¹·dV·L⁻ᵀ.
            lowerSolve(ls, t, y, d);
            transpose(y, t, d);
            lowerSolve(ls, t, x, d);
            double mu = smallestEigenvalue(c, x);
            if (mu < 0) {
                alpha = Math.min(alpha, -1 / mu);
            }
        }
        return alpha;
    }

    /** y = Mᵀ·x·M ({@code transposeLeft}) or M·x·Mᵀ, the workspace's x as input. */
    private void congruence(double[] mat, boolean transposeLeft, int d) {
        // t = x·M (or x·Mᵀ), then y = Mᵀ·t (or M·t).
        for (int i = 0; i < d; i++) {
            for (int j = 0; j < d; j++) {
                double sum = 0;
                for (int k = 0; k < d; k++) {
                    sum += x[i * d + k] * (transposeLeft ? mat[k * d + j] : mat[j * d + k]);
                }
                t[i * d + j] = sum;
            }
        }
        for (int i = 0; i < d; i++) {
            for (int j = 0; j <= i; j++) {
                double sum = 0;
                for (int k = 0; k < d; k++) {
                    sum += (transposeLeft ? mat[k * d + i] : mat[i * d + k]) * t[k * d + j];
                }
                y[i * d + j] = sum;
                y[j * d + i] = sum;
            }
        }
    }

    /** Lower Cholesky factor l of a (order d); false when a is not positive definite. */
    static boolean cholesky(double[] a, double[] l, int d) {
        for (int j = 0; j < d; j++) {
            double diag = a[j * d + j];
            for (int k = 0; k < j; k++) {
                diag -= l[j * d + k] * l[j * d + k];
            }
            if (!(diag > 0)) {
                return false;
            }
            double root = Math.sqrt(diag);
            l[j * d + j] = root;
            for (int i = j + 1; i < d; i++) {
                double sum = a[i * d + j];
                for (int k = 0; k < j; k++) {
                    sum -= l[i * d + k] * l[j * d + k];
                }
                l[i * d + j] = sum / root;
            }
            for (int k = j + 1; k < d; k++) {
                l[j * d + k] = 0;
            }
        }
        return true;
    }

    /** out = L⁻¹·b for lower-triangular L (all matrices order d, row-major). */
    private static void lowerSolve(double[] l, double[] b, double[] out, int d) {
        for (int col = 0; col < d; col++) {
            for (int i = 0; i < d; i++) {
                double sum = b[i * d + col];
                for (int k = 0; k < i; k++) {
                    sum -= l[i * d + k] * out[k * d + col];
                }
                out[i * d + col] = sum / l[i * d + i];
            }
        }
    }

    private static void transpose(double[] a, double[] out, int d) {
        for (int i = 0; i < d; i++) {
            for (int j = 0; j < d; j++) {
                out[j * d + i] = a[i * d + j];
            }
        }
    }

    /** out = a·bᵀ. */
    private static void multiplyTransposeB(double[] a, double[] b, double[] out, int d) {
        for (int i = 0; i < d; i++) {
            for (int j = 0; j < d; j++) {
                double sum = 0;
                for (int k = 0; k < d; k++) {
                    sum += a[i * d + k] * b[j * d + k];
                }
                out[i * d + j] = sum;
            }
        }
    }

    /** out = aᵀ·b. */
    private static void multiplyTransposeA(double[] a, double[] b, double[] out, int d) {
        for (int i = 0; i < d; i++) {
            for (int j = 0; j < d; j++) {
                double sum = 0;
                for (int k = 0; k < d; k++) {
                    sum += a[k * d + i] * b[k * d + j];
                }
                out[i * d + j] = sum;
            }
        }
    }

    /** The smallest eigenvalue of the symmetric a of cone c's order (its symmetric part is read). */
    private double smallestEigenvalue(int c, double[] a) {
        int d = order[c];
        DMatrixRMaj mat = dense[c];
        for (int i = 0; i < d; i++) {
            for (int j = 0; j < d; j++) {
                mat.set(i, j, 0.5 * (a[i * d + j] + a[j * d + i]));
            }
        }
        if (!eig[c].decompose(mat)) {
            return Double.NaN;
        }
        double min = Double.POSITIVE_INFINITY;
        for (int k = 0; k < d; k++) {
            min = Math.min(min, eig[c].getEigenvalue(k).getReal());
        }
        return min;
    }
}
