// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.cone;

import io.convexlayers.data.ConeDims;

/**
 * The exponential cone, in SCS order (x, y, z):
 * <pre>
 *   K_exp  = cl{(x, y, z) : y·e^{x/y} ≤ z, y &gt; 0}
 *          = {y &gt; 0, y·e^{x/y} ≤ z} ∪ {x ≤ 0, y = 0, z ≥ 0},
 *   K_exp* = cl{(u, v, w) : −u·e^{v/u} ≤ e·w, u &lt; 0}.
 * </pre>
 * Projection Π(v₀) of v₀ = (r₀, s₀, t₀), following Friberg (2021), "Projection onto the
 * exponential cone: a univariate root-finding problem" (Optim. Methods Softw. 38(3), 2023):
 * <ol>
 *   <li>v₀ ∈ K_exp: Π = v₀;  −v₀ ∈ K_exp* (v₀ in the polar cone): Π = 0;</li>
 *   <li>r₀ ≤ 0 and s₀ ≤ 0: Π = (r₀, 0, max(t₀, 0));</li>
 *   <li>otherwise Π lies on the curved boundary, Π = a·(ρ, 1, e^ρ), and the residual
 *       v₀ − Π = b·(1, 1 − ρ, −e^{−ρ}) lies on the boundary of the polar cone, with a, b &gt; 0.
 *       Solving the first two coordinates for (a, b) gives
 *       a = ((ρ−1)r₀ + s₀)/(ρ²−ρ+1), b = (r₀ − ρs₀)/(ρ²−ρ+1), and the third coordinate gives the
 *       scalar equation
 *       <pre>  h(ρ) = ((ρ−1)r₀ + s₀)·e^ρ − (r₀ − ρs₀)·e^{−ρ} − (ρ²−ρ+1)·t₀ = 0.</pre>
 *       On the interval where a, b &gt; 0 (ρ &gt; 1 − s₀/r₀ when r₀ &gt; 0, ρ &lt; r₀/s₀ when
 *       s₀ &gt; 0) h has exactly one root and runs from negative to positive; it is found by
 *       Newton's method safeguarded by bisection, on a bracket tightened by Friberg's bounds
 *       (see {@link #solveRho}; if rounding spoils it, an infinite end of the interval is
 *       replaced by a doubling search; |ρ| is capped at 800, beyond which the heuristics below
 *       are exact to rounding).
 *       The point is formed as a·(ρ, 1, e^ρ) or as v₀ − b·(1, 1 − ρ, −e^{−ρ}), whichever is less
 *       sensitive to the rounding error of ρ (a cancels near ρ = 1 − s₀/r₀, b near r₀/s₀).</li>
 *   <li>The result is checked against the two always-feasible heuristic points
 *       (r₀∧0, 0, t₀∨0) and (r₀, s₀, max(t₀, s₀e^{r₀/s₀})); a heuristic replaces the root's
 *       point only when it is nearer to v₀ by a clear margin (the distance is flat at the
 *       optimum, so rounding alone must not decide), and is used when there is no root in
 *       range. The result is always finite for finite input.</li>
 * </ol>
 * The input is first scaled by a power of two near its largest entry (Π is positively
 * homogeneous), so huge and tiny magnitudes behave alike. The dual cone uses Moreau:
 * Π_{K*}(v) = v + Π_K(−v). Accuracy: Moreau residual and complementarity at the level of a few
 * ulps of ‖v₀‖ (tested to 1e-12 relative). The derivative is {@link #jacobian}.
 * <p>
 * A block holds the triples of {@link ConeDims#exp()} (s ∈ K_exp) or, swapped, those of
 * {@link ConeDims#dualExp()} (s ∈ K_exp*, whose dual cone is K_exp). Batched layout: the triple c
 * of lane l has x, y, z at {@code offset + (3c + {0,1,2})*lanes + l}.
 */
final class ExpCone extends ConeBlock {
    /** Beyond |ρ| ≈ 745 the curved-boundary point underflows; the heuristics are exact there. */
    private static final double RHO_LIMIT = 800.0;
    private static final int MAX_ITERATIONS = 200;
    private static final double RHO_TOL = 2.0 * Math.ulp(1.0);
    private static final double DIST_SLACK = 1e-12;
    private static final int ROOT = 0;
    private static final int RAISED = 1;
    private static final int FACE = 2;

    private final int count;
    /** True for a dual-exponential block: its K is K_exp*, its K* is K_exp. */
    private final boolean swapped;
    /** Scratch of {@link #jacobian}. */
    private final double[] work = new double[6];

    private ExpCone(int start, int count, boolean swapped, int lanes) {
        super(start, TripleJacobians.coneSizes(count), lanes);
        this.count = count;
        this.swapped = swapped;
    }

    /** The exponential triples of {@code dims}, from row {@code start}. */
    static ExpCone exponential(ConeDims dims, int start, int lanes) {
        return new ExpCone(start, dims.exp(), false, lanes);
    }

    /** The dual exponential triples of {@code dims}, from row {@code start}. */
    static ExpCone dualExponential(ConeDims dims, int start, int lanes) {
        return new ExpCone(start, dims.dualExp(), true, lanes);
    }

    @Override
    public void projectPrimal(double[] v, int offset) {
        int first = offset + start() * lanes();
        if (swapped) {
            projectDualTriples(v, first, count, lanes());
        } else {
            projectTriples(v, first, count, lanes());
        }
    }

    @Override
    public void projectDual(double[] v, int offset) {
        int first = offset + start() * lanes();
        if (swapped) {
            projectTriples(v, first, count, lanes());
        } else {
            projectDualTriples(v, first, count, lanes());
        }
    }

    /** In place onto K_exp, {@code count} triples of {@code lanes} lanes. */
    static void projectTriples(double[] v, int offset, int count, int lanes) {
        for (int c = 0; c < count; c++) {
            int base = offset + 3 * c * lanes;
            for (int l = 0; l < lanes; l++) {
                int ix = base + l;
                projectInPlace(v, ix, ix + lanes, ix + 2 * lanes);
            }
        }
    }

    /** In place onto the dual cone K_exp*, {@code count} triples of {@code lanes} lanes. */
    static void projectDualTriples(double[] v, int offset, int count, int lanes) {
        for (int c = 0; c < count; c++) {
            int base = offset + 3 * c * lanes;
            for (int l = 0; l < lanes; l++) {
                int ix = base + l;
                projectDualInPlace(v, ix, ix + lanes, ix + 2 * lanes);
            }
        }
    }

    /** Projects the triple (v[ix], v[iy], v[iz]) onto K_exp in place. */
    static void projectInPlace(double[] v, int ix, int iy, int iz) {
        double x = v[ix];
        double y = v[iy];
        double z = v[iz];
        if (!(Double.isFinite(x) && Double.isFinite(y) && Double.isFinite(z))) {
            // No projection exists, and the root search below never ends on infinities (a fuzzed
            // CBF file with b = 1e308 hung the solver here). NaN marks the iterate as broken.
            v[ix] = Double.NaN;
            v[iy] = Double.NaN;
            v[iz] = Double.NaN;
            return;
        }
        if (inCone(x, y, z)) {
            return;
        }
        if (inPolar(x, y, z)) {
            v[ix] = 0.0;
            v[iy] = 0.0;
            v[iz] = 0.0;
            return;
        }
        if (x <= 0 && y <= 0) {
            v[iy] = 0.0;
            v[iz] = Math.max(z, 0.0);
            return;
        }
        double big = Math.max(Math.abs(x), Math.max(Math.abs(y), Math.abs(z)));
        double scale = Math.scalb(1.0, Math.getExponent(big));
        double inv = 1.0 / scale;
        projectCurved(v, ix, iy, iz, x * inv, y * inv, z * inv, scale, null);
    }

    /** Projects the triple (v[ix], v[iy], v[iz]) onto K_exp* in place: v + Π_K(−v). */
    static void projectDualInPlace(double[] v, int ix, int iy, int iz) {
        double x = v[ix];
        double y = v[iy];
        double z = v[iz];
        v[ix] = -x;
        v[iy] = -y;
        v[iz] = -z;
        projectInPlace(v, ix, iy, iz);
        v[ix] += x;
        v[iy] += y;
        v[iz] += z;
    }

    /** Π_{K_exp}(x, y, z) as a new array (convenience; allocates). */
    static double[] project(double x, double y, double z) {
        double[] p = {x, y, z};
        projectInPlace(p, 0, 1, 2);
        return p;
    }

    /** Π_{K_exp*}(x, y, z) as a new array (convenience; allocates). */
    static double[] projectDual(double x, double y, double z) {
        double[] p = {x, y, z};
        projectDualInPlace(p, 0, 1, 2);
        return p;
    }

    /**
     * The Jacobian DΠ_{K_exp}(x, y, z), row-major 3×3, into {@code jac[base + e*stride]}:
     * I inside K_exp, 0 in the polar cone, diag(1, 0, 1[z &gt; 0]) (½ at z = 0) where x, y ≤ 0,
     * and otherwise, with Π = a·(ρ, 1, e^ρ) and v − Π = b·(1, 1−ρ, −e^{−ρ}), the implicit-function
     * Jacobian of {@link BoundaryJacobian} for g = y e^{x/y} − z: μ∇²g = (b/a)·w wᵀ with
     * w = (1, −ρ, 0), so 1 − θ = a/(a + b(1+ρ²)), and c ∝ (1, 1−ρ, −e^{−ρ}) ∝ (e^ρ, e^ρ(1−ρ), −1).
     * A projection that fell back to the face y = 0 gets diag(1[Π_x &lt; 0], 0, 1[Π_z &gt; 0]); one
     * that only raised z onto the boundary (b ≈ 0) gets the tangent-plane projection (θ = 0).
     *
     * @param work at least 6 entries, overwritten
     */
    static void jacobian(double x, double y, double z, double[] work, double[] jac, int base, int stride) {
        if (inCone(x, y, z)) {
            BoundaryJacobian.diagonal(1, 1, 1, jac, base, stride);
            return;
        }
        if (inPolar(x, y, z)) {
            BoundaryJacobian.diagonal(0, 0, 0, jac, base, stride);
            return;
        }
        if (x <= 0 && y <= 0) {
            BoundaryJacobian.diagonal(1, 0, NonnegCone.derivative(z), jac, base, stride);
            return;
        }
        double big = Math.max(Math.abs(x), Math.max(Math.abs(y), Math.abs(z)));
        double scale = Math.scalb(1.0, Math.getExponent(big));
        double inv = 1.0 / scale;
        // (ρ, a, b) straight from the root: a point rebuilt as v − b·d(ρ) has a y of pure
        // rounding noise where a is tiny, and ρ = Π_x/Π_y would be meaningless there
        int winner = projectCurved(work, 3, 4, 5, x * inv, y * inv, z * inv, scale, work);
        if (winner == FACE) {
            BoundaryJacobian.diagonal(work[3] < 0 ? 1 : 0, 0, work[5] > 0 ? 1 : 0, jac, base, stride);
            return;
        }
        double rho = work[0];
        double a = work[1];
        double b = work[2];
        // ‖w‖ = √(1+ρ²) and (ρ²−ρ+1)/‖w‖ without overflow: a raised point can carry |ρ| ~ 1e160
        double wn = Math.hypot(1.0, rho);
        double bw = b > 0 ? b * wn * wn : 0.0;
        double oneMinusTheta = bw > 0 ? a / (a + bw) : 1.0;
        double qw = (rho / wn) * (rho - 1.0) + 1.0 / wn;
        // ŵ = (1, −ρ)/‖w‖, n = (ρ, 1)/‖w‖; c ∝ (1, 1−ρ, −e^{−ρ}) has c_w = (ρ²−ρ+1)/‖w‖ and
        // c_n = 1/‖w‖ exactly; for ρ < 0 use the multiple (e^ρ, e^ρ(1−ρ), −1)
        if (rho >= 0) {
            BoundaryJacobian.write(oneMinusTheta, 1.0 / wn, -rho / wn, qw, 1.0 / wn, -Math.exp(-rho), jac, base,
                    stride);
        } else {
            double e = Math.exp(rho);
            BoundaryJacobian.write(oneMinusTheta, 1.0 / wn, -rho / wn, e * qw, e / wn, -1.0, jac, base, stride);
        }
    }

    /** DΠ_{K_exp*}(x, y, z) = I − DΠ_{K_exp}(−x, −y, −z), like {@link #jacobian}. */
    static void jacobianDual(double x, double y, double z, double[] work, double[] jac, int base, int stride) {
        jacobian(-x, -y, -z, work, jac, base, stride);
        BoundaryJacobian.complement(jac, base, stride);
    }

    @Override
    BlockDerivative derivative() {
        return new Derivative();
    }

    /** The 3×3 Jacobian of every triple and lane. */
    private final class Derivative extends BlockDerivative {
        private final TripleJacobians jac = new TripleJacobians(start(), count, lanes());

        @Override
        void linearizeAt(double[] v, int offset, boolean dual) {
            int lanes = lanes();
            double[] values = jac.values();
            // K_exp for K of an exponential block and for K* of a dual one; K_exp* otherwise
            boolean exponential = swapped == dual;
            for (int c = 0; c < count; c++) {
                int in = offset + (start() + 3 * c) * lanes;
                for (int l = 0; l < lanes; l++) {
                    double x = v[in + l];
                    double y = v[in + lanes + l];
                    double z = v[in + 2 * lanes + l];
                    if (exponential) {
                        jacobian(x, y, z, work, values, jac.base(c, l), lanes);
                    } else {
                        jacobianDual(x, y, z, work, values, jac.base(c, l), lanes);
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
     * How far (x, y, z) lies inside K_exp: min(y, z − y·e^{x/y}), in the units of the point (both terms
     * are positively homogeneous of degree one); at most zero on the boundary and outside, NaN where the
     * function is undefined (y = 0). The derivative's kink test ({@link ConeFaces}) reads it.
     */
    static double interiorMargin(double x, double y, double z) {
        return Math.min(y, z - y * Math.exp(x / y));
    }

    /** {@link #interiorMargin} for the dual cone K_exp*: min(−u, e·w + u·e^{v/u}). */
    static double dualInteriorMargin(double u, double v, double w) {
        return Math.min(-u, Math.E * w + u * Math.exp(v / u));
    }

    static boolean inCone(double x, double y, double z) {
        if (y > 0) {
            return y * Math.exp(x / y) <= z;
        }
        return y == 0 && x <= 0 && z >= 0;
    }

    /** v in the polar cone −K_exp*: x·e^{y/x − 1} ≤ −z with x &gt; 0, or x = 0, y ≤ 0, z ≤ 0. */
    static boolean inPolar(double x, double y, double z) {
        if (x > 0) {
            return x * Math.exp(y / x - 1.0) <= -z;
        }
        return x == 0 && y <= 0 && z <= 0;
    }

    /**
     * The generic case on the scaled point (r0, s0, t0), r0 &gt; 0 or s0 &gt; 0; writes Π·scale and
     * returns which point won: {@link #ROOT}, {@link #RAISED} (z raised onto the boundary) or
     * {@link #FACE} (the face y = 0). When {@code info} is not null it receives (ρ, a, b) of the
     * boundary point (for {@link #RAISED}: ρ = r0/s0, a = s0, b = 0).
     */
    private static int projectCurved(double[] v, int ix, int iy, int iz, double r0, double s0, double t0,
                                     double scale, double[] info) {
        int winner = FACE;
        // heuristic on the face y = 0
        double bx = Math.min(r0, 0.0);
        double by = 0.0;
        double bz = Math.max(t0, 0.0);
        double best = sq(r0 - bx) + s0 * s0 + sq(t0 - bz);
        // heuristic: raise z onto the boundary; preferred on ties, since it keeps y (the face
        // point drops y, which is wrong by up to |y| when x/y is far below the exp range)
        if (s0 > 0) {
            double tz = Math.max(t0, s0 * Math.exp(r0 / s0));
            double dist = sq(tz - t0);
            if (dist <= best) {
                bx = r0;
                by = s0;
                bz = tz;
                best = dist;
                winner = RAISED;
            }
        }
        // distance to the polar cone from its two simple points: bounds |Π_z| in the bracket
        double polar = r0 * r0 + sq(Math.max(s0, 0.0)) + sq(Math.max(t0, 0.0));
        if (r0 > 0) {
            double td = Math.min(t0, -r0 * Math.exp(s0 / r0 - 1.0));
            polar = Math.min(polar, sq(t0 - td));
        }
        double rho = solveRho(r0, s0, t0, Math.sqrt(best), Math.sqrt(polar));
        if (Double.isFinite(rho)) {
            double q = rho * rho - rho + 1.0;
            double l1 = (rho - 1.0) * r0 + s0;
            double l2 = r0 - rho * s0;
            double a = l1 / q;
            double b = l2 / q;
            double ep = Math.exp(rho);
            double em = Math.exp(-rho);
            // first-order error of each representation per unit error in rho: a·p(ρ) loses
            // accuracy where a ∝ l1 cancels (ρ near 1 − s0/r0), b·d(ρ) where l2 cancels
            double errA = Math.abs(r0) * Math.sqrt(rho * rho + 1.0 + ep * ep) / q + a * Math.sqrt(1.0 + ep * ep);
            double errB = Math.abs(s0) * Math.sqrt(1.0 + sq(1.0 - rho) + em * em) / q + b * Math.sqrt(1.0 + em * em);
            double px;
            double py;
            double pz;
            boolean ok = true;
            if (a > 0 && (errA <= errB || !(b > 0))) {
                px = a * rho;
                py = a;
                pz = Math.exp(rho + Math.log(a));
            } else if (b > 0) {
                px = r0 - b;
                py = s0 - b * (1.0 - rho);
                pz = t0 + Math.exp(Math.log(b) - rho);
            } else {
                px = py = pz = 0.0;
                ok = false;
            }
            double dist = sq(px - r0) + sq(py - s0) + sq(pz - t0);
            // an accurate root is the projection; the heuristics can only tie it up to rounding
            // (the distance is flat at the optimum), so they win only by a clear margin
            if (ok && dist <= best + DIST_SLACK * (r0 * r0 + s0 * s0 + t0 * t0)) {
                bx = px;
                by = py;
                bz = pz;
                winner = ROOT;
                if (info != null) {
                    info[0] = rho;
                    info[1] = Math.max(a, 0.0);
                    info[2] = Math.max(b, 0.0);
                }
            }
        }
        if (winner == RAISED && info != null) {
            info[0] = r0 / s0;
            info[1] = s0;
            info[2] = 0.0;
        }
        v[ix] = bx * scale;
        v[iy] = by * scale;
        v[iz] = bz * scale;
        return winner;
    }

    /**
     * The root of h on the interval where a, b &gt; 0, or NaN when it lies beyond ±RHO_LIMIT.
     * <p>
     * Bracket (after Friberg 2021, §4): with vp = a·(ρ, 1, e^ρ) and vd = b·(1, 1−ρ, −e^{−ρ}),
     * <ul>
     *   <li>t₀ &gt; 0: a e^ρ = t₀ − vd_z &gt; t₀, so ρ ≥ log(t₀ / max a);</li>
     *   <li>t₀ &lt; 0: b e^{−ρ} &gt; −t₀, so ρ ≤ −log(−t₀ / max b);</li>
     *   <li>r₀ &gt; 0: a e^ρ = r₀(ρ − ρ_a)·e^ρ/q ≤ T_p := min(distPolar, distK + t₀) (since
     *       ‖vp‖ = dist(v₀, polar) and |vp_z − t₀| ≤ dist(v₀, K)), and e^ρ/q ≥ its minimum ω over
     *       ρ ≥ lo, so ρ ≤ ρ_a + T_p/(r₀ ω), ρ_a = 1 − s₀/r₀;</li>
     *   <li>s₀ &gt; 0: symmetrically ρ ≥ ρ_b − T_d/(s₀ ω'), ρ_b = r₀/s₀,
     *       T_d := min(distK, distPolar − t₀), ω' the minimum of e^{−ρ}/q over ρ ≤ hi.</li>
     * </ul>
     * The bracket is verified by the signs of h at its ends; if that fails (rounding), a doubling
     * search from the finite end of (ρ_a, ρ_b) is used instead.
     */
    static double solveRho(double r0, double s0, double t0, double distK, double distPolar) {
        // h(lo) < 0 < h(hi) on the open interval where a, b > 0
        double baseLo = r0 > 0 ? 1.0 - s0 / r0 : Double.NEGATIVE_INFINITY;
        double baseHi = s0 > 0 ? r0 / s0 : Double.POSITIVE_INFINITY;
        if (!(baseLo < RHO_LIMIT && baseHi > -RHO_LIMIT && baseLo < baseHi)) {
            return Double.NaN;
        }
        double lo = Double.NEGATIVE_INFINITY;
        double hi = Double.POSITIVE_INFINITY;
        if (t0 > 0) {
            lo = Math.log(t0 / maxA(r0, s0));
        }
        if (t0 < 0) {
            hi = -Math.log(-t0 / maxB(r0, s0));
        }
        if (r0 > 0) {
            lo = Math.max(lo, baseLo);
            double tp = Math.max(1e-12, Math.min(distPolar, distK + t0));
            hi = Math.min(hi, Math.max(lo, baseLo + tp / (r0 * minOmega(lo))));
        }
        if (s0 > 0) {
            hi = Math.min(hi, baseHi);
            double td = Math.max(1e-12, Math.min(distK, distPolar - t0));
            lo = Math.max(lo, Math.min(hi, baseHi - td / (s0 * minOmegaDual(hi))));
        }
        lo = Math.max(lo, baseLo);
        hi = Math.min(hi, baseHi);
        if (lo < hi && lo > -RHO_LIMIT && hi < RHO_LIMIT) {
            double flo = lo == baseLo ? -1.0 : h(r0, s0, t0, lo);
            double fhi = hi == baseHi ? 1.0 : h(r0, s0, t0, hi);
            if (flo == 0) {
                return lo;
            }
            if (fhi == 0) {
                return hi;
            }
            if (flo < 0 && fhi > 0) {
                return newtonBisect(r0, s0, t0, lo, hi);
            }
        }
        return wideSearch(r0, s0, t0, baseLo, baseHi);
    }

    /** max over ρ of a(ρ) = ((ρ−1)r₀ + s₀)/(ρ²−ρ+1), attained at the root of r₀ρ² − 2(r₀−s₀)ρ − s₀. */
    private static double maxA(double r0, double s0) {
        double root = Math.sqrt(r0 * r0 - r0 * s0 + s0 * s0);
        // the same critical point written two ways, each free of cancellation on its side
        double psi = r0 > s0 ? (r0 - s0 + root) / r0 : -s0 / (r0 - s0 - root);
        return ((psi - 1.0) * r0 + s0) / (psi * psi - psi + 1.0);
    }

    /** max over ρ of b(ρ) = (r₀ − ρs₀)/(ρ²−ρ+1), attained at the root of s₀ρ² − 2r₀ρ + r₀ − s₀. */
    private static double maxB(double r0, double s0) {
        double root = Math.sqrt(r0 * r0 - r0 * s0 + s0 * s0);
        double psi = s0 > r0 ? (r0 - root) / s0 : (r0 - s0) / (r0 + root);
        return (r0 - psi * s0) / (psi * psi - psi + 1.0);
    }

    /** min of e^ρ/(ρ²−ρ+1) over [from, ∞): the function rises, falls on (1, 2), then rises. */
    private static double minOmega(double from) {
        double w = Math.exp(from) / (from * from - from + 1.0);
        return from < 2.0 ? Math.min(w, Math.exp(2.0) / 3.0) : w;
    }

    /** min of e^{−ρ}/(ρ²−ρ+1) over (−∞, to]: it falls, rises on (−1, 0), then falls. */
    private static double minOmegaDual(double to) {
        double w = Math.exp(-to) / (to * to - to + 1.0);
        return to > -1.0 ? Math.min(w, Math.E / 3.0) : w;
    }

    /** Fallback bracket: a doubling search from the finite end of (baseLo, baseHi). */
    private static double wideSearch(double r0, double s0, double t0, double lo, double hi) {
        boolean loKnown = lo >= -RHO_LIMIT;
        boolean hiKnown = hi <= RHO_LIMIT;
        if (!loKnown) {
            double step = 1.0;
            while (true) {
                double rho = Math.max(hi - step, -RHO_LIMIT);
                double f = h(r0, s0, t0, rho);
                if (f < 0) {
                    lo = rho;
                    break;
                }
                if (f == 0) {
                    return rho;
                }
                hi = rho;
                if (rho <= -RHO_LIMIT) {
                    return Double.NaN;
                }
                step *= 2.0;
            }
        } else if (!hiKnown) {
            double step = 1.0;
            while (true) {
                double rho = Math.min(lo + step, RHO_LIMIT);
                double f = h(r0, s0, t0, rho);
                if (f > 0) {
                    hi = rho;
                    break;
                }
                if (f == 0) {
                    return rho;
                }
                lo = rho;
                if (rho >= RHO_LIMIT) {
                    return Double.NaN;
                }
                step *= 2.0;
            }
        }
        return newtonBisect(r0, s0, t0, lo, hi);
    }

    /**
     * Safeguarded Newton on h over (lo, hi) with h(lo) &lt; 0 &lt; h(hi): a Newton step is taken
     * only when it stays inside the bracket and is at most half the step before last; otherwise
     * bisect. So the bracket at least halves every two iterations, also on the exponential tails
     * where plain Newton creeps by about one unit per step.
     */
    private static double newtonBisect(double r0, double s0, double t0, double lo, double hi) {
        double rho = 0.5 * (lo + hi);
        double step = hi - lo;
        double stepOld = step;
        for (int it = 0; it < MAX_ITERATIONS; it++) {
            double ep = Math.exp(rho);
            double em = Math.exp(-rho);
            double f = h(r0, s0, t0, rho, ep, em);
            if (f == 0) {
                return rho;
            }
            if (f < 0) {
                lo = rho;
            } else {
                hi = rho;
            }
            double df = (rho * r0 + s0) * ep + (r0 - (rho - 1.0) * s0) * em - (2.0 * rho - 1.0) * t0;
            double newton = f / df;
            double next = rho - newton;
            if (Math.abs(newton) <= RHO_TOL * Math.max(1.0, Math.abs(rho))) {
                return next;   // converged (the step may touch the end just set to rho)
            }
            if (next > lo && next < hi && 2.0 * Math.abs(newton) <= Math.abs(stepOld)) {
                stepOld = step;
                step = newton;
            } else {
                stepOld = step;
                step = 0.5 * (hi - lo);
                next = lo + step;
            }
            if (Math.abs(next - rho) <= RHO_TOL * Math.max(1.0, Math.abs(rho)) || next <= lo || next >= hi) {
                return next;
            }
            rho = next;
        }
        return rho;
    }

    private static double h(double r0, double s0, double t0, double rho) {
        return h(r0, s0, t0, rho, Math.exp(rho), Math.exp(-rho));
    }

    /** h(ρ), written so that an overflowing exponential never meets a zero factor. */
    private static double h(double r0, double s0, double t0, double rho, double ep, double em) {
        double l1 = (rho - 1.0) * r0 + s0;
        double l2 = r0 - rho * s0;
        double termP = l1 == 0 ? 0.0 : l1 * ep;
        double termD = l2 == 0 ? 0.0 : l2 * em;
        return termP - termD - (rho * rho - rho + 1.0) * t0;
    }

    private static double sq(double x) {
        return x * x;
    }
}
