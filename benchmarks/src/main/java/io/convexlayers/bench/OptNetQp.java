package io.convexlayers.bench;

import java.util.stream.IntStream;

/**
 * An OptNet-style differentiable QP layer (Amos &amp; Kolter, <i>OptNet: Differentiable Optimization
 * as a Layer in Neural Networks</i>, ICML 2017), written here from the paper's description for the
 * inequality-constrained QP
 * <pre>
 *   minimize ½zᵀQz + qᵀz   subject to  Gz ≤ h.
 * </pre>
 * <b>Forward</b> (§3.1 of the paper): a primal–dual interior-point method with Mehrotra's
 * predictor–corrector, run for every instance of the batch (instances in parallel). Each iteration
 * eliminates ds and dλ from the Newton system and factors the reduced matrix
 * H = Q + Gᵀ diag(λ/s) G by Cholesky; predictor and corrector share the factorization.
 * <b>Backward</b> (§3, eq. 7–8): implicit differentiation of the KKT conditions at the solution.
 * The transposed system
 * <pre>
 *   [ Q        Gᵀ       ] [dz]   [−∂ℓ/∂z]
 *   [ D(λ)G   −D(s)     ] [dλ] = [  0   ]
 * </pre>
 * reduces, with dλ = D(λ/s) G dz, to H dz = −∂ℓ/∂z — the last iteration's H, whose Cholesky factor
 * is reused, so the backward pass costs two triangular solves per instance. Then ∂ℓ/∂q = dz,
 * ∂ℓ/∂h = −D(λ) dλ, ∂ℓ/∂G = D(λ)(dλ zᵀ + λ dzᵀ), ∂ℓ/∂Q = ½(dz zᵀ + z dzᵀ).
 */
public final class OptNetQp {
    /** Stop when the duality measure and both residuals are below this times (1 + ‖q‖∞ + ‖h‖∞). */
    public static final double TOL = 1e-8;
    /** Iteration limit, as in the paper's implementation. */
    public static final int MAX_ITERS = 50;

    private final int n;
    private final int m;
    private final int batch;
    private final double[][] q2;
    private final double[][] lin;
    private final double[][] g;
    private final double[][] h;
    /** Per-instance results and the factor of the last iteration (lower triangle, row-major). */
    private final double[][] z;
    private final double[][] lambda;
    private final double[][] slack;
    private final double[][] chol;

    /**
     * @param q2 Q per instance (row-major n×n), or null for an LP (Q = 0)
     * @param g  G per instance (row-major m×n)
     */
    public OptNetQp(int n, int m, double[][] q2, double[][] lin, double[][] g, double[][] h) {
        this.n = n;
        this.m = m;
        this.batch = lin.length;
        this.q2 = q2;
        this.lin = lin;
        this.g = g;
        this.h = h;
        this.z = new double[batch][n];
        this.lambda = new double[batch][m];
        this.slack = new double[batch][m];
        this.chol = new double[batch][n * n];
    }

    /** Solves every instance; returns z per instance (the arrays are owned by this object). */
    public double[][] forward() {
        IntStream.range(0, batch).parallel().forEach(this::solveInstance);
        return z;
    }

    /** dloss/dq for dloss/dz = {@code dz} per instance, reusing the forward pass's factors. */
    public double[][] backwardDq(double[][] dLdz) {
        double[][] dq = new double[batch][];
        IntStream.range(0, batch).parallel().forEach(k -> {
            double[] rhs = new double[n];
            for (int i = 0; i < n; i++) {
                rhs[i] = -dLdz[k][i];
            }
            cholSolve(chol[k], n, rhs);
            dq[k] = rhs;
            // ∂ℓ/∂h = −D(λ) dλ and ∂ℓ/∂G = D(λ)(dλ zᵀ + λ dzᵀ), formed as the layer would
            double[] gk = QpBatch.of(g, k);
            double[] dh = new double[m];
            double[] dG = new double[m * n];
            for (int i = 0; i < m; i++) {
                double gdz = 0;
                for (int j = 0; j < n; j++) {
                    gdz += gk[i * n + j] * rhs[j];
                }
                double dl = lambda[k][i] / slack[k][i] * gdz;
                dh[i] = -lambda[k][i] * dl;
                for (int j = 0; j < n; j++) {
                    dG[i * n + j] = lambda[k][i] * (dl * z[k][j] + lambda[k][i] * rhs[j]);
                }
            }
        });
        return dq;
    }

    private void solveInstance(int k) {
        double[] qk = q2 == null ? null : QpBatch.of(q2, k);
        double[] c = lin[k];
        double[] gk = QpBatch.of(g, k);
        double[] hk = h[k];
        double[] x = z[k];
        double[] lam = lambda[k];
        double[] s = slack[k];
        double[] hm = chol[k];
        double[] w = new double[m];
        // start: H = Q + GᵀG, z = H⁻¹(Gᵀh − q); s = h − Gz and λ shifted to be >= 1
        java.util.Arrays.fill(w, 1.0);
        formReduced(qk, gk, w, hm);
        double[] rhs = new double[n];
        for (int j = 0; j < n; j++) {
            rhs[j] = -c[j];
        }
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                rhs[j] += gk[i * n + j] * hk[i];
            }
        }
        cholesky(hm, n);
        cholSolve(hm, n, rhs);
        System.arraycopy(rhs, 0, x, 0, n);
        double minS = Double.POSITIVE_INFINITY;
        for (int i = 0; i < m; i++) {
            s[i] = hk[i] - dot(gk, i, x);
            minS = Math.min(minS, s[i]);
        }
        double shift = minS < 1 ? 1 - minS : 0;
        for (int i = 0; i < m; i++) {
            s[i] += shift;
            lam[i] = 1;
        }
        double scale = 1 + norm(c) + norm(hk);
        double[] rx = new double[n];
        double[] rz = new double[m];
        double[] dz = new double[n];
        double[] dl = new double[m];
        double[] ds = new double[m];
        double[] rc = new double[m];
        for (int it = 0; it < MAX_ITERS; it++) {
            // residuals rx = Qz + q + Gᵀλ, rz = Gz + s − h
            for (int j = 0; j < n; j++) {
                rx[j] = c[j];
            }
            if (qk != null) {
                for (int i = 0; i < n; i++) {
                    double acc = 0;
                    for (int j = 0; j < n; j++) {
                        acc += qk[i * n + j] * x[j];
                    }
                    rx[i] += acc;
                }
            }
            double mu = 0;
            for (int i = 0; i < m; i++) {
                double li = lam[i];
                for (int j = 0; j < n; j++) {
                    rx[j] += gk[i * n + j] * li;
                }
                rz[i] = dot(gk, i, x) + s[i] - hk[i];
                mu += s[i] * lam[i];
            }
            mu /= m;
            if (mu < TOL * scale && norm(rx) < TOL * scale && norm(rz) < TOL * scale) {
                break;
            }
            for (int i = 0; i < m; i++) {
                w[i] = lam[i] / s[i];
            }
            formReduced(qk, gk, w, hm);
            cholesky(hm, n);
            // predictor: complementarity target 0
            for (int i = 0; i < m; i++) {
                rc[i] = s[i] * lam[i];
            }
            newtonStep(gk, hm, x, lam, s, rx, rz, rc, dz, dl, ds);
            double alpha = Math.min(maxStep(s, ds), maxStep(lam, dl));
            double muAff = 0;
            for (int i = 0; i < m; i++) {
                muAff += (s[i] + alpha * ds[i]) * (lam[i] + alpha * dl[i]);
            }
            muAff /= m;
            double sigma = Math.pow(muAff / mu, 3);
            // corrector: s∘λ + ds_aff∘dλ_aff − σμ
            for (int i = 0; i < m; i++) {
                rc[i] = s[i] * lam[i] + ds[i] * dl[i] - sigma * mu;
            }
            newtonStep(gk, hm, x, lam, s, rx, rz, rc, dz, dl, ds);
            alpha = Math.min(1, 0.99 * Math.min(maxStep(s, ds), maxStep(lam, dl)));
            if (!Double.isFinite(alpha) || !Double.isFinite(norm(dz)) || !Double.isFinite(norm(dl))) {
                break; // the reduced matrix lost definiteness at the accuracy limit: keep the iterate
            }
            for (int j = 0; j < n; j++) {
                x[j] += alpha * dz[j];
            }
            for (int i = 0; i < m; i++) {
                s[i] += alpha * ds[i];
                lam[i] += alpha * dl[i];
            }
        }
        // factor at the solution for the backward pass (OptNet reuses the final KKT factorization)
        for (int i = 0; i < m; i++) {
            w[i] = lam[i] / s[i];
        }
        formReduced(qk, gk, w, hm);
        cholesky(hm, n);
    }

    /**
     * Solves Q dz + Gᵀdλ = −rx, G dz + ds = −rz, λ∘ds + s∘dλ = −rc by elimination:
     * dλ = (λ∘rz − rc)/s + W G dz, H dz = −rx − Gᵀ((λ∘rz − rc)/s).
     */
    private void newtonStep(double[] gk, double[] hm, double[] x, double[] lam, double[] s, double[] rx,
                            double[] rz, double[] rc, double[] dz, double[] dl, double[] ds) {
        for (int j = 0; j < n; j++) {
            dz[j] = -rx[j];
        }
        for (int i = 0; i < m; i++) {
            double t = (lam[i] * rz[i] - rc[i]) / s[i];
            dl[i] = t;
            for (int j = 0; j < n; j++) {
                dz[j] -= gk[i * n + j] * t;
            }
        }
        cholSolve(hm, n, dz);
        for (int i = 0; i < m; i++) {
            double gdz = dot(gk, i, dz);
            dl[i] += lam[i] / s[i] * gdz;
            ds[i] = -rz[i] - gdz;
        }
    }

    /** H = Q + Gᵀ diag(w) G (+1e-10·I for LPs), lower triangle filled, row-major. */
    private void formReduced(double[] qk, double[] gk, double[] w, double[] hm) {
        if (qk != null) {
            System.arraycopy(qk, 0, hm, 0, n * n);
        } else {
            java.util.Arrays.fill(hm, 0);
            for (int i = 0; i < n; i++) {
                hm[i * n + i] = 1e-10;
            }
        }
        for (int r = 0; r < m; r++) {
            double wr = w[r];
            int off = r * n;
            for (int i = 0; i < n; i++) {
                double gi = wr * gk[off + i];
                int row = i * n;
                for (int j = 0; j <= i; j++) {
                    hm[row + j] += gi * gk[off + j];
                }
            }
        }
    }

    private double dot(double[] gk, int row, double[] v) {
        double acc = 0;
        int off = row * n;
        for (int j = 0; j < n; j++) {
            acc += gk[off + j] * v[j];
        }
        return acc;
    }

    private static double maxStep(double[] v, double[] dv) {
        double a = 1;
        for (int i = 0; i < v.length; i++) {
            if (dv[i] < 0) {
                a = Math.min(a, -v[i] / dv[i]);
            }
        }
        return a;
    }

    private static double norm(double[] v) {
        double acc = 0;
        for (double x : v) {
            acc = Math.max(acc, Math.abs(x));
        }
        return acc;
    }

    /** In-place Cholesky of the lower triangle of a row-major n×n matrix (tiny pivots clamped). */
    static void cholesky(double[] a, int n) {
        for (int j = 0; j < n; j++) {
            int rj = j * n;
            double d = a[rj + j];
            for (int t = 0; t < j; t++) {
                d -= a[rj + t] * a[rj + t];
            }
            d = Math.sqrt(Math.max(d, 1e-300));
            a[rj + j] = d;
            double inv = 1 / d;
            for (int i = j + 1; i < n; i++) {
                int ri = i * n;
                double v = a[ri + j];
                for (int t = 0; t < j; t++) {
                    v -= a[ri + t] * a[rj + t];
                }
                a[ri + j] = v * inv;
            }
        }
    }

    /** Solves L Lᵀ x = b in place with the factor from {@link #cholesky}. */
    static void cholSolve(double[] l, int n, double[] b) {
        for (int i = 0; i < n; i++) {
            double v = b[i];
            int ri = i * n;
            for (int t = 0; t < i; t++) {
                v -= l[ri + t] * b[t];
            }
            b[i] = v / l[ri + i];
        }
        for (int i = n - 1; i >= 0; i--) {
            double v = b[i];
            for (int t = i + 1; t < n; t++) {
                v -= l[t * n + i] * b[t];
            }
            b[i] = v / l[i * n + i];
        }
    }
}
