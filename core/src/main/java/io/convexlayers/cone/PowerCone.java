// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.cone;

import io.convexlayers.data.ConeDims;

/**
 * The three-dimensional power cone and its dual, for α ∈ (0, 1):
 * <pre>
 *   K_α  = {(x, y, z) : x^α y^{1−α} ≥ |z|, x, y ≥ 0},
 *   K_α* = {(u, v, w) : (u/α)^α (v/(1−α))^{1−α} ≥ |w|, u, v ≥ 0}.
 * </pre>
 * Projection of v₀ = (x₀, y₀, z₀) (Hien 2015, "Differential properties of Euclidean projection
 * onto power cone", Math. Meth. Oper. Res. 82; as in SCS): v₀ ∈ K_α → v₀; −v₀ ∈ K_α* → 0;
 * z₀ = 0 → (x₀⁺, y₀⁺, 0); otherwise Π = (x(r), y(r), sign(z₀)·r) where, with μ = |z₀| − r the
 * multiplier of the boundary constraint,
 * <pre>
 *   x(r) = ½(x₀ + √(x₀² + 4α r(|z₀| − r))),   y(r) = ½(y₀ + √(y₀² + 4(1−α) r(|z₀| − r))),
 * </pre>
 * and r ∈ (0, |z₀|) is the root of Φ(r) = x(r)^α y(r)^{1−α} − r. Since x(r), y(r) are concave
 * and the weighted geometric mean is concave and increasing, Φ is concave, with Φ(0⁺) &gt; 0 (v₀
 * not in the polar cone) and Φ(|z₀|) &lt; 0 (v₀ not in K_α): the root is unique.
 * <p>
 * Numerics. The unknown is the smaller t of r and μ = |z₀| − r (which one is decided by the sign
 * of Φ(|z₀|/2)): x and y depend on the product rμ, and a root next to |z₀| is resolved to full
 * relative precision only through μ. The equation is solved in logarithmic form,
 * α ln x + (1−α) ln y = ln r, by Newton's method on u = ln t safeguarded by bisection; in the
 * extreme regimes (α near 0 or 1, a coordinate that ends near 0) this function is nearly affine
 * in u, where Newton on Φ itself would crawl. x and y are evaluated from √(rμ) and ratios
 * without cancellation or under/overflow, so inputs whose coordinates differ by hundreds of
 * orders of magnitude stay accurate. The input is scaled by a power of two first. The dual cone
 * uses Moreau: Π_{K_α*}(v) = v + Π_{K_α}(−v).
 * <p>
 * A block holds the triples of {@link ConeDims#power()}: α &gt; 0 is K_α (its dual K_α*), α &lt; 0
 * is K_|α|* (its dual K_|α|). Batched layout: one cone (one α) across lanes, x, y, z of lane l at
 * {@code offset + {0,1,2}*lanes + l}.
 */
final class PowerCone extends ConeBlock {
    private static final int MAX_ITERATIONS = 200;
    private static final double U_TOL = 4.0 * Math.ulp(1.0);
    private static final double LN2 = Math.log(2.0);
    /** The search for ln t spans this many e-folds below |z₀|/2, past double's range. */
    private static final double LOG_RANGE = 1500.0;
    private static final double TINY = 1e-290;
    /** Relative size below which a coordinate of Π counts as underflowed (for the Jacobian). */
    private static final double NEGLIGIBLE = 1e-300;

    /** α of each triple; negative for K_|α|*. */
    private final double[] alphas;
    /** Position of each triple's first row, row·lanes. */
    private final int[] offsets;
    /** Scratch of {@link #jacobian}. */
    private final double[] work = new double[3];

    private PowerCone(int start, double[] alphas, int lanes) {
        super(start, TripleJacobians.coneSizes(alphas.length), lanes);
        this.alphas = alphas.clone();
        this.offsets = new int[alphas.length];
        for (int i = 0; i < alphas.length; i++) {
            offsets[i] = (start + 3 * i) * lanes;
        }
    }

    /** The power-cone triples of {@code dims}, from row {@code start}. */
    static PowerCone of(ConeDims dims, int start, int lanes) {
        return new PowerCone(start, dims.power(), lanes);
    }

    @Override
    public void projectPrimal(double[] v, int offset) {
        for (int i = 0; i < alphas.length; i++) {
            double a = alphas[i];
            if (a > 0) {
                project(v, offset + offsets[i], a, lanes());
            } else {
                projectDual(v, offset + offsets[i], -a, lanes());
            }
        }
    }

    @Override
    public void projectDual(double[] v, int offset) {
        for (int i = 0; i < alphas.length; i++) {
            double a = alphas[i];
            if (a > 0) {
                projectDual(v, offset + offsets[i], a, lanes());
            } else {
                project(v, offset + offsets[i], -a, lanes());
            }
        }
    }

    /** In place onto K_α, every lane of one cone. */
    static void project(double[] v, int offset, double alpha, int lanes) {
        for (int l = 0; l < lanes; l++) {
            int ix = offset + l;
            projectInPlace(v, ix, ix + lanes, ix + 2 * lanes, alpha);
        }
    }

    /** In place onto K_α*, every lane of one cone. */
    static void projectDual(double[] v, int offset, double alpha, int lanes) {
        for (int l = 0; l < lanes; l++) {
            int ix = offset + l;
            projectDualInPlace(v, ix, ix + lanes, ix + 2 * lanes, alpha);
        }
    }

    /** Projects (v[ix], v[iy], v[iz]) onto K_α in place. */
    static void projectInPlace(double[] v, int ix, int iy, int iz, double alpha) {
        double x = v[ix];
        double y = v[iy];
        double z = v[iz];
        if (inCone(x, y, z, alpha)) {
            return;
        }
        if (inCone(-x / alpha, -y / (1.0 - alpha), -z, alpha)) {   // −v ∈ K_α*
            v[ix] = 0.0;
            v[iy] = 0.0;
            v[iz] = 0.0;
            return;
        }
        if (z == 0) {
            v[ix] = Math.max(x, 0.0);
            v[iy] = Math.max(y, 0.0);
            return;
        }
        int exponent = Math.getExponent(Math.max(Math.abs(x), Math.max(Math.abs(y), Math.abs(z))));
        double scale = Math.scalb(1.0, exponent);
        double lnScale = exponent * LN2;
        double x0 = x / scale;
        double y0 = y / scale;
        double absz = Math.abs(z) / scale;
        // solve for the smaller of r and μ = |z₀| − r: x(r) and y(r) depend on r·μ, and when the
        // root is near |z₀| only μ itself (not |z₀| − r) carries it to full relative precision
        double half = 0.5 * absz;
        double lnHalf = Math.log(half);
        boolean smallR = logResidual(x0, y0, alpha, lnHalf, lnHalf) <= 0;
        double lnT = solveLogSmaller(x0, y0, absz, alpha, smallR);
        double t = Math.exp(lnT);
        double r = smallR ? t : absz - t;
        double lnR = smallR ? lnT : Math.log(r);
        double lnMu = smallR ? Math.log(absz - t) : lnT;
        v[ix] = coordinate(x0, alpha, lnR + lnMu, scale, lnScale);
        v[iy] = coordinate(y0, 1.0 - alpha, lnR + lnMu, scale, lnScale);
        v[iz] = Math.copySign(r, z) * scale;
    }

    /** Projects (v[ix], v[iy], v[iz]) onto K_α* in place: v + Π_{K_α}(−v). */
    static void projectDualInPlace(double[] v, int ix, int iy, int iz, double alpha) {
        double x = v[ix];
        double y = v[iy];
        double z = v[iz];
        v[ix] = -x;
        v[iy] = -y;
        v[iz] = -z;
        projectInPlace(v, ix, iy, iz, alpha);
        v[ix] += x;
        v[iy] += y;
        v[iz] += z;
    }

    /** Π_{K_α}(x, y, z) as a new array (convenience; allocates). */
    static double[] project(double x, double y, double z, double alpha) {
        double[] p = {x, y, z};
        projectInPlace(p, 0, 1, 2, alpha);
        return p;
    }

    /** Π_{K_α*}(x, y, z) as a new array (convenience; allocates). */
    static double[] projectDual(double x, double y, double z, double alpha) {
        double[] p = {x, y, z};
        projectDualInPlace(p, 0, 1, 2, alpha);
        return p;
    }

    /**
     * The Jacobian DΠ_{K_α}(x, y, z), row-major 3×3, into {@code jac[base + e*stride]}: I inside
     * K_α, 0 in the polar cone, diag(1[x &gt; 0], 1[y &gt; 0], 0) when z = 0 (Π = (x⁺, y⁺, 0), not
     * differentiable in z there), diag(1[Π_x &gt; 0], 1[Π_y &gt; 0], 1[Π_z ≠ 0]) when a coordinate
     * of Π underflows (below 1e-300 of the largest) (the boundary is then locally that face), and otherwise the
     * implicit-function Jacobian of
     * {@link BoundaryJacobian} for g = |z| − x^α y^{1−α} at Π = (p, q, ±P) with multiplier
     * μ = |z| − P: μ∇²g = μα(1−α)P·w wᵀ, w = (1/p, −1/q, 0), so with ŵ ∝ (q, −p, 0),
     * 1 − θ = s²/(μα(1−α)P + s²), s² = p²q²/(p²+q²), and c ∝ (−αPq, −(1−α)Pp, sign(z)·pq).
     *
     * @param work at least 3 entries, overwritten
     */
    static void jacobian(double x, double y, double z, double alpha, double[] work, double[] jac, int base,
                                int stride) {
        if (inCone(x, y, z, alpha)) {
            BoundaryJacobian.diagonal(1, 1, 1, jac, base, stride);
            return;
        }
        if (inCone(-x / alpha, -y / (1.0 - alpha), -z, alpha)) {
            BoundaryJacobian.diagonal(0, 0, 0, jac, base, stride);
            return;
        }
        if (z == 0) {
            BoundaryJacobian.diagonal(x > 0 ? 1 : 0, y > 0 ? 1 : 0, 0, jac, base, stride);
            return;
        }
        work[0] = x;
        work[1] = y;
        work[2] = z;
        projectInPlace(work, 0, 1, 2, alpha);
        double p = work[0];
        double q = work[1];
        double big = Math.abs(work[2]);
        // scale-free: divide by the size of the projection (DΠ is homogeneous of degree 0)
        double size = Math.max(p, Math.max(q, big));
        if (!(size > 0)) {
            BoundaryJacobian.diagonal(0, 0, 0, jac, base, stride);
            return;
        }
        p /= size;
        q /= size;
        double pp = big / size;
        if (!(p > NEGLIGIBLE && q > NEGLIGIBLE && pp > NEGLIGIBLE)) {
            // a coordinate (nearly) underflowed: locally the boundary is the face where it is 0,
            // and the other coordinates pass through
            BoundaryJacobian.diagonal(p > NEGLIGIBLE ? 1 : 0, q > NEGLIGIBLE ? 1 : 0, pp > NEGLIGIBLE ? 1 : 0, jac,
                    base, stride);
            return;
        }
        double mu = Math.max(Math.abs(z) / size - pp, 0.0);
        double beta = 1.0 - alpha;
        double hyp = Math.hypot(p, q);
        double pq = p * (q / hyp);   // p q / √(p² + q²)
        double k = mu * alpha * beta * pp;
        double oneMinusTheta = k > 0 ? pq * pq / (k + pq * pq) : 1.0;
        // ŵ = (q, −p)/hyp, n = (p, q)/hyp; c ∝ (−αPq, −(1−α)Pp, sign(z)·pq) has
        // c_w = P((1−α)p² − αq²)/hyp and c_n = −P·pq/hyp (α + (1−α) = 1, no cancellation)
        double cw = pp * (beta * p * (p / hyp) - alpha * q * (q / hyp));
        double cn = -pp * pq;
        BoundaryJacobian.write(oneMinusTheta, q / hyp, -p / hyp, cw, cn, Math.copySign(p * q, z), jac, base, stride);
    }

    /** DΠ_{K_α*}(x, y, z) = I − DΠ_{K_α}(−x, −y, −z), like {@link #jacobian}. */
    static void jacobianDual(double x, double y, double z, double alpha, double[] work, double[] jac, int base,
                                    int stride) {
        jacobian(-x, -y, -z, alpha, work, jac, base, stride);
        BoundaryJacobian.complement(jac, base, stride);
    }

    @Override
    BlockDerivative derivative() {
        return new Derivative();
    }

    /** The 3×3 Jacobian of every triple and lane. */
    private final class Derivative extends BlockDerivative {
        private final TripleJacobians jac = new TripleJacobians(start(), alphas.length, lanes());

        @Override
        void linearizeAt(double[] v, int offset, boolean dual) {
            int lanes = lanes();
            double[] values = jac.values();
            for (int c = 0; c < alphas.length; c++) {
                int in = offset + offsets[c];
                double a = alphas[c];
                // K_|α| for K of a primal triple and for K* of a dual one; K_|α|* otherwise
                boolean primalCone = (a > 0) != dual;
                for (int l = 0; l < lanes; l++) {
                    double x = v[in + l];
                    double y = v[in + lanes + l];
                    double z = v[in + 2 * lanes + l];
                    if (primalCone) {
                        jacobian(x, y, z, Math.abs(a), work, values, jac.base(c, l), lanes);
                    } else {
                        jacobianDual(x, y, z, Math.abs(a), work, values, jac.base(c, l), lanes);
                    }
                }
            }
        }

        @Override
        void apply(double[] d, int dOffset, double[] out, int outOffset, boolean transpose) {
            jac.apply(d, dOffset, out, outOffset, transpose);
        }
    }

    /**
     * How far (x, y, z) lies inside K_α: min(x, y, x^α y^{1−α} − |z|), in the units of the point (each
     * term positively homogeneous of degree one); at most zero on the boundary and outside, NaN where a
     * coordinate is negative. The dual cone K_α* is K_α of (u/α, v/(1−α), w): the same function there.
     * The derivative's kink test ({@link ConeFaces}) reads it.
     */
    static double interiorMargin(double x, double y, double z, double alpha) {
        return Math.min(Math.min(x, y), Math.pow(x, alpha) * Math.pow(y, 1 - alpha) - Math.abs(z));
    }

    static boolean inCone(double x, double y, double z, double alpha) {
        if (x < 0 || y < 0) {
            return false;
        }
        if (z == 0) {
            return true;
        }
        if (x == 0 || y == 0) {
            return false;
        }
        return alpha * Math.log(x) + (1.0 - alpha) * Math.log(y) >= Math.log(Math.abs(z));
    }

    /*
     * The coordinate x = ½(c + √(c² + s²)) with s² = 4wm (m = rμ, w = α or 1 − α), evaluated from
     * s = √(4w)·√m, √m = e^{(ln m)/2}, and ratios only, so that neither s² nor c² under- or
     * overflows when the coordinates of v₀ differ by hundreds of orders of magnitude:
     *   c > 0: x = ½(c + root);  c ≤ 0: x = ½·s·s/(root − c);  root = √(c² + s²).
     */

    private static double root(double c, double s) {
        double a = Math.abs(c);
        return a > 1e-150 || s > 1e-150 ? Math.sqrt(c * c + s * s) : Math.hypot(c, s);
    }

    /** ln x, finite even when x underflows; {@code sqrtW} = √(4w), {@code lnW} = ln(4w). */
    private static double logCoordinate(double c, double sqrtW, double lnW, double sqrtM, double lnM) {
        if (c > 0) {
            return Math.log(0.5 * (c + root(c, sqrtW * sqrtM)));
        }
        double lnS = 0.5 * (lnW + lnM);
        if (c == 0) {
            return lnS - LN2;
        }
        return 2.0 * lnS - LN2 - Math.log(root(c, sqrtW * sqrtM) - c);
    }

    /** m·d(ln x)/dm ∈ [0, 1]: s²/(2 root (root + c)) for c &gt; 0, (root − c)/(2 root) for c ≤ 0. */
    private static double elasticity(double c, double sqrtW, double sqrtM) {
        if (c == 0) {
            return 0.5;
        }
        double s = sqrtW * sqrtM;
        double root = root(c, s);
        return c > 0 ? 0.5 * (s / root) * (s / (root + c)) : (root - c) / (2.0 * root);
    }

    /** x·scale, through logarithms when x itself is below the normal range. */
    private static double coordinate(double c, double w, double lnM, double scale, double lnScale) {
        double sqrtW = Math.sqrt(4.0 * w);
        double sqrtM = Math.exp(0.5 * lnM);
        double s = sqrtW * sqrtM;
        double root = root(c, s);
        double x = c > 0 ? 0.5 * (c + root) : 0.5 * s * (s / (root - c));
        if (x > TINY) {
            return x * scale;
        }
        return Math.exp(logCoordinate(c, sqrtW, Math.log(4.0 * w), sqrtM, lnM) + lnScale);
    }

    /** F = α ln x(r) + (1−α) ln y(r) − ln r, which has the sign of Φ. */
    private static double logResidual(double x0, double y0, double alpha, double lnR, double lnMu) {
        double lnM = lnR + lnMu;
        double sqrtM = Math.exp(0.5 * lnM);
        double beta = 1.0 - alpha;
        return alpha * logCoordinate(x0, Math.sqrt(4.0 * alpha), Math.log(4.0 * alpha), sqrtM, lnM)
                + beta * logCoordinate(y0, Math.sqrt(4.0 * beta), Math.log(4.0 * beta), sqrtM, lnM) - lnR;
    }

    /**
     * ln t for the root t ∈ (0, |z₀|/2] of G(t) = F(t) when {@code smallR} (then r = t), else of
     * G(t) = −F(|z₀| − t) (then μ = t); either way G(0⁺) &gt; 0 ≥ G(|z₀|/2). Newton's method runs
     * on u = ln t, where G is nearly affine in both extreme regimes (x or y ∝ √t or ∝ t, so F is
     * affine in ln t). Safeguard: a Newton step is kept only inside the bracket and while |G|
     * falls by at least 10% per step; otherwise bisect, or, while no point with G &gt; 0 has been
     * seen, step down by twice the last distance (the lower end e^{−1500}·|z₀| is only a bound).
     * A root below that bound is returned as the bound (t underflows to 0).
     */
    static double solveLogSmaller(double x0, double y0, double absz, double alpha, boolean smallR) {
        double beta = 1.0 - alpha;
        double sqrtA = Math.sqrt(4.0 * alpha);
        double sqrtB = Math.sqrt(4.0 * beta);
        double lnA = Math.log(4.0 * alpha);
        double lnB = Math.log(4.0 * beta);
        double sign = smallR ? 1.0 : -1.0;
        double top = Math.log(absz) - LN2;
        double hi = top;
        double lo = hi - LOG_RANGE;
        boolean loSeen = false;
        double u = hi - LN2;
        double reach = LN2;
        double previous = Double.POSITIVE_INFINITY;
        for (int it = 0; it < MAX_ITERATIONS; it++) {
            double t = Math.exp(u);
            double other = absz - t;
            double lnOther = Math.log(other);
            double r = smallR ? t : other;
            double mu = smallR ? other : t;
            double lnR = smallR ? u : lnOther;
            double lnM = lnR + (smallR ? lnOther : u);
            double sqrtM = Math.exp(0.5 * lnM);
            double ax = alpha * logCoordinate(x0, sqrtA, lnA, sqrtM, lnM);
            double by = beta * logCoordinate(y0, sqrtB, lnB, sqrtM, lnM);
            double f = ax + by - lnR;
            double g = sign * f;
            if (g == 0) {
                return u;
            }
            if (g > 0) {
                lo = u;
                loSeen = true;
            } else if (u <= lo) {
                return u;   // the root lies below the range: t underflows anyway
            } else {
                hi = u;
            }
            // dF/du = (α E_x + β E_y)·t·(dm/dt)/m − t·(dr/dt)/r
            double elastic = alpha * elasticity(x0, sqrtA, sqrtM) + beta * elasticity(y0, sqrtB, sqrtM);
            double dfdu = smallR ? elastic * (mu - r) / mu - 1.0 : elastic * (r - mu) / r + mu / r;
            double newton = f / dfdu;   // G/G' with G = sign·F
            double next = u - newton;
            double noise = 4.0 * Math.ulp(1.0) * (Math.abs(ax) + Math.abs(by) + Math.abs(lnR) + 1.0);
            if (Math.abs(newton) <= U_TOL || Math.abs(f) <= noise) {
                return Math.min(next, top);   // converged to rounding level
            }
            if (!(next > lo && next < hi && Math.abs(g) <= 0.9 * previous)) {
                if (loSeen) {
                    next = 0.5 * (lo + hi);
                } else {
                    reach *= 2.0;
                    next = Math.max(hi - reach, lo);
                }
            }
            previous = Math.abs(g);
            if (next >= hi || (next <= lo && loSeen)) {
                return next;
            }
            reach = Math.max(reach, hi - next);
            u = next;
        }
        return u;
    }
}
