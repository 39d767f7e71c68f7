// Device functions shared by the cone projections (cones.cu) and their derivatives
// (cone_derivatives.cu). The exponential cone and the eigendecomposition are ports of the CPU's
// ExpCone and SymmetricEigen, step for step, so that both backends run one algorithm per cone.
#pragma once
#include "common.cuh"

// Scratch entries of cl_sym_eigen for one symmetric matrix of order k (two k x k blocks, then the
// vectors d, e, v, w of the tridiagonal QR).
#define CL_EIGEN_SCRATCH(k) (2 * (k) * (k) + 4 * (k))

// Eigendecomposition of the symmetric k x k matrix held in scratch entries [base, base + k*k)
// (row-major, lane l at (base + e) * lanes + l; only the lower triangle is read), the algorithm of
// the CPU's SymmetricEigen step for step: scaling by a power of two near the largest entry,
// Householder tridiagonalization, implicit symmetric QR with Wilkinson shifts, ascending sort. On
// exit the diagonal of the first block holds the eigenvalues (ascending) and the second block (from
// base + k*k) the eigenvectors as columns; CL_EIGEN_SCRATCH(k) entries from base are used.
#define CL_S(e) s[(size_t)(e) * lanes + l]
static __device__ double cl_hypot2(double x, double y) {
    double ax = fabs(x), ay = fabs(y);
    double big = cl_max(ax, ay);
    if (big == 0.0) {
        return 0.0;
    }
    double small = cl_min(ax, ay) / big;
    return big * sqrt(1.0 + small * small);
}

// Java's Math.getExponent for a finite x: the unbiased exponent, -1023 below the normal range.
static __device__ int cl_get_exponent(double x) {
    if (fabs(x) < 2.2250738585072014e-308) {
        return -1023;
    }
    int ex;
    frexp(x, &ex);
    return ex - 1;
}

// The power of two 2^floor(log2 big) (Java's Math.scalb(1.0, Math.getExponent(big))), big > 0 finite.
static __device__ double cl_pow2_floor(double big) {
    return ldexp(1.0, cl_get_exponent(big));
}

static __device__ int cl_eig_negligible(double off, double a, double b) {
    return fabs(off) <= 2.220446049250313e-16 * (fabs(a) + fabs(b)) || fabs(off) < 2.2250738585072014e-308;
}

static __device__ void cl_sym_eigen(int k, int base, int lanes, int l, double* s) {
    const int tb = base, zb = base + k * k, vb = zb + k * k, wb = vb + k, db = wb + k, eb = db + k;
    double big = 0.0;
    for (int i = 0; i < k; i++) {
        for (int j = 0; j <= i; j++) {
            big = cl_max(big, fabs(CL_S(tb + i * k + j)));
        }
    }
    for (int i = 0; i < k; i++) {
        for (int j = 0; j < k; j++) {
            CL_S(zb + i * k + j) = i == j ? 1.0 : 0.0;
        }
    }
    if (big == 0.0 || !isfinite(big)) {
        for (int i = 0; i < k; i++) {
            CL_S(tb + i * k + i) = big == 0.0 ? 0.0 : CUDART_NAN_CL;
        }
        return;
    }
    double scale = cl_pow2_floor(big);
    double inv = 1.0 / scale;
    for (int i = 0; i < k; i++) {
        for (int j = 0; j <= i; j++) {
            double x = CL_S(tb + i * k + j) * inv;
            CL_S(tb + i * k + j) = x;
            CL_S(tb + j * k + i) = x;
        }
    }
    // T = H A H with H = H_0 ... H_{k-3}; the rows of Z accumulate H.
    for (int j = 0; j < k - 2; j++) {
        double tail = 0.0;
        for (int i = j + 2; i < k; i++) {
            double x = CL_S(tb + i * k + j);
            tail += x * x;
        }
        if (tail == 0.0) {
            continue;
        }
        double x0 = CL_S(tb + (j + 1) * k + j);
        double alpha = sqrt(x0 * x0 + tail);
        if (x0 > 0) {
            alpha = -alpha;
        }
        CL_S(vb + j + 1) = x0 - alpha;
        for (int i = j + 2; i < k; i++) {
            CL_S(vb + i) = CL_S(tb + i * k + j);
        }
        double beta = 1.0 / (alpha * (alpha - x0));
        double pv = 0.0;
        for (int i = j + 1; i < k; i++) {
            double acc = 0.0;
            for (int c = j + 1; c < k; c++) {
                acc += CL_S(tb + i * k + c) * CL_S(vb + c);
            }
            CL_S(wb + i) = beta * acc;
            pv += CL_S(wb + i) * CL_S(vb + i);
        }
        double half = 0.5 * beta * pv;
        for (int i = j + 1; i < k; i++) {
            CL_S(wb + i) -= half * CL_S(vb + i);
        }
        for (int i = j + 1; i < k; i++) {
            double vi = CL_S(vb + i), wi = CL_S(wb + i);
            for (int c = j + 1; c < k; c++) {
                CL_S(tb + i * k + c) -= vi * CL_S(wb + c) + wi * CL_S(vb + c);
            }
        }
        CL_S(tb + (j + 1) * k + j) = alpha;
        CL_S(tb + j * k + j + 1) = alpha;
        for (int i = j + 2; i < k; i++) {
            CL_S(tb + i * k + j) = 0.0;
            CL_S(tb + j * k + i) = 0.0;
        }
        for (int c = 0; c < k; c++) {
            CL_S(wb + c) = 0.0;
        }
        for (int i = j + 1; i < k; i++) {
            double vi = CL_S(vb + i);
            for (int c = 0; c < k; c++) {
                CL_S(wb + c) += vi * CL_S(zb + i * k + c);
            }
        }
        for (int i = j + 1; i < k; i++) {
            double f = beta * CL_S(vb + i);
            for (int c = 0; c < k; c++) {
                CL_S(zb + i * k + c) -= f * CL_S(wb + c);
            }
        }
    }
    for (int i = 0; i < k; i++) {
        CL_S(db + i) = CL_S(tb + i * k + i);
        CL_S(eb + i) = i + 1 < k ? CL_S(tb + (i + 1) * k + i) : 0.0;
    }
    // Implicit symmetric QR with Wilkinson shifts on (d, e); rotations accumulate into rows of Z.
    int hi = k - 1;
    int budget = 60 * k;
    while (hi > 0) {
        if (cl_eig_negligible(CL_S(eb + hi - 1), CL_S(db + hi - 1), CL_S(db + hi))) {
            CL_S(eb + hi - 1) = 0.0;
            hi--;
            continue;
        }
        int lo = hi - 1;
        while (lo > 0 && !cl_eig_negligible(CL_S(eb + lo - 1), CL_S(db + lo - 1), CL_S(db + lo))) {
            lo--;
        }
        if (lo > 0) {
            CL_S(eb + lo - 1) = 0.0;
        }
        if (budget-- <= 0) {
            CL_S(eb + hi - 1) = 0.0;   // give up on this value: never loop forever
            hi--;
            continue;
        }
        double dd = 0.5 * (CL_S(db + hi - 1) - CL_S(db + hi));
        double ee = CL_S(eb + hi - 1);
        double root = cl_hypot2(dd, ee);
        double mu = CL_S(db + hi) - ee * ee / (dd >= 0 ? dd + root : dd - root);
        double x = CL_S(db + lo) - mu;
        double y = CL_S(eb + lo);
        for (int m = lo; m < hi; m++) {
            double r = cl_hypot2(x, y);
            double c, sn;
            if (r == 0.0) {
                c = 1.0;
                sn = 0.0;
            } else {
                c = x / r;
                sn = y / r;
            }
            if (m > lo) {
                CL_S(eb + m - 1) = r;
            }
            double a = CL_S(db + m), b = CL_S(eb + m), cc = CL_S(db + m + 1);
            double cs2b = 2.0 * c * sn * b;
            CL_S(db + m) = c * c * a + cs2b + sn * sn * cc;
            CL_S(db + m + 1) = sn * sn * a - cs2b + c * c * cc;
            CL_S(eb + m) = (c - sn) * (c + sn) * b + c * sn * (cc - a);
            if (m < hi - 1) {
                double f = CL_S(eb + m + 1);
                x = CL_S(eb + m);
                y = sn * f;
                CL_S(eb + m + 1) = c * f;
            }
            for (int col = 0; col < k; col++) {
                double z0 = CL_S(zb + m * k + col), z1 = CL_S(zb + (m + 1) * k + col);
                CL_S(zb + m * k + col) = c * z0 + sn * z1;
                CL_S(zb + (m + 1) * k + col) = c * z1 - sn * z0;
            }
        }
    }
    for (int i = 0; i < k - 1; i++) {
        int best = i;
        for (int j = i + 1; j < k; j++) {
            if (CL_S(db + j) < CL_S(db + best)) {
                best = j;
            }
        }
        if (best != i) {
            double tmp = CL_S(db + i);
            CL_S(db + i) = CL_S(db + best);
            CL_S(db + best) = tmp;
            for (int c = 0; c < k; c++) {
                double zt = CL_S(zb + i * k + c);
                CL_S(zb + i * k + c) = CL_S(zb + best * k + c);
                CL_S(zb + best * k + c) = zt;
            }
        }
    }
    // eigenvalues onto the diagonal, eigenvector rows of Z turned into columns
    for (int i = 0; i < k; i++) {
        CL_S(tb + i * k + i) = CL_S(db + i) * scale;
        for (int j = i + 1; j < k; j++) {
            double zt = CL_S(zb + i * k + j);
            CL_S(zb + i * k + j) = CL_S(zb + j * k + i);
            CL_S(zb + j * k + i) = zt;
        }
    }
}
#undef CL_S

// Unpacks the svec of order k at row r0 into the scratch matrix at base (off-diagonals / sqrt 2).
static __device__ void cl_svec_unpack(int k, int r0, int base, int lanes, int l, const double* v, double* s) {
    const double invSqrt2 = 0.70710678118654752440;
    int idx = r0;
    for (int j = 0; j < k; j++) {
        for (int i = j; i < k; i++) {
            double x = v[idx * lanes + l];
            idx++;
            if (i == j) {
                s[(base + i * k + i) * lanes + l] = x;
            } else {
                s[(base + i * k + j) * lanes + l] = x * invSqrt2;
                s[(base + j * k + i) * lanes + l] = x * invSqrt2;
            }
        }
    }
}

// The exponential cone: the CPU's ExpCone algorithm step for step (Friberg 2021's root search on
// rho with the bracket of ExpCone.solveRho, safeguarded Newton, the two heuristic points, the
// scaling by a power of two). Names and comments follow ExpCone's; see there for the derivations.
#define CL_EXP_RHO_LIMIT 800.0
#define CL_EXP_MAX_ITERATIONS 200
#define CL_EXP_RHO_TOL (2.0 * 2.220446049250313e-16)
#define CL_EXP_DIST_SLACK 1e-12
#define CL_EXP_ROOT 0
#define CL_EXP_RAISED 1
#define CL_EXP_FACE 2

static __device__ double cl_sq(double x) {
    return x * x;
}

static __device__ int cl_exp_in_cone(double x, double y, double z) {
    if (y > 0) {
        return y * exp(x / y) <= z;
    }
    return y == 0 && x <= 0 && z >= 0;
}

// v in the polar cone -K_exp*.
static __device__ int cl_exp_in_polar(double x, double y, double z) {
    if (x > 0) {
        return x * exp(y / x - 1.0) <= -z;
    }
    return x == 0 && y <= 0 && z <= 0;
}

// h(rho), written so that an overflowing exponential never meets a zero factor.
static __device__ double cl_exp_h(double r0, double s0, double t0, double rho, double ep, double em) {
    double l1 = (rho - 1.0) * r0 + s0;
    double l2 = r0 - rho * s0;
    double termP = l1 == 0 ? 0.0 : l1 * ep;
    double termD = l2 == 0 ? 0.0 : l2 * em;
    return termP - termD - (rho * rho - rho + 1.0) * t0;
}

static __device__ double cl_exp_h_at(double r0, double s0, double t0, double rho) {
    return cl_exp_h(r0, s0, t0, rho, exp(rho), exp(-rho));
}

static __device__ double cl_exp_max_a(double r0, double s0) {
    double root = sqrt(r0 * r0 - r0 * s0 + s0 * s0);
    double psi = r0 > s0 ? (r0 - s0 + root) / r0 : -s0 / (r0 - s0 - root);
    return ((psi - 1.0) * r0 + s0) / (psi * psi - psi + 1.0);
}

static __device__ double cl_exp_max_b(double r0, double s0) {
    double root = sqrt(r0 * r0 - r0 * s0 + s0 * s0);
    double psi = s0 > r0 ? (r0 - root) / s0 : (r0 - s0) / (r0 + root);
    return (r0 - psi * s0) / (psi * psi - psi + 1.0);
}

static __device__ double cl_exp_min_omega(double from) {
    double w = exp(from) / (from * from - from + 1.0);
    return from < 2.0 ? cl_min(w, exp(2.0) / 3.0) : w;
}

static __device__ double cl_exp_min_omega_dual(double to) {
    double w = exp(-to) / (to * to - to + 1.0);
    return to > -1.0 ? cl_min(w, 2.71828182845904523536 / 3.0) : w;
}

// Safeguarded Newton on h over (lo, hi) with h(lo) < 0 < h(hi).
static __device__ double cl_exp_newton_bisect(double r0, double s0, double t0, double lo, double hi) {
    double rho = 0.5 * (lo + hi);
    double step = hi - lo;
    double stepOld = step;
    for (int it = 0; it < CL_EXP_MAX_ITERATIONS; it++) {
        double ep = exp(rho);
        double em = exp(-rho);
        double f = cl_exp_h(r0, s0, t0, rho, ep, em);
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
        if (fabs(newton) <= CL_EXP_RHO_TOL * cl_max(1.0, fabs(rho))) {
            return next;
        }
        if (next > lo && next < hi && 2.0 * fabs(newton) <= fabs(stepOld)) {
            stepOld = step;
            step = newton;
        } else {
            stepOld = step;
            step = 0.5 * (hi - lo);
            next = lo + step;
        }
        if (fabs(next - rho) <= CL_EXP_RHO_TOL * cl_max(1.0, fabs(rho)) || next <= lo || next >= hi) {
            return next;
        }
        rho = next;
    }
    return rho;
}

// Fallback bracket: a doubling search from the finite end of (lo, hi).
static __device__ double cl_exp_wide_search(double r0, double s0, double t0, double lo, double hi) {
    int loKnown = lo >= -CL_EXP_RHO_LIMIT;
    int hiKnown = hi <= CL_EXP_RHO_LIMIT;
    if (!loKnown) {
        double step = 1.0;
        while (1) {
            double rho = cl_max(hi - step, -CL_EXP_RHO_LIMIT);
            double f = cl_exp_h_at(r0, s0, t0, rho);
            if (f < 0) {
                lo = rho;
                break;
            }
            if (f == 0) {
                return rho;
            }
            hi = rho;
            if (rho <= -CL_EXP_RHO_LIMIT) {
                return CUDART_NAN_CL;
            }
            step *= 2.0;
        }
    } else if (!hiKnown) {
        double step = 1.0;
        while (1) {
            double rho = cl_min(lo + step, CL_EXP_RHO_LIMIT);
            double f = cl_exp_h_at(r0, s0, t0, rho);
            if (f > 0) {
                hi = rho;
                break;
            }
            if (f == 0) {
                return rho;
            }
            lo = rho;
            if (rho >= CL_EXP_RHO_LIMIT) {
                return CUDART_NAN_CL;
            }
            step *= 2.0;
        }
    }
    return cl_exp_newton_bisect(r0, s0, t0, lo, hi);
}

// The root of h on the interval where a, b > 0, or NaN when it lies beyond +-CL_EXP_RHO_LIMIT.
static __device__ double cl_exp_solve_rho(double r0, double s0, double t0, double distK, double distPolar) {
    const double inf = CL_INF;
    double baseLo = r0 > 0 ? 1.0 - s0 / r0 : -inf;
    double baseHi = s0 > 0 ? r0 / s0 : inf;
    if (!(baseLo < CL_EXP_RHO_LIMIT && baseHi > -CL_EXP_RHO_LIMIT && baseLo < baseHi)) {
        return CUDART_NAN_CL;
    }
    double lo = -inf;
    double hi = inf;
    if (t0 > 0) {
        lo = log(t0 / cl_exp_max_a(r0, s0));
    }
    if (t0 < 0) {
        hi = -log(-t0 / cl_exp_max_b(r0, s0));
    }
    if (r0 > 0) {
        lo = cl_max(lo, baseLo);
        double tp = cl_max(1e-12, cl_min(distPolar, distK + t0));
        hi = cl_min(hi, cl_max(lo, baseLo + tp / (r0 * cl_exp_min_omega(lo))));
    }
    if (s0 > 0) {
        hi = cl_min(hi, baseHi);
        double td = cl_max(1e-12, cl_min(distK, distPolar - t0));
        lo = cl_max(lo, cl_min(hi, baseHi - td / (s0 * cl_exp_min_omega_dual(hi))));
    }
    lo = cl_max(lo, baseLo);
    hi = cl_min(hi, baseHi);
    if (lo < hi && lo > -CL_EXP_RHO_LIMIT && hi < CL_EXP_RHO_LIMIT) {
        double flo = lo == baseLo ? -1.0 : cl_exp_h_at(r0, s0, t0, lo);
        double fhi = hi == baseHi ? 1.0 : cl_exp_h_at(r0, s0, t0, hi);
        if (flo == 0) {
            return lo;
        }
        if (fhi == 0) {
            return hi;
        }
        if (flo < 0 && fhi > 0) {
            return cl_exp_newton_bisect(r0, s0, t0, lo, hi);
        }
    }
    return cl_exp_wide_search(r0, s0, t0, baseLo, baseHi);
}

// The generic case on the scaled point (r0, s0, t0), r0 > 0 or s0 > 0: writes the projection times
// scale to out and returns which point won (root, z raised onto the boundary, or the face y = 0);
// info (may be null) receives (rho, a, b) of the boundary point.
static __device__ int cl_exp_project_curved(double r0, double s0, double t0, double scale, double* out,
                                            double* info) {
    int winner = CL_EXP_FACE;
    double bx = cl_min(r0, 0.0);
    double by = 0.0;
    double bz = cl_max(t0, 0.0);
    double best = cl_sq(r0 - bx) + s0 * s0 + cl_sq(t0 - bz);
    if (s0 > 0) {
        double tz = cl_max(t0, s0 * exp(r0 / s0));
        double dist = cl_sq(tz - t0);
        if (dist <= best) {
            bx = r0;
            by = s0;
            bz = tz;
            best = dist;
            winner = CL_EXP_RAISED;
        }
    }
    double polar = r0 * r0 + cl_sq(cl_max(s0, 0.0)) + cl_sq(cl_max(t0, 0.0));
    if (r0 > 0) {
        double td = cl_min(t0, -r0 * exp(s0 / r0 - 1.0));
        polar = cl_min(polar, cl_sq(t0 - td));
    }
    double rho = cl_exp_solve_rho(r0, s0, t0, sqrt(best), sqrt(polar));
    if (isfinite(rho)) {
        double q = rho * rho - rho + 1.0;
        double l1 = (rho - 1.0) * r0 + s0;
        double l2 = r0 - rho * s0;
        double a = l1 / q;
        double b = l2 / q;
        double ep = exp(rho);
        double em = exp(-rho);
        double errA = fabs(r0) * sqrt(rho * rho + 1.0 + ep * ep) / q + a * sqrt(1.0 + ep * ep);
        double errB = fabs(s0) * sqrt(1.0 + cl_sq(1.0 - rho) + em * em) / q + b * sqrt(1.0 + em * em);
        double px, py, pz;
        int ok = 1;
        if (a > 0 && (errA <= errB || !(b > 0))) {
            px = a * rho;
            py = a;
            pz = exp(rho + log(a));
        } else if (b > 0) {
            px = r0 - b;
            py = s0 - b * (1.0 - rho);
            pz = t0 + exp(log(b) - rho);
        } else {
            px = py = pz = 0.0;
            ok = 0;
        }
        double dist = cl_sq(px - r0) + cl_sq(py - s0) + cl_sq(pz - t0);
        if (ok && dist <= best + CL_EXP_DIST_SLACK * (r0 * r0 + s0 * s0 + t0 * t0)) {
            bx = px;
            by = py;
            bz = pz;
            winner = CL_EXP_ROOT;
            if (info != 0) {
                info[0] = rho;
                info[1] = cl_max(a, 0.0);
                info[2] = cl_max(b, 0.0);
            }
        }
    }
    if (winner == CL_EXP_RAISED && info != 0) {
        info[0] = r0 / s0;
        info[1] = s0;
        info[2] = 0.0;
    }
    out[0] = bx * scale;
    out[1] = by * scale;
    out[2] = bz * scale;
    return winner;
}

// Projection of (x, y, z) onto K_exp = cl{(x, y, z): y exp(x/y) <= z, y > 0}; NaN for a non-finite
// input (no projection exists there, and the root search must not run on infinities).
static __device__ void cl_proj_exp_primal(double x, double y, double z, double* out) {
    if (!(isfinite(x) && isfinite(y) && isfinite(z))) {
        out[0] = out[1] = out[2] = CUDART_NAN_CL;
        return;
    }
    if (cl_exp_in_cone(x, y, z)) {
        out[0] = x; out[1] = y; out[2] = z;
        return;
    }
    if (cl_exp_in_polar(x, y, z)) {
        out[0] = 0.0; out[1] = 0.0; out[2] = 0.0;
        return;
    }
    if (x <= 0 && y <= 0) {
        out[0] = x; out[1] = 0.0; out[2] = cl_max(z, 0.0);
        return;
    }
    double big = cl_max(fabs(x), cl_max(fabs(y), fabs(z)));
    double scale = cl_pow2_floor(big);
    double inv = 1.0 / scale;
    cl_exp_project_curved(x * inv, y * inv, z * inv, scale, out, 0);
}

// The power cone K_a = {x^a y^(1-a) >= |z|, x, y >= 0}, 0 < a < 1: the CPU's PowerCone algorithm
// step for step (Hien 2015's equation for r = |Pi_z| solved in logarithmic form for the smaller of r
// and mu = |z0| - r, Newton on u = ln t safeguarded by bisection, coordinates from ratios without
// cancellation). Names follow PowerCone's; see there for the derivations.
#define CL_POW_MAX_ITERATIONS 200
#define CL_POW_U_TOL (4.0 * 2.220446049250313e-16)
#define CL_LN2 0.69314718055994530942
#define CL_POW_LOG_RANGE 1500.0
#define CL_POW_TINY 1e-290

static __device__ int cl_pow_in_cone(double x, double y, double z, double a) {
    if (x < 0 || y < 0) {
        return 0;
    }
    if (z == 0) {
        return 1;
    }
    if (x == 0 || y == 0) {
        return 0;
    }
    return a * log(x) + (1.0 - a) * log(y) >= log(fabs(z));
}

static __device__ double cl_pow_root(double c, double s) {
    double a = fabs(c);
    return a > 1e-150 || s > 1e-150 ? sqrt(c * c + s * s) : hypot(c, s);
}

// ln x, finite even when x underflows; sqrtW = sqrt(4w), lnW = ln(4w).
static __device__ double cl_pow_log_coordinate(double c, double sqrtW, double lnW, double sqrtM, double lnM) {
    if (c > 0) {
        return log(0.5 * (c + cl_pow_root(c, sqrtW * sqrtM)));
    }
    double lnS = 0.5 * (lnW + lnM);
    if (c == 0) {
        return lnS - CL_LN2;
    }
    return 2.0 * lnS - CL_LN2 - log(cl_pow_root(c, sqrtW * sqrtM) - c);
}

// m d(ln x)/dm in [0, 1].
static __device__ double cl_pow_elasticity(double c, double sqrtW, double sqrtM) {
    if (c == 0) {
        return 0.5;
    }
    double s = sqrtW * sqrtM;
    double root = cl_pow_root(c, s);
    return c > 0 ? 0.5 * (s / root) * (s / (root + c)) : (root - c) / (2.0 * root);
}

// x * scale, through logarithms when x itself is below the normal range.
static __device__ double cl_pow_coordinate(double c, double w, double lnM, double scale, double lnScale) {
    double sqrtW = sqrt(4.0 * w);
    double sqrtM = exp(0.5 * lnM);
    double s = sqrtW * sqrtM;
    double root = cl_pow_root(c, s);
    double x = c > 0 ? 0.5 * (c + root) : 0.5 * s * (s / (root - c));
    if (x > CL_POW_TINY) {
        return x * scale;
    }
    return exp(cl_pow_log_coordinate(c, sqrtW, log(4.0 * w), sqrtM, lnM) + lnScale);
}

// F = a ln x(r) + (1-a) ln y(r) - ln r, which has the sign of Phi.
static __device__ double cl_pow_log_residual(double x0, double y0, double a, double lnR, double lnMu) {
    double lnM = lnR + lnMu;
    double sqrtM = exp(0.5 * lnM);
    double beta = 1.0 - a;
    return a * cl_pow_log_coordinate(x0, sqrt(4.0 * a), log(4.0 * a), sqrtM, lnM)
            + beta * cl_pow_log_coordinate(y0, sqrt(4.0 * beta), log(4.0 * beta), sqrtM, lnM) - lnR;
}

// ln t for the root t in (0, |z0|/2] (t = r when smallR, else t = mu).
static __device__ double cl_pow_solve_log_smaller(double x0, double y0, double absz, double a, int smallR) {
    double beta = 1.0 - a;
    double sqrtA = sqrt(4.0 * a);
    double sqrtB = sqrt(4.0 * beta);
    double lnA = log(4.0 * a);
    double lnB = log(4.0 * beta);
    double sign = smallR ? 1.0 : -1.0;
    double top = log(absz) - CL_LN2;
    double hi = top;
    double lo = hi - CL_POW_LOG_RANGE;
    int loSeen = 0;
    double u = hi - CL_LN2;
    double reach = CL_LN2;
    double previous = CL_INF;
    for (int it = 0; it < CL_POW_MAX_ITERATIONS; it++) {
        double t = exp(u);
        double other = absz - t;
        double lnOther = log(other);
        double r = smallR ? t : other;
        double mu = smallR ? other : t;
        double lnR = smallR ? u : lnOther;
        double lnM = lnR + (smallR ? lnOther : u);
        double sqrtM = exp(0.5 * lnM);
        double ax = a * cl_pow_log_coordinate(x0, sqrtA, lnA, sqrtM, lnM);
        double by = beta * cl_pow_log_coordinate(y0, sqrtB, lnB, sqrtM, lnM);
        double f = ax + by - lnR;
        double g = sign * f;
        if (g == 0) {
            return u;
        }
        if (g > 0) {
            lo = u;
            loSeen = 1;
        } else if (u <= lo) {
            return u;
        } else {
            hi = u;
        }
        double elastic = a * cl_pow_elasticity(x0, sqrtA, sqrtM) + beta * cl_pow_elasticity(y0, sqrtB, sqrtM);
        double dfdu = smallR ? elastic * (mu - r) / mu - 1.0 : elastic * (r - mu) / r + mu / r;
        double newton = f / dfdu;
        double next = u - newton;
        double noise = 4.0 * 2.220446049250313e-16 * (fabs(ax) + fabs(by) + fabs(lnR) + 1.0);
        if (fabs(newton) <= CL_POW_U_TOL || fabs(f) <= noise) {
            return cl_min(next, top);
        }
        if (!(next > lo && next < hi && fabs(g) <= 0.9 * previous)) {
            if (loSeen) {
                next = 0.5 * (lo + hi);
            } else {
                reach *= 2.0;
                next = cl_max(hi - reach, lo);
            }
        }
        previous = fabs(g);
        if (next >= hi || (next <= lo && loSeen)) {
            return next;
        }
        reach = cl_max(reach, hi - next);
        u = next;
    }
    return u;
}

// Projection of (x, y, z) onto K_a into out.
static __device__ void cl_proj_pow_primal(double x, double y, double z, double a, double* out) {
    if (cl_pow_in_cone(x, y, z, a)) {
        out[0] = x; out[1] = y; out[2] = z;
        return;
    }
    if (cl_pow_in_cone(-x / a, -y / (1.0 - a), -z, a)) {
        out[0] = 0.0; out[1] = 0.0; out[2] = 0.0;
        return;
    }
    if (z == 0) {
        out[0] = cl_max(x, 0.0); out[1] = cl_max(y, 0.0); out[2] = z;
        return;
    }
    int exponent = cl_get_exponent(cl_max(fabs(x), cl_max(fabs(y), fabs(z))));
    double scale = ldexp(1.0, exponent);
    double lnScale = exponent * CL_LN2;
    double x0 = x / scale;
    double y0 = y / scale;
    double absz = fabs(z) / scale;
    double half = 0.5 * absz;
    double lnHalf = log(half);
    int smallR = cl_pow_log_residual(x0, y0, a, lnHalf, lnHalf) <= 0;
    double lnT = cl_pow_solve_log_smaller(x0, y0, absz, a, smallR);
    double t = exp(lnT);
    double r = smallR ? t : absz - t;
    double lnR = smallR ? lnT : log(r);
    double lnMu = smallR ? log(absz - t) : lnT;
    out[0] = cl_pow_coordinate(x0, a, lnR + lnMu, scale, lnScale);
    out[1] = cl_pow_coordinate(y0, 1.0 - a, lnR + lnMu, scale, lnScale);
    out[2] = copysign(r, z) * scale;
}
