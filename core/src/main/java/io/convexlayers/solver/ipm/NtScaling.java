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
 * H⁻¹ = η⁻²(2Jw̄w̄ᵀJ − J). Vectors are full length m; zero-cone rows are never touched.
 */
final class NtScaling {
    private final IpmLayout layout;
    /** √(s/z) on nonnegative rows; w̄ on second-order cone rows. */
    final double[] w;
    /** η per second-order cone. */
    final double[] eta;
    /** λ = Wz on every inequality row. */
    final double[] lambda;

    NtScaling(IpmLayout layout) {
        this.layout = layout;
        w = new double[layout.m];
        eta = new double[layout.socCount()];
        lambda = new double[layout.m];
    }

    /** The identity scaling (W = I), used by the starting point's system. */
    void identity() {
        for (int i = layout.zero; i < layout.zero + layout.nonneg; i++) {
            w[i] = 1;
        }
        for (int k = 0; k < layout.socCount(); k++) {
            eta[k] = 1;
            int lo = layout.socStart[k];
            w[lo] = 1;
            for (int i = lo + 1; i < layout.socStart[k + 1]; i++) {
                w[i] = 0;
            }
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
            int hi = layout.socStart[k + 1];
            double sj = jNorm2(s, lo, hi);
            double zj = jNorm2(z, lo, hi);
            if (!(sj > 0 && zj > 0 && s[lo] > 0 && z[lo] > 0)) {
                return false;
            }
            double sn = Math.sqrt(sj);
            double zn = Math.sqrt(zj);
            double dot = s[lo] * z[lo];
            for (int i = lo + 1; i < hi; i++) {
                dot += s[i] * z[i];
            }
            double gamma = Math.sqrt(0.5 * (1 + dot / (sn * zn)));
            w[lo] = (s[lo] / sn + z[lo] / zn) / (2 * gamma);
            for (int i = lo + 1; i < hi; i++) {
                w[i] = (s[i] / sn - z[i] / zn) / (2 * gamma);
            }
            eta[k] = Math.sqrt(sn / zn);
            applyW(z, lambda, false, lo, hi, k);
        }
        return true;
    }

    /** sᵀJs = s₀² − ‖s₁‖², computed as (s₀ − ‖s₁‖)(s₀ + ‖s₁‖) to keep its digits near the boundary. */
    static double jNorm2(double[] v, int lo, int hi) {
        double t = tailNorm(v, lo, hi);
        return (v[lo] - t) * (v[lo] + t);
    }

    private static double tailNorm(double[] v, int lo, int hi) {
        double ss = 0;
        for (int i = lo + 1; i < hi; i++) {
            ss += v[i] * v[i];
        }
        return Math.sqrt(ss);
    }

    /** out = W·v (or W⁻¹·v) on the inequality rows; out may not alias v. */
    void applyW(double[] v, double[] out, boolean inverse) {
        for (int i = layout.zero; i < layout.zero + layout.nonneg; i++) {
            out[i] = inverse ? v[i] / w[i] : v[i] * w[i];
        }
        for (int k = 0; k < layout.socCount(); k++) {
            applyW(v, out, inverse, layout.socStart[k], layout.socStart[k + 1], k);
        }
    }

    private void applyW(double[] v, double[] out, boolean inverse, int lo, int hi, int k) {
        double a = w[lo];
        double qv = 0;
        for (int i = lo + 1; i < hi; i++) {
            qv += w[i] * v[i];
        }
        double sign = inverse ? -1 : 1;
        double f = inverse ? 1 / eta[k] : eta[k];
        double head = a * v[lo] + sign * qv;
        double coef = sign * v[lo] + qv / (1 + a);
        for (int i = lo + 1; i < hi; i++) {
            out[i] = f * (v[i] + coef * w[i]);
        }
        out[lo] = f * head;
    }

    /** out = H·v with H = W² (or H⁻¹·v) on the inequality rows; out may not alias v. */
    void applyH(double[] v, double[] out, boolean inverse) {
        for (int i = layout.zero; i < layout.zero + layout.nonneg; i++) {
            double w2 = w[i] * w[i];
            out[i] = inverse ? v[i] / w2 : v[i] * w2;
        }
        for (int k = 0; k < layout.socCount(); k++) {
            int lo = layout.socStart[k];
            int hi = layout.socStart[k + 1];
            // H = η²(2w̄w̄ᵀ − J); H⁻¹ = η⁻²(2(Jw̄)(Jw̄)ᵀ − J), and Jw̄ = (a, −q).
            double f = inverse ? 1 / (eta[k] * eta[k]) : eta[k] * eta[k];
            double sign = inverse ? -1 : 1;
            double dot = w[lo] * v[lo];
            for (int i = lo + 1; i < hi; i++) {
                dot += sign * w[i] * v[i];
            }
            out[lo] = f * (2 * w[lo] * dot - v[lo]);
            for (int i = lo + 1; i < hi; i++) {
                out[i] = f * (2 * sign * w[i] * dot + v[i]);
            }
        }
    }

    /** out = u∘v, the Jordan product on the inequality rows (may alias either). */
    void product(double[] u, double[] v, double[] out) {
        for (int i = layout.zero; i < layout.zero + layout.nonneg; i++) {
            out[i] = u[i] * v[i];
        }
        for (int k = 0; k < layout.socCount(); k++) {
            int lo = layout.socStart[k];
            int hi = layout.socStart[k + 1];
            double dot = 0;
            for (int i = lo; i < hi; i++) {
                dot += u[i] * v[i];
            }
            double u0 = u[lo];
            double v0 = v[lo];
            for (int i = lo + 1; i < hi; i++) {
                out[i] = u0 * v[i] + v0 * u[i];
            }
            out[lo] = dot;
        }
    }

    /** out = λ \ v: the solution of λ∘out = v on the inequality rows (out may not alias v). */
    void divideByLambda(double[] v, double[] out) {
        double[] l = lambda;
        for (int i = layout.zero; i < layout.zero + layout.nonneg; i++) {
            out[i] = v[i] / l[i];
        }
        for (int k = 0; k < layout.socCount(); k++) {
            int lo = layout.socStart[k];
            int hi = layout.socStart[k + 1];
            double det = jNorm2(l, lo, hi);
            double tailDot = 0;
            for (int i = lo + 1; i < hi; i++) {
                tailDot += l[i] * v[i];
            }
            double x0 = (l[lo] * v[lo] - tailDot) / det;
            for (int i = lo + 1; i < hi; i++) {
                out[i] = (v[i] - x0 * l[i]) / l[lo];
            }
            out[lo] = x0;
        }
    }

    /** Adds {@code t}·e (the cone's identity: 1 on nonnegative rows and second-order cone heads). */
    void addIdentity(double[] v, double t) {
        for (int i = layout.zero; i < layout.zero + layout.nonneg; i++) {
            v[i] += t;
        }
        for (int k = 0; k < layout.socCount(); k++) {
            v[layout.socStart[k]] += t;
        }
    }

    /** The smallest eigenvalue of v over the inequality rows' cones (+∞ without inequality rows). */
    double minEigenvalue(double[] v) {
        double min = Double.POSITIVE_INFINITY;
        for (int i = layout.zero; i < layout.zero + layout.nonneg; i++) {
            min = Math.min(min, v[i]);
        }
        for (int k = 0; k < layout.socCount(); k++) {
            int lo = layout.socStart[k];
            min = Math.min(min, v[lo] - tailNorm(v, lo, layout.socStart[k + 1]));
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
            alpha = Math.min(alpha, socStep(v, dv, layout.socStart[k], layout.socStart[k + 1]));
        }
        return alpha;
    }

    /**
     * Smallest positive root of f(α) = (v₀ + αd₀)² − ‖v₁ + αd₁‖² (f(0) &gt; 0 for interior v),
     * +∞ when there is none: the set of α ≥ 0 keeping v + αd in the cone is an interval.
     */
    private static double socStep(double[] v, double[] d, int lo, int hi) {
        double c = jNorm2(v, lo, hi);
        double bHalf = v[lo] * d[lo];
        double a = d[lo] * d[lo];
        for (int i = lo + 1; i < hi; i++) {
            bHalf -= v[i] * d[i];
            a -= d[i] * d[i];
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
