// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.solver.ipm;

import io.convexlayers.data.SparsePattern;
import java.util.Arrays;

/**
 * The second-order cones of a tile of instances: {@link NtScaling}'s Nesterov–Todd scaling and Jordan
 * algebra on batch-minor vectors (entry i of lane l at {@code i·lanes + l}), lane by lane and cone by
 * cone with the single instance's per-cone kernels. The scaling point w̄ lives in the caller's
 * scaling array on the cone rows (where nonnegative rows keep √(s/z)); η is held here, per cone and
 * lane. Every method touches the cone rows only.
 */
final class TileSocCones {
    private final int lanes;
    private final int count;
    private final int[] start;
    /** Rows of the first cone: the cones fill rows {@code first … m − 1}. */
    final int first;
    /** Rows in all cones together. */
    final int rows;
    /** η of cone k, lane l, at k·lanes + l. */
    private final double[] eta;
    /** One cone's column and scaling point, gathered for the Newton matrix's rows (largest cone's size). */
    private final double[] column;
    private final double[] scaled;
    private final double[] point;

    TileSocCones(IpmLayout layout, int lanes) {
        this.lanes = lanes;
        count = layout.socCount();
        start = layout.socStart;
        first = layout.zero + layout.nonneg;
        rows = layout.m - first;
        eta = new double[count * lanes];
        int largest = 0;
        for (int k = 0; k < count; k++) {
            largest = Math.max(largest, dim(k));
        }
        column = new double[largest];
        scaled = new double[largest];
        point = new double[largest];
    }

    private int dim(int k) {
        return start[k + 1] - start[k];
    }

    private int offset(int k, int l) {
        return start[k] * lanes + l;
    }

    /** W = I for lane l: w̄ = e₀, η = 1, and λ = e. */
    void identity(int l, double[] w, double[] lambda) {
        for (int k = 0; k < count; k++) {
            eta[k * lanes + l] = 1;
            NtScaling.identityPoint(w, offset(k, l), lanes, dim(k));
            NtScaling.identityPoint(lambda, offset(k, l), lanes, dim(k));
        }
    }

    /** Lane l's scaling at interior s, z, and λ = Wz; false when s or z left the interior. */
    boolean update(int l, double[] s, double[] z, double[] w, double[] lambda) {
        for (int k = 0; k < count; k++) {
            int o = offset(k, l);
            double e = NtScaling.scalingPoint(s, z, w, o, lanes, dim(k));
            if (!(e == e)) {
                return false;
            }
            eta[k * lanes + l] = e;
            NtScaling.applyW(w, e, z, lambda, o, lanes, dim(k), false);
        }
        return true;
    }

    /** out = W·v (or W⁻¹·v) on the cone rows of every lane; out may not alias v. */
    void applyW(double[] w, double[] v, double[] out, boolean inverse) {
        for (int l = 0; l < lanes; l++) {
            for (int k = 0; k < count; k++) {
                NtScaling.applyW(w, eta[k * lanes + l], v, out, offset(k, l), lanes, dim(k), inverse);
            }
        }
    }

    /** out = H·v (or H⁻¹·v) on the cone rows of every lane; out may not alias v. */
    void applyH(double[] w, double[] v, double[] out, boolean inverse) {
        for (int l = 0; l < lanes; l++) {
            for (int k = 0; k < count; k++) {
                NtScaling.applyH(w, eta[k * lanes + l], v, out, offset(k, l), lanes, dim(k), inverse);
            }
        }
    }

    /** out = u∘v on the cone rows of every lane (may alias either). */
    void product(double[] u, double[] v, double[] out) {
        for (int l = 0; l < lanes; l++) {
            for (int k = 0; k < count; k++) {
                NtScaling.product(u, v, out, offset(k, l), lanes, dim(k));
            }
        }
    }

    /** out = λ \ v on the cone rows of every lane (out may not alias v). */
    void divide(double[] lambda, double[] v, double[] out) {
        for (int l = 0; l < lanes; l++) {
            for (int k = 0; k < count; k++) {
                NtScaling.divide(lambda, v, out, offset(k, l), lanes, dim(k));
            }
        }
    }

    /** Adds t[l]·e to lane l's cone heads (the cone's identity), every lane. */
    void addIdentity(double[] v, double[] t) {
        for (int l = 0; l < lanes; l++) {
            for (int k = 0; k < count; k++) {
                v[offset(k, l)] += t[l];
            }
        }
    }

    /** Adds t·e to lane l's cone heads. */
    void addIdentity(double[] v, int l, double t) {
        for (int k = 0; k < count; k++) {
            v[offset(k, l)] += t;
        }
    }

    /** out[l] = min(out[l], the smallest eigenvalue of lane l's v over the cones), every lane. */
    void minEigenvalues(double[] v, double[] out) {
        for (int l = 0; l < lanes; l++) {
            for (int k = 0; k < count; k++) {
                out[l] = Math.min(out[l], NtScaling.minEigenvalue(v, offset(k, l), lanes, dim(k)));
            }
        }
    }

    /** out[l] = min(out[l], the largest step keeping lane l's v + α·dv in the cones), every lane. */
    void limitSteps(double[] v, double[] dv, double[] out) {
        for (int l = 0; l < lanes; l++) {
            for (int k = 0; k < count; k++) {
                out[l] = Math.min(out[l], NtScaling.socStep(v, dv, offset(k, l), lanes, dim(k)));
            }
        }
    }

    /**
     * The cone rows' share of the reduced Newton matrix, A_kᵀH_k⁻¹A_k = (W_k⁻¹A_k)ᵀ(W_k⁻¹A_k): writes
     * W_k⁻¹A_k of every cone and lane into {@code panel} (entry j of cone row r, lane l, at
     * (j·{@link #rows} + r)·lanes + l), for {@code DenseReducedCholesky}'s added rows.
     *
     * @param coneA  A's cone rows as a pattern of their own (row r of it is row {@link #first} + r of A)
     * @param values their values, batch-minor
     */
    void inverseScaledRows(SparsePattern coneA, double[] values, double[] w, double[] panel) {
        Arrays.fill(panel, 0);
        int n = coneA.cols();
        for (int j = 0; j < n; j++) {
            for (int q = coneA.colStart(j); q < coneA.colStart(j + 1); q++) {
                System.arraycopy(values, q * lanes, panel, (j * rows + coneA.rowIndex(q)) * lanes, lanes);
            }
        }
        for (int k = 0; k < count; k++) {
            int d = dim(k);
            int r0 = start[k] - first;
            for (int l = 0; l < lanes; l++) {
                int o = offset(k, l);
                for (int i = 0; i < d; i++) {
                    point[i] = w[o + i * lanes];
                }
                double e = eta[k * lanes + l];
                for (int j = 0; j < n; j++) {
                    int base = (j * rows + r0) * lanes + l;
                    boolean any = false;
                    for (int i = 0; i < d; i++) {
                        column[i] = panel[base + i * lanes];
                        any |= column[i] != 0;
                    }
                    if (!any) {
                        continue; // W⁻¹·0 = 0
                    }
                    NtScaling.applyW(point, e, column, scaled, 0, 1, d, true);
                    for (int i = 0; i < d; i++) {
                        panel[base + i * lanes] = scaled[i];
                    }
                }
            }
        }
    }
}
