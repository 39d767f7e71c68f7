// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.solver.ipm;

import io.convexlayers.solver.BatchSolution;
import io.convexlayers.solver.IterationListener;
import io.convexlayers.solver.SolverSettings;
import io.convexlayers.solver.SolverStatus;
import io.convexlayers.solver.hsde.Deadline;
import io.convexlayers.solver.hsde.ResidualStats;
import io.convexlayers.solver.hsde.Termination;

/**
 * A primal–dual interior-point method on the homogeneous self-dual embedding of one (equilibrated)
 * instance, with Mehrotra's predictor–corrector (the formulation of Clarabel: Goulart and Chen,
 * "Clarabel: an interior-point solver for conic programs with quadratic objectives", 2024, §3–4;
 * ECOS for the second-order cones). Unknowns (x, z, τ, s, κ), z = y, with
 * <pre>
 *   Px + Aᵀz + cτ = 0,   Ax + s − bτ = 0,   κ + cᵀx + bᵀz + xᵀPx/τ = 0,   s, z ∈ K,  τ, κ ≥ 0
 * </pre>
 * and complementarity s∘z = μe, τκ = μ driven to zero. On the sparse Newton system, where the
 * combined step is short, one centrality corrector (Gondzio, "Multiple centrality corrections in a primal-dual method for linear
 * programming", 1996) moves the complementarity products a longer trial step would give back into a
 * band around σμ, and is kept when it lengthens the step. Each iteration factors the Newton matrix
 * once ({@link NewtonSystem}: {@link ReducedKkt} or {@link SparseKkt}) and solves it three times (four with a corrector): the constant system K·(x₁, z₁) = (−c, b) and
 * the affine and combined directions; the τ component follows from the linearized third equation.
 * A solvable instance ends with τ &gt; 0 and (x, y, s)/τ optimal; an infeasible or unbounded one with
 * κ &gt; 0, τ → 0 and (x, z) a certificate. Termination and the residuals are those of the
 * first-order solver ({@link Termination}, {@link ResidualStats}) on the unscaled data, so statuses
 * mean the same for both algorithms.
 */
final class InteriorPointMethod {
    /** Iteration limit of the interior-point method, below the settings' limit when that is larger. */
    static final int MAX_ITERATIONS = 200;
    /**
     * The method reaches for this accuracy whatever the settings ask: its last iterations cost
     * little (the convergence is superlinear), x is only as accurate as the square root of the gap
     * where the objective is flat, and a solution this close to exact makes the derivative exact
     * too. Once the settings' own tolerance is met it stops after at most
     * {@link #EXTRA_ITERATIONS} more iterations.
     */
    static final double TARGET_EPS = 1e-10;
    /** Iterations allowed past the settings' tolerance while reaching for {@link #TARGET_EPS}. */
    static final int EXTRA_ITERATIONS = 6;
    static final double STEP_FRACTION = 0.99;
    static final double MIN_STEP = 1e-10;
    static final int MAX_SMALL_STEPS = 5;
    /** A certificate needs the complementarity μ this far below its starting value. */
    static final double CERTIFICATE_MU = 1e-6;
    /** A step that multiplies the relative optimality residual by more than this is undone. */
    static final double SETBACK = 10;

    /**
     * Gondzio's centrality correctors per iteration (at most). Each costs a refined solve. Measured
     * on NETLIB and Maros–Meszaros (benchmarks/RESULTS.md), one saves 8–11% of the iterations; a
     * second saved 2% more on Maros–Meszaros and lost NETLIB greenbea.
     */
    static final int MAX_CORRECTORS = 1;
    /** A combined step reaching this far is left as it is. */
    static final double CORRECTOR_SKIP = 0.9;
    /** A corrected step is kept when it gains this share of the way to its trial step. */
    static final double CORRECTOR_GAIN = 0.1;
    /** The band [β_min, β_max]·σμ that corrected complementarity products aim for (Gondzio 1996). */
    static final double BETA_MIN = 0.1;
    static final double BETA_MAX = 10;
    /**
     * Mehrotra's second-order term (W⁻¹Δs_a)∘(WΔz_a) enters the corrector at most this many times the
     * size of λ∘λ (∞-norms), scaled down as a whole beyond it. Near BOYD2's end the affine step's
     * products reached 10⁴ times λ∘λ and more: the corrector's right-hand side grew from 6·10⁴ to
     * 4·10¹² over three iterations, its solves, accurate relative to that, left absolute residuals of
     * order 1 in the primal rows, and the primal residual climbed from 2e-3 to 9e-2 while the dual
     * residual and gap held (SOLVED_INACCURATE at 200 iterations). With the cap BOYD2 is solved in 82
     * iterations; NETLIB and the rest of Maros–Meszaros keep their statuses (benchmarks/RESULTS.md).
     */
    static final double SECOND_ORDER_CAP = 10;
    private final int maxCorrectors;
    private final double[] corr;
    private final IpmLayout layout;
    private final ScaledInstance data;
    private final NtScaling scaling;
    private final NewtonSystem kkt;
    private final int n;
    private final int m;
    private final double[] x;
    private final double[] z;
    private final double[] s;
    private double tau;
    private double kappa;
    private final double[] px;
    private final double[] ax;
    private final double[] atz;
    private final double[] rx;
    private final double[] rz;
    private final double[] x1;
    private final double[] z1;
    private final double[] x2;
    private final double[] z2;
    private double[] dx;
    private double[] dz;
    private double[] ds;
    private double[] dxa;
    private double[] dza;
    private double[] dsa;
    private final double[] rhsX;
    private final double[] rhsZ;
    private final double[] dsTarget;
    private final double[] workM;
    private final double[] workM2;
    private final double[] stats = new double[ResidualStats.WIDTH];
    private double dTau;
    private double dKappa;
    private final double[] xPrev;
    private final double[] zPrev;
    private final double[] sPrev;
    private double tauPrev;
    private double initialMu;
    private double kappaPrev;

    /** The structure this workspace was built for. */
    IpmLayout layout() {
        return layout;
    }

    /**
     * A workspace for {@code layout}; the centrality corrector runs on the sparse Newton system only,
     * the path of large single instances, so that the dense path stays the algorithm the lock-step
     * tiles and the device kernel run lane by lane (their lanes and one-at-a-time solves agree
     * iteration for iteration).
     */
    InteriorPointMethod(IpmLayout layout) {
        this(layout, layout.newton == NewtonSystemChoice.SPARSE ? MAX_CORRECTORS : 0);
    }

    /** @param maxCorrectors centrality correctors per iteration (tests compare with none) */
    InteriorPointMethod(IpmLayout layout, int maxCorrectors) {
        this.layout = layout;
        this.maxCorrectors = maxCorrectors;
        n = layout.n;
        m = layout.m;
        data = new ScaledInstance(layout);
        scaling = new NtScaling(layout);
        kkt = layout.newton == NewtonSystemChoice.SPARSE ? new SparseKkt(layout, data) : new ReducedKkt(layout);
        x = new double[n];
        z = new double[m];
        s = new double[m];
        px = new double[n];
        ax = new double[m];
        atz = new double[n];
        rx = new double[n];
        rz = new double[m];
        x1 = new double[n];
        z1 = new double[m];
        x2 = new double[n];
        z2 = new double[m];
        dx = new double[n];
        dz = new double[m];
        ds = new double[m];
        dxa = new double[n];
        dza = new double[m];
        dsa = new double[m];
        rhsX = new double[n];
        rhsZ = new double[m];
        dsTarget = new double[m];
        workM = new double[m];
        workM2 = new double[m];
        xPrev = new double[n];
        zPrev = new double[m];
        sPrev = new double[m];
        corr = new double[m];
    }

    /**
     * Solves instance {@code k} of the batch and writes its result as instance {@code k} of
     * {@code out}.
     */
    void solve(io.convexlayers.data.BatchConeProgram batch, int k, SolverSettings settings, long deadline,
               IterationListener listener, BatchSolution.Builder out) {
        long t0 = System.nanoTime();
        data.load(batch, k, settings.equilibrate());
        double setup = (System.nanoTime() - t0) * 1e-9;
        long start = System.nanoTime();
        if (!data.objectiveIsConvex()) {
            java.util.Arrays.fill(stats, Double.NaN);
            extract(SolverStatus.FAILED, 0, (System.nanoTime() - start) * 1e-9, setup, k, out);
            return;
        }
        SolverSettings target = settings.toBuilder().epsAbs(Math.min(settings.epsAbs(), TARGET_EPS))
                .epsRel(Math.min(settings.epsRel(), TARGET_EPS)).build();
        int limit = Math.min(settings.maxIters(), MAX_ITERATIONS);
        kkt.reset();
        kkt.deadline = deadline;
        initialize();
        if (kkt.timedOut) {
            // The time limit passed inside the first factorization: there is no iterate to report.
            java.util.Arrays.fill(stats, Double.NaN);
            extract(SolverStatus.FAILED, 0, (System.nanoTime() - start) * 1e-9, setup, k, out);
            return;
        }
        initialMu = complementarity();
        SolverStatus status = null;
        int iter = 0;
        int smallSteps = 0;
        int extra = 0;
        double prevMerit = Double.POSITIVE_INFINITY;
        while (true) {
            evaluate();
            // Solution residuals divide by τ: they mean something only while τ ≥ κ (an infeasible
            // instance drives τ to 0 and its residuals up while its certificate converges).
            double merit = tau >= kappa ? merit(stats, 0) : Double.POSITIVE_INFINITY;
            if (lostAccuracy(merit, prevMerit, tau, kappa, tauPrev, kappaPrev)) {
                // The last step lost accuracy (a Newton system solved too inexactly near the end):
                // return to the iterate before it and stop there.
                restore();
                evaluate();
                status = stopped(stats, 0, settings);
                break;
            }
            prevMerit = merit;
            kkt.aimAt(Double.isFinite(merit) ? merit : 1);
            if (listener != null) {
                listener.onCheck(iter, stats[ResidualStats.PRIMAL_RES], stats[ResidualStats.DUAL_RES],
                        stats[ResidualStats.GAP], stats[ResidualStats.PRIMAL_OBJ], 0,
                        (System.nanoTime() - start) * 1e-9);
            }
            status = Termination.check(stats, 0, target);
            if (status == SolverStatus.INFEASIBLE || status == SolverStatus.UNBOUNDED) {
                status = certificateStands(status, settings) ? status : null;
            }
            if (status != null) {
                break;
            }
            if (Termination.check(stats, 0, settings) == SolverStatus.SOLVED
                    && extra++ >= EXTRA_ITERATIONS) {
                status = SolverStatus.SOLVED;
                break;
            }
            if (iter >= limit || smallSteps >= MAX_SMALL_STEPS || Deadline.passed(deadline, System.nanoTime())
                    || !scaling.update(s, z)) {
                status = stopped(stats, 0, settings);
                break;
            }
            save();
            double alpha = step();
            if (!(alpha > MIN_STEP)) {
                smallSteps++;
                if (!(alpha >= 0)) {
                    status = stopped(stats, 0, settings);
                    break;
                }
            } else {
                smallSteps = 0;
            }
            iter++;
        }
        extract(status, iter, (System.nanoTime() - start) * 1e-9, setup, k, out);
    }

    /**
     * Whether a certificate that passed the ratio tests stands: the embedding must say so (κ above
     * τ, with the complementarity μ at most {@value #CERTIFICATE_MU} of its start, so that the
     * iterate has converged to something), and the iterate must not contradict it — a primal residual within tolerance means the
     * program is feasible, a dual residual within tolerance that it is bounded — unless τ has fallen to
     * ε_infeas·κ, where the embedding has decided (see the method). The ratio tests alone
     * are not scale-invariant: a program whose objective is of order 10¹¹ (HUESTIS, POWELL20)
     * passes the infeasibility test with its optimal y while converging, because bᵀy is huge.
     */
    private boolean certificateStands(SolverStatus status, SolverSettings settings) {
        return certificateStands(status, settings, stats, 0, tau, kappa, complementarity(), initialMu);
    }

    /**
     * {@link #certificateStands(SolverStatus, SolverSettings)} for an iterate given by its statistics
     * (at {@code so}), τ, κ and complementarity μ against the starting μ₀ (shared with the tiled method).
     */
    static boolean certificateStands(SolverStatus status, SolverSettings settings, double[] st, int so, double tau,
                                     double kappa, double mu, double initialMu) {
        if (!(kappa > tau) || !(mu <= CERTIFICATE_MU * initialMu)) {
            return false;
        }
        if (tau <= settings.epsInfeas() * kappa) {
            // The embedding has decided. Its iterate x/τ then runs out along a ray of the feasible set's
            // recession cone, and a residual measured against its own growing scale looks feasible: RECIPE
            // cut 10⁻³ below its optimum held a certificate to 10⁻⁸ from iteration 12 and was reported at 86.
            return true;
        }
        if (status == SolverStatus.INFEASIBLE) {
            return !(st[so + ResidualStats.PRIMAL_RES]
                    <= settings.epsAbs() + settings.epsRel() * st[so + ResidualStats.PRIMAL_SCALE]);
        }
        return !(st[so + ResidualStats.DUAL_RES]
                <= settings.epsAbs() + settings.epsRel() * st[so + ResidualStats.DUAL_SCALE]);
    }

    /**
     * Whether the last step, from (τ₀, κ₀) with merit {@code prevMerit} to (τ, κ) with {@code merit}, lost
     * accuracy: the merit jumped by {@link #SETBACK} while τ ≥ κ — unless κ/τ grew by {@link #SETBACK}
     * too. That is the embedding turning towards a certificate (τ collapses on an infeasible program:
     * 0.54 to 0.0067 in one step on BLEND with an objective cut 10⁻³ below its optimum), and the
     * residuals, which divide by τ, grow with it.
     */
    static boolean lostAccuracy(double merit, double prevMerit, double tau, double kappa, double tauPrev,
                                double kappaPrev) {
        return tau >= kappa && merit > SETBACK * prevMerit && !(kappa * tauPrev > SETBACK * kappaPrev * tau);
    }

    /** The largest relative optimality residual of statistics at {@code so}; its jump by {@link #SETBACK} marks a failed step. */
    static double merit(double[] st, int so) {
        return Math.max(st[so + ResidualStats.PRIMAL_RES] / (1 + st[so + ResidualStats.PRIMAL_SCALE]),
                Math.max(st[so + ResidualStats.DUAL_RES] / (1 + st[so + ResidualStats.DUAL_SCALE]),
                        st[so + ResidualStats.GAP] / (1 + st[so + ResidualStats.GAP_SCALE])));
    }

    private void save() {
        System.arraycopy(x, 0, xPrev, 0, n);
        System.arraycopy(z, 0, zPrev, 0, m);
        System.arraycopy(s, 0, sPrev, 0, m);
        tauPrev = tau;
        kappaPrev = kappa;
    }

    private void restore() {
        System.arraycopy(xPrev, 0, x, 0, n);
        System.arraycopy(zPrev, 0, z, 0, m);
        System.arraycopy(sPrev, 0, s, 0, m);
        tau = tauPrev;
        kappa = kappaPrev;
    }

    /** The status where the iteration stops short of {@link #TARGET_EPS}: the settings' tests first. */
    static SolverStatus stopped(double[] st, int so, SolverSettings settings) {
        SolverStatus met = Termination.check(st, so, settings);
        return met != null ? met : Termination.atLimit(st, so, settings);
    }

    /**
     * Starting point (as Clarabel and CVXOPT), with H = I. A QP solves K·(x, z) = (−c, b), whose x
     * balances ‖Ax − b‖ against the objective, and takes s = −z. An LP solves two systems instead:
     * K·(x, w) = (0, b) gives the least-squares x (s = b − Ax = −w) and K·(v, z) = (−c, 0) the
     * least-norm z with Aᵀz = −c; the single system would divide c by the static regularization
     * wherever A is rank-deficient (P = 0 leaves nothing else to bound x there). s and z are then
     * shifted into the cone's interior along e. τ = κ = 1.
     */
    private void initialize() {
        scaling.identity();
        kkt.factor(data, scaling);
        boolean linear = layout.pPattern == null;
        for (int j = 0; j < n; j++) {
            rhsX[j] = linear ? 0 : -data.c[j];
        }
        System.arraycopy(data.b, 0, rhsZ, 0, m);
        kkt.solve(rhsX, rhsZ, x, z);
        for (int i = 0; i < layout.zero; i++) {
            s[i] = 0;
        }
        for (int i = layout.zero; i < m; i++) {
            s[i] = -z[i];
        }
        if (linear) {
            for (int j = 0; j < n; j++) {
                rhsX[j] = -data.c[j];
            }
            java.util.Arrays.fill(rhsZ, 0);
            kkt.solve(rhsX, rhsZ, x2, z);
        }
        shiftIntoCone(s);
        shiftIntoCone(z);
        tau = 1;
        kappa = 1;
    }

    private void shiftIntoCone(double[] v) {
        double min = scaling.minEigenvalue(v);
        if (min < 1) {
            // Lift the smallest eigenvalue to 1: the data are equilibrated, so 1 is a sensible margin.
            scaling.addIdentity(v, 1 - min);
        }
    }

    /** Products, Newton residuals and the termination statistics at the current iterate. */
    private void evaluate() {
        data.multiplyP(x, px);
        data.multiplyA(x, ax);
        data.multiplyAt(z, atz);
        double ctx = 0;
        double bty = 0;
        double xpx = 0;
        for (int j = 0; j < n; j++) {
            rx[j] = px[j] + atz[j] + data.c[j] * tau;
            ctx += data.c[j] * x[j];
            xpx += x[j] * px[j];
        }
        for (int i = 0; i < m; i++) {
            rz[i] = ax[i] + s[i] - data.b[i] * tau;
            bty += data.b[i] * z[i];
        }
        fillStats(ctx, bty, xpx);
    }

    /** The residual statistics of {@link ResidualStats} on the unscaled program. */
    private void fillStats(double ctx, double bty, double xpx) {
        double cs = data.costScale;
        double[] d = data.d;
        double[] e = data.e;
        double invTau = 1 / tau;
        double pri = 0, axN = 0, sN = 0, bN = 0, certAxs = 0;
        for (int i = 0; i < m; i++) {
            double di = 1 / d[i];
            double a = ax[i] * di;
            double si = s[i] * di;
            double bi = data.b[i] * di;
            pri = Math.max(pri, Math.abs((a + si) * invTau - bi));
            axN = Math.max(axN, Math.abs(a * invTau));
            sN = Math.max(sN, Math.abs(si * invTau));
            bN = Math.max(bN, Math.abs(bi));
            certAxs = Math.max(certAxs, Math.abs(a + si));
        }
        double dua = 0, pxN = 0, atyN = 0, cN = 0, certPx = 0, certAty = 0;
        for (int j = 0; j < n; j++) {
            double f = 1 / (e[j] * cs);
            double pj = px[j] * f;
            double aj = atz[j] * f;
            double cj = data.c[j] * f;
            dua = Math.max(dua, Math.abs((pj + aj) * invTau + cj));
            pxN = Math.max(pxN, Math.abs(pj * invTau));
            atyN = Math.max(atyN, Math.abs(aj * invTau));
            cN = Math.max(cN, Math.abs(cj));
            certPx = Math.max(certPx, Math.abs(pj));
            certAty = Math.max(certAty, Math.abs(aj));
        }
        double xPx = xpx * invTau * invTau / cs;
        double cTx = ctx * invTau / cs;
        double bTy = bty * invTau / cs;
        double[] st = stats;
        st[ResidualStats.PRIMAL_RES] = pri;
        st[ResidualStats.PRIMAL_SCALE] = Math.max(axN, Math.max(sN, bN));
        st[ResidualStats.DUAL_RES] = dua;
        st[ResidualStats.DUAL_SCALE] = Math.max(pxN, Math.max(atyN, cN));
        st[ResidualStats.GAP] = Math.abs(xPx + cTx + bTy);
        st[ResidualStats.GAP_SCALE] = Math.max(Math.abs(xPx), Math.max(Math.abs(cTx), Math.abs(bTy)));
        st[ResidualStats.PRIMAL_OBJ] = 0.5 * xPx + cTx;
        st[ResidualStats.DUAL_OBJ] = -0.5 * xPx - bTy;
        st[ResidualStats.TAU] = tau;
        st[ResidualStats.KAPPA] = kappa;
        st[ResidualStats.CERT_BTY] = bty / cs;
        st[ResidualStats.CERT_ATY] = certAty;
        st[ResidualStats.CERT_CTX] = ctx / cs;
        st[ResidualStats.CERT_AXS] = certAxs;
        st[ResidualStats.CERT_PX] = certPx;
        // The directions x = Ex̂ and y = Dẑ/c_s.
        double xN = 0;
        double yN = 0;
        for (int j = 0; j < n; j++) {
            xN = Math.max(xN, Math.abs(e[j] * x[j]));
        }
        for (int i = 0; i < m; i++) {
            yN = Math.max(yN, Math.abs(d[i] * z[i]));
        }
        st[ResidualStats.CERT_X_SCALE] = data.magnitudes[1] * xN;
        st[ResidualStats.CERT_Y_SCALE] = data.magnitudes[0] * yN / cs;
    }

    /** One predictor–corrector step; returns its length α (NaN when the step broke down). */
    private double step() {
        double mu = complementarity();
        kkt.factor(data, scaling);
        // Constant system K·(x₁, z₁) = (−c, b).
        for (int j = 0; j < n; j++) {
            rhsX[j] = -data.c[j];
        }
        System.arraycopy(data.b, 0, rhsZ, 0, m);
        kkt.solve(rhsX, rhsZ, x1, z1);
        // ξ = x/τ terms of the linearized third equation.
        double invTau = 1 / tau;
        double xiPxi = 0;
        for (int j = 0; j < n; j++) {
            xiPxi += x[j] * px[j];
        }
        xiPxi *= invTau * invTau;
        double rTau = kappa + dot(data.c, x, n) + dot(data.b, z, m) + xiPxi * tau;
        double denom = tauDirection(x1, z1, invTau) - xiPxi - kappa * invTau;

        // Predictor (affine scaling): d_s = λ∘λ, d_κ = τκ.
        scaling.product(scaling.lambda, scaling.lambda, dsTarget);
        direction(1, rTau, dsTarget, tau * kappa, invTau, denom, dxa, dza, dsa);
        double dTauA = dTau;
        double dKappaA = dKappa;
        double alphaAff = maxStep(dsa, dza, dTauA, dKappaA, 1);
        double sigma = Math.pow(1 - alphaAff, 3);

        // Corrector: d_s = λ∘λ + (W⁻¹Δs_a)∘(WΔz_a) − σμe, d_κ = τκ + Δτ_aΔκ_a − σμ.
        scaling.applyW(dsa, workM, true);
        scaling.applyW(dza, workM2, false);
        scaling.product(workM, workM2, workM);
        scaling.product(scaling.lambda, scaling.lambda, dsTarget);
        double shrink = secondOrderShrink(dsTarget, workM, layout.zero, m);
        for (int i = layout.zero; i < m; i++) {
            dsTarget[i] += shrink * workM[i];
        }
        scaling.addIdentity(dsTarget, -sigma * mu);
        double dKappaTarget = tau * kappa + shrink * dTauA * dKappaA - sigma * mu;
        direction(1 - sigma, rTau, dsTarget, dKappaTarget, invTau, denom, dx, dz, ds);
        // Gondzio's correctors: where the combined step falls short, aim at a longer trial step
        // and move its outlying complementarity products back into the band around σμ.
        double reach = Math.min(1, maxStep(ds, dz, dTau, dKappa, Double.POSITIVE_INFINITY));
        for (int k = 0; k < maxCorrectors && reach < CORRECTOR_SKIP && !kkt.timedOut; k++) {
            double trial = Math.min(1, 1.5 * reach + 0.1);
            double tauKappaCorrection = centralityCorrection(trial, sigma * mu, corr);
            double combinedDTau = dTau;
            double combinedDKappa = dKappa;
            // The products' linearization is z∘Δs + s∘Δz = −d_s: a wanted change t lowers d_s by t.
            for (int i = layout.zero; i < layout.zero + layout.nonneg; i++) {
                dsTarget[i] -= corr[i];
            }
            dKappaTarget -= tauKappaCorrection;
            // The affine direction's arrays are free by now: the corrected direction goes there.
            direction(1 - sigma, rTau, dsTarget, dKappaTarget, invTau, denom, dxa, dza, dsa);
            double next = Math.min(1, maxStep(dsa, dza, dTau, dKappa, Double.POSITIVE_INFINITY));
            if (!(next >= reach + CORRECTOR_GAIN * (trial - reach)) || !Double.isFinite(dTau)) {
                dTau = combinedDTau;
                dKappa = combinedDKappa;
                break;
            }
            swapDirections();
            reach = next;
        }
        double alpha = Math.min(1, STEP_FRACTION * maxStep(ds, dz, dTau, dKappa, Double.POSITIVE_INFINITY));
        if (kkt.timedOut || !Double.isFinite(alpha) || !Double.isFinite(dTau) || !Double.isFinite(dKappa)) {
            // (a factorization that gave up at the deadline: the iterate stays, the caller stops there)
            return Double.NaN;
        }
        for (int j = 0; j < n; j++) {
            x[j] += alpha * dx[j];
        }
        for (int i = 0; i < m; i++) {
            z[i] += alpha * dz[i];
        }
        for (int i = layout.zero; i < m; i++) {
            s[i] += alpha * ds[i];
        }
        tau += alpha * dTau;
        kappa += alpha * dKappa;
        return alpha;
    }

    /**
     * The factor (≤ 1) that brings the second-order term {@code second} to at most
     * {@link #SECOND_ORDER_CAP} times the largest entry of {@code lambdaSquared} over rows [from, to).
     */
    static double secondOrderShrink(double[] lambdaSquared, double[] second, int from, int to) {
        double s = 0;
        double l = 0;
        for (int i = from; i < to; i++) {
            s = Math.max(s, Math.abs(second[i]));
            l = Math.max(l, Math.abs(lambdaSquared[i]));
        }
        return s > SECOND_ORDER_CAP * l ? SECOND_ORDER_CAP * l / s : 1;
    }

    /**
     * Gondzio's centrality correction for a trial step: the complementarity products the step
     * {@code trial} along the current direction would give on the nonnegative rows, and τκ, are
     * moved into [β_min·target, β_max·target] (the large ones by at most β_max·target). Writes
     * the wanted change of each product to {@code out} and returns τκ's.
     */
    private double centralityCorrection(double trial, double target, double[] out) {
        int end = layout.zero + layout.nonneg;
        for (int i = layout.zero; i < end; i++) {
            out[i] = productCorrection((s[i] + trial * ds[i]) * (z[i] + trial * dz[i]), target);
        }
        return productCorrection((tau + trial * dTau) * (kappa + trial * dKappa), target);
    }

    /** The change that moves the product v into [β_min, β_max]·target (by at most β_max·target downwards). */
    static double productCorrection(double v, double target) {
        double low = BETA_MIN * target;
        double high = BETA_MAX * target;
        if (v < low) {
            return low - v;
        }
        if (v > high) {
            return Math.max(high - v, -high);
        }
        return 0;
    }

    /** Makes the direction in the affine arrays (a kept corrected one) the current direction. */
    private void swapDirections() {
        double[] t = dx;
        dx = dxa;
        dxa = t;
        t = dz;
        dz = dza;
        dza = t;
        t = ds;
        ds = dsa;
        dsa = t;
    }

    /** μ = (sᵀz + τκ)/(ν + 1) over the inequality rows. */
    private double complementarity() {
        double sz = 0;
        for (int i = layout.zero; i < m; i++) {
            sz += s[i] * z[i];
        }
        return (sz + tau * kappa) / (layout.degree + 1);
    }

    /** (c + 2Pξ)ᵀu + bᵀv for ξ = x/τ. */
    private double tauDirection(double[] u, double[] v, double invTau) {
        double acc = 0;
        for (int j = 0; j < n; j++) {
            acc += (data.c[j] + 2 * px[j] * invTau) * u[j];
        }
        return acc + dot(data.b, v, m);
    }

    /**
     * The Newton direction for the targets (η·r_x, η·r_z, η·r_τ, d_s, d_κ):
     * K·(x₂, z₂) = (−η·r_x, −η·r_z + Wᵀ(λ \ d_s)), Δτ from the third equation, Δx = x₂ + Δτ·x₁,
     * Δz = z₂ + Δτ·z₁, Δs = −Wᵀ(λ \ d_s + WΔz), Δκ = −(d_κ + κΔτ)/τ (Wᵀ = W but on PSD cones).
     */
    private void direction(double eta, double rTau, double[] dsT, double dKappaT, double invTau, double denom,
                           double[] outX, double[] outZ, double[] outS) {
        scaling.divideByLambda(dsT, workM);
        scaling.applyWTranspose(workM, workM2); // Wᵀ(λ \ d_s)
        for (int j = 0; j < n; j++) {
            rhsX[j] = -eta * rx[j];
        }
        for (int i = 0; i < m; i++) {
            rhsZ[i] = -eta * rz[i] + (i >= layout.zero ? workM2[i] : 0);
        }
        kkt.solve(rhsX, rhsZ, x2, z2);
        dTau = (-eta * rTau + dKappaT * invTau - tauDirection(x2, z2, invTau)) / denom;
        for (int j = 0; j < n; j++) {
            outX[j] = x2[j] + dTau * x1[j];
        }
        for (int i = 0; i < m; i++) {
            outZ[i] = z2[i] + dTau * z1[i];
        }
        // Δs = −Wᵀ(λ \ d_s) − HΔz.
        scaling.applyH(outZ, workM, false);
        for (int i = 0; i < layout.zero; i++) {
            outS[i] = 0;
        }
        for (int i = layout.zero; i < m; i++) {
            outS[i] = -workM2[i] - workM[i];
        }
        dKappa = -(dKappaT + kappa * dTau) * invTau;
    }

    /** The largest step in [0, limit] keeping s, z in the cone and τ, κ nonnegative. */
    private double maxStep(double[] dS, double[] dZ, double dT, double dK, double limit) {
        double a = limit;
        if (dT < 0) {
            a = Math.min(a, -tau / dT);
        }
        if (dK < 0) {
            a = Math.min(a, -kappa / dK);
        }
        a = scaling.maxStep(s, dS, a);
        a = scaling.maxStep(z, dZ, a);
        return a;
    }

    private static double dot(double[] u, double[] v, int len) {
        double acc = 0;
        for (int i = 0; i < len; i++) {
            acc += u[i] * v[i];
        }
        return acc;
    }

    /** Writes the unscaled result in the conventions of {@link io.convexlayers.solver.Solution}. */
    private void extract(SolverStatus status, int iters, double seconds, double setup, int k,
                         BatchSolution.Builder out) {
        ScaledSolutionWriter.write(status, iters, seconds, setup, k, out, stats, 0, tau, data.costScale, x, 0, z, 0,
                s, 0, data.d, 0, data.e, 0, 1);
        out.addLaneIterations(iters); // one instance alone: its own iterations
    }
}

