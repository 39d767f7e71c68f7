// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.solver.ipm;

/**
 * Nesterov–Todd scaling of the inequality rows (nonnegative and second-order cones) and the
 * Jordan algebra the interior-point step needs. For s, z in the cone's interior the scaling W is
 * symmetric positive definite with W·z = W⁻¹·s = λ (Vandenberghe, "The CVXOPT linear and quadratic
 * cone program solvers", §4; Domahidi et al., ECOS, 2013): on a nonnegative row W = √(s/z); on a
 * second-order cone W = η·B(w̄) with η = (sᵀJs / zᵀJz)^¼, J = diag(1, −1, …, −1), the scaling
 * point w̄ = (s̄ + Jz̄)/(2γ) of the normalized s̄, z̄, γ = √((1 + s̄ᵀz̄)/2), and B(w̄) the hyperbolic
 * rotation [[a, qᵀ], [q, I + qqᵀ/(1 + a)]] of w̄ = (a, q). Then H = W² = η²(2w̄w̄ᵀ − J) and
 * H⁻¹ = η⁻²(2Jw̄w̄ᵀJ − J). Positive semidefinite cones take the scaling of {@link PsdScaling}, which
 * is not symmetric: there {@link #applyW} with {@code inverse} is W⁻ᵀ, and {@link #applyWTranspose}
 * differs from {@link #applyW}. Vectors are full length m; zero-cone rows are never touched.
 */
final class NtScaling {
    private final IpmLayout layout;
    /** √(s/z) on nonnegative rows; w̄ on second-order cone rows. */
    final double[] w;
    /** η per second-order cone. */
    final double[] eta;
    /** λ = Wz on every inequality row. */
    final double[] lambda;
    /** The positive semidefinite cones' scaling, or null without such cones. */
    private final PsdScaling psd;

    NtScaling(IpmLayout layout) {
        this.layout = layout;
        w = new double[layout.m];
        eta = new double[layout.socCount()];
        lambda = new double[layout.m];
        psd = layout.psdCount() == 0 ? null : new PsdScaling(layout.psdStart, layout.psdOrder);
    }

    /** The identity scaling (W = I), used by the starting point's system. */
    void identity() {
        for (int i = layout.zero; i < layout.zero + layout.nonneg; i++) {
            w[i] = 1;
        }
        for (int k = 0; k < layout.socCount(); k++) {
            eta[k] = 1;
            identityPoint(w, layout.socStart[k], 1, dim(k));
        }
        if (psd != null) {
            psd.identity();
        }
    }

    /**
     * Computes the scaling at interior s, z and λ = Wz.
     *
     * @return false when s or z is not strictly interior (the scaling is then undefined)
     */
    boolean update(double[] s, double[] z) {
        for (int i = layout.zero; i < layout.zero + layout.nonneg; i++) {
            if (!(s[i] > 0 && z[i] > 0)) {
                return false;
            }
            w[i] = Math.sqrt(s[i] / z[i]);
            lambda[i] = Math.sqrt(s[i] * z[i]);
        }
        for (int k = 0; k < layout.socCount(); k++) {
            int lo = layout.socStart[k];
            double e = scalingPoint(s, z, w, lo, 1, dim(k));
            if (!(e == e)) {
                return false;
            }
            eta[k] = e;
            applyW(w, e, z, lambda, lo, 1, dim(k), false);
        }
        return psd == null || psd.update(s, z, lambda);
    }

    /** The positive semidefinite cones' scaling (null without such cones). */
    PsdScaling psd() {
        return psd;
    }

    private int dim(int k) {
        return layout.socStart[k + 1] - layout.socStart[k];
    }

    /** out = W·v (or W⁻ᵀ·v, which is W⁻¹·v but on PSD cones) on the inequality rows; out may not alias v. */
    void applyW(double[] v, double[] out, boolean inverse) {
        for (int i = layout.zero; i < layout.zero + layout.nonneg; i++) {
            out[i] = inverse ? v[i] / w[i] : v[i] * w[i];
        }
        for (int k = 0; k < layout.socCount(); k++) {
            applyW(w, eta[k], v, out, layout.socStart[k], 1, dim(k), inverse);
        }
        if (psd != null) {
            psd.apply(inverse ? PsdScaling.Map.W_INVERSE_TRANSPOSE : PsdScaling.Map.W, v, out);
        }
    }

    /** out = Wᵀ·v on the inequality rows (W·v but on PSD cones); out may not alias v. */
    void applyWTranspose(double[] v, double[] out) {
        for (int i = layout.zero; i < layout.zero + layout.nonneg; i++) {
            out[i] = v[i] * w[i];
        }
        for (int k = 0; k < layout.socCount(); k++) {
            applyW(w, eta[k], v, out, layout.socStart[k], 1, dim(k), false);
        }
        if (psd != null) {
            psd.apply(PsdScaling.Map.W_TRANSPOSE, v, out);
        }
    }

    /** out = H·v with H = W² (or H⁻¹·v) on the inequality rows; out may not alias v. */
    void applyH(double[] v, double[] out, boolean inverse) {
        for (int i = layout.zero; i < layout.zero + layout.nonneg; i++) {
            double w2 = w[i] * w[i];
            out[i] = inverse ? v[i] / w2 : v[i] * w2;
        }
        for (int k = 0; k < layout.socCount(); k++) {
            applyH(w, eta[k], v, out, layout.socStart[k], 1, dim(k), inverse);
        }
        if (psd != null) {
            psd.apply(inverse ? PsdScaling.Map.H_INVERSE : PsdScaling.Map.H, v, out);
        }
    }

    /** out = u∘v, the Jordan product on the inequality rows (may alias either). */
    void product(double[] u, double[] v, double[] out) {
        for (int i = layout.zero; i < layout.zero + layout.nonneg; i++) {
            out[i] = u[i] * v[i];
        }
        for (int k = 0; k < layout.socCount(); k++) {
            product(u, v, out, layout.socStart[k], 1, dim(k));
        }
        if (psd != null) {
            psd.product(u, v, out);
        }
    }

    /** out = λ \ v: the solution of λ∘out = v on the inequality rows (out may not alias v). */
    void divideByLambda(double[] v, double[] out) {
        double[] l = lambda;
        for (int i = layout.zero; i < layout.zero + layout.nonneg; i++) {
            out[i] = v[i] / l[i];
        }
        for (int k = 0; k < layout.socCount(); k++) {
            divide(l, v, out, layout.socStart[k], 1, dim(k));
        }
        if (psd != null) {
            psd.divide(l, v, out);
        }
    }

    /** Adds {@code t}·e (the cone's identity: 1 on nonnegative rows and second-order cone heads, I on PSD cones). */
    void addIdentity(double[] v, double t) {
        for (int i = layout.zero; i < layout.zero + layout.nonneg; i++) {
            v[i] += t;
        }
        for (int k = 0; k < layout.socCount(); k++) {
            v[layout.socStart[k]] += t;
        }
        if (psd != null) {
            psd.addIdentity(v, t);
        }
    }

    /** The smallest eigenvalue of v over the inequality rows' cones (+∞ without inequality rows). */
    double minEigenvalue(double[] v) {
        double min = Double.POSITIVE_INFINITY;
        for (int i = layout.zero; i < layout.zero + layout.nonneg; i++) {
            min = Math.min(min, v[i]);
        }
        for (int k = 0; k < layout.socCount(); k++) {
            min = Math.min(min, minEigenvalue(v, layout.socStart[k], 1, dim(k)));
        }
        if (psd != null) {
            min = Math.min(min, psd.minEigenvalue(v));
        }
        return min;
    }

    /**
     * The largest α ≤ {@code limit} with v + α·dv in the cone, for v interior.
     */
    double maxStep(double[] v, double[] dv, double limit) {
        double alpha = limit;
        for (int i = layout.zero; i < layout.zero + layout.nonneg; i++) {
            if (dv[i] < 0) {
                alpha = Math.min(alpha, -v[i] / dv[i]);
            }
        }
        for (int k = 0; k < layout.socCount(); k++) {
            alpha = Math.min(alpha, socStep(v, dv, layout.socStart[k], 1, dim(k)));
        }
        if (psd != null) {
            alpha = psd.maxStep(v, dv, alpha);
        }
        return alpha;
    }

    // One second-order cone of dimension d whose entries lie at o, o + st, …, o + (d − 1)·st: the single
    // instance's vectors (st = 1) and a lane of a tile's batch-minor vectors (st = lanes) alike.

    /** w̄ = e₀, the scaling point of W = I. */
    static void identityPoint(double[] w, int o, int st, int d) {
        w[o] = 1;
        for (int i = 1; i < d; i++) {
            w[o + i * st] = 0;
        }
    }

    /**
     * Writes the scaling point w̄ of interior s, z into w and returns η; NaN (w untouched) when s or z
     * is not strictly interior.
     */
    static double scalingPoint(double[] s, double[] z, double[] w, int o, int st, int d) {
        double sj = jNorm2(s, o, st, d);
        double zj = jNorm2(z, o, st, d);
        if (!(sj > 0 && zj > 0 && s[o] > 0 && z[o] > 0)) {
            return Double.NaN;
        }
        double sn = Math.sqrt(sj);
        double zn = Math.sqrt(zj);
        double dot = s[o] * z[o];
        for (int i = 1; i < d; i++) {
            dot += s[o + i * st] * z[o + i * st];
        }
        double gamma = Math.sqrt(0.5 * (1 + dot / (sn * zn)));
        w[o] = (s[o] / sn + z[o] / zn) / (2 * gamma);
        for (int i = 1; i < d; i++) {
            int t = o + i * st;
            w[t] = (s[t] / sn - z[t] / zn) / (2 * gamma);
        }
        return Math.sqrt(sn / zn);
    }

    /** sᵀJs = s₀² − ‖s₁‖², computed as (s₀ − ‖s₁‖)(s₀ + ‖s₁‖) to keep its digits near the boundary. */
    static double jNorm2(double[] v, int o, int st, int d) {
        double t = tailNorm(v, o, st, d);
        return (v[o] - t) * (v[o] + t);
    }

    private static double tailNorm(double[] v, int o, int st, int d) {
        double ss = 0;
        for (int i = 1; i < d; i++) {
            ss += v[o + i * st] * v[o + i * st];
        }
        return Math.sqrt(ss);
    }

    /** out = W·v (or W⁻¹·v) for W = η·B(w̄); out may not alias v. */
    static void applyW(double[] w, double eta, double[] v, double[] out, int o, int st, int d, boolean inverse) {
        double a = w[o];
        double qv = 0;
        for (int i = 1; i < d; i++) {
            qv += w[o + i * st] * v[o + i * st];
        }
        double sign = inverse ? -1 : 1;
        double f = inverse ? 1 / eta : eta;
        double head = a * v[o] + sign * qv;
        double coef = sign * v[o] + qv / (1 + a);
        for (int i = 1; i < d; i++) {
            int t = o + i * st;
            out[t] = f * (v[t] + coef * w[t]);
        }
        out[o] = f * head;
    }

    /** out = H·v (or H⁻¹·v) for H = η²(2w̄w̄ᵀ − J); out may not alias v. */
    static void applyH(double[] w, double eta, double[] v, double[] out, int o, int st, int d, boolean inverse) {
        // H⁻¹ = η⁻²(2(Jw̄)(Jw̄)ᵀ − J), and Jw̄ = (a, −q).
        double f = inverse ? 1 / (eta * eta) : eta * eta;
        double sign = inverse ? -1 : 1;
        double dot = w[o] * v[o];
        for (int i = 1; i < d; i++) {
            dot += sign * w[o + i * st] * v[o + i * st];
        }
        out[o] = f * (2 * w[o] * dot - v[o]);
        for (int i = 1; i < d; i++) {
            int t = o + i * st;
            out[t] = f * (2 * sign * w[t] * dot + v[t]);
        }
    }

    /** out = u∘v = (uᵀv, u₀v₁ + v₀u₁) (may alias either). */
    static void product(double[] u, double[] v, double[] out, int o, int st, int d) {
        double dot = 0;
        for (int i = 0; i < d; i++) {
            dot += u[o + i * st] * v[o + i * st];
        }
        double u0 = u[o];
        double v0 = v[o];
        for (int i = 1; i < d; i++) {
            int t = o + i * st;
            out[t] = u0 * v[t] + v0 * u[t];
        }
        out[o] = dot;
    }

    /** out = l \ v, the solution of l∘out = v (out may not alias v). */
    static void divide(double[] l, double[] v, double[] out, int o, int st, int d) {
        double det = jNorm2(l, o, st, d);
        double tailDot = 0;
        for (int i = 1; i < d; i++) {
            tailDot += l[o + i * st] * v[o + i * st];
        }
        double x0 = (l[o] * v[o] - tailDot) / det;
        for (int i = 1; i < d; i++) {
            int t = o + i * st;
            out[t] = (v[t] - x0 * l[t]) / l[o];
        }
        out[o] = x0;
    }

    /** v₀ − ‖v₁‖, the smaller eigenvalue of v. */
    static double minEigenvalue(double[] v, int o, int st, int d) {
        return v[o] - tailNorm(v, o, st, d);
    }

    /**
     * Smallest positive root of f(α) = (v₀ + αd₀)² − ‖v₁ + αd₁‖² (f(0) &gt; 0 for interior v),
     * +∞ when there is none: the set of α ≥ 0 keeping v + αd in the cone is an interval.
     */
    static double socStep(double[] v, double[] dv, int o, int st, int d) {
        double c = jNorm2(v, o, st, d);
        double bHalf = v[o] * dv[o];
        double a = dv[o] * dv[o];
        for (int i = 1; i < d; i++) {
            int t = o + i * st;
            bHalf -= v[t] * dv[t];
            a -= dv[t] * dv[t];
        }
        if (!(c > 0)) {
            return 0;
        }
        if (a == 0) {
            return bHalf < 0 ? -c / (2 * bHalf) : Double.POSITIVE_INFINITY;
        }
        double disc = bHalf * bHalf - a * c;
        if (disc < 0) {
            return Double.POSITIVE_INFINITY; // no real root: f stays positive (a > 0)
        }
        double q = -(bHalf + Math.copySign(Math.sqrt(disc), bHalf));
        double r1 = q / a;
        double r2 = q == 0 ? Double.POSITIVE_INFINITY : c / q;
        double best = Double.POSITIVE_INFINITY;
        if (r1 > 0) {
            best = r1;
        }
        if (r2 > 0) {
            best = Math.min(best, r2);
        }
        return best;
    }
}
