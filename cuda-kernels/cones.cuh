// Device functions shared by the cone projections (cones.cu) and their derivatives
// (cone_derivatives.cu); each has a twin of the same name in KernelTwins.
#pragma once
#include "common.cuh"

// Cyclic Jacobi eigendecomposition of the symmetric k x k matrix held in scratch entries
// [base, base + k*k) (row-major, lane l at (base + e) * lanes + l); eigenvectors are accumulated as
// the columns of the k x k matrix at base + k*k. On exit the diagonal holds the eigenvalues.
static __device__ void cl_jacobi(int k, int base, int lanes, int l, double* s) {
    int vb = base + k * k;
    for (int i = 0; i < k; i++) {
        for (int j = 0; j < k; j++) {
            s[(vb + i * k + j) * lanes + l] = i == j ? 1.0 : 0.0;
        }
    }
    for (int sweep = 0; sweep < 60; sweep++) {
        double off = 0, diag = 0;
        for (int i = 0; i < k; i++) {
            for (int j = 0; j < k; j++) {
                double a = s[(base + i * k + j) * lanes + l];
                if (i == j) {
                    diag += a * a;
                } else {
                    off += a * a;
                }
            }
        }
        if (!(off > 1e-30 * diag) || !(off > 1e-300)) {
            break;
        }
        for (int p = 0; p < k - 1; p++) {
            for (int q = p + 1; q < k; q++) {
                double apq = s[(base + p * k + q) * lanes + l];
                if (apq == 0) {
                    continue;
                }
                double app = s[(base + p * k + p) * lanes + l];
                double aqq = s[(base + q * k + q) * lanes + l];
                double theta = (aqq - app) / (2 * apq);
                double tt = (theta >= 0 ? 1.0 : -1.0) / (fabs(theta) + sqrt(theta * theta + 1));
                double c = 1 / sqrt(tt * tt + 1);
                double sn = tt * c;
                for (int r = 0; r < k; r++) {
                    double arp = s[(base + r * k + p) * lanes + l];
                    double arq = s[(base + r * k + q) * lanes + l];
                    s[(base + r * k + p) * lanes + l] = c * arp - sn * arq;
                    s[(base + r * k + q) * lanes + l] = sn * arp + c * arq;
                }
                for (int r = 0; r < k; r++) {
                    double apr = s[(base + p * k + r) * lanes + l];
                    double aqr = s[(base + q * k + r) * lanes + l];
                    s[(base + p * k + r) * lanes + l] = c * apr - sn * aqr;
                    s[(base + q * k + r) * lanes + l] = sn * apr + c * aqr;
                }
                s[(base + p * k + q) * lanes + l] = 0;
                s[(base + q * k + p) * lanes + l] = 0;
                for (int r = 0; r < k; r++) {
                    double vrp = s[(vb + r * k + p) * lanes + l];
                    double vrq = s[(vb + r * k + q) * lanes + l];
                    s[(vb + r * k + p) * lanes + l] = c * vrp - sn * vrq;
                    s[(vb + r * k + q) * lanes + l] = sn * vrp + c * vrq;
                }
            }
        }
    }
}

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

// h(rho) of Friberg (2021), scaled by exp(-|rho|) to stay finite; same sign as h.
static __device__ double cl_exp_h(double rho, double r0, double s0, double t0) {
    double q = rho * rho - rho + 1;
    double a = (rho - 1) * r0 + s0;
    double b = r0 - rho * s0;
    if (rho >= 0) {
        return a - b * exp(-2 * rho) - q * t0 * exp(-rho);
    }
    return a * exp(2 * rho) - b - q * t0 * exp(rho);
}

// Squared distance from (r0, s0, t0) to (r, s, t).
static __device__ double cl_dist2(double r0, double s0, double t0, double r, double s, double t) {
    return (r - r0) * (r - r0) + (s - s0) * (s - s0) + (t - t0) * (t - t0);
}

// Projection of (r0, s0, t0) onto K_exp = cl{(r, s, t): s exp(r/s) <= t, s > 0}.
static __device__ void cl_proj_exp_primal(double r0, double s0, double t0, double* out) {
    if ((s0 > 0 && s0 * exp(r0 / s0) <= t0) || (r0 <= 0 && s0 == 0 && t0 >= 0)) {
        out[0] = r0; out[1] = s0; out[2] = t0;
        return;
    }
    if ((r0 > 0 && r0 * exp(s0 / r0) <= -2.71828182845904523536 * t0) || (r0 == 0 && s0 <= 0 && t0 <= 0)) {
        out[0] = 0; out[1] = 0; out[2] = 0;
        return;
    }
    // The face {r <= 0, s = 0, t >= 0}: exact when r0, s0 <= 0, a safeguard candidate otherwise.
    double fr = cl_min(r0, 0.0), ft = cl_max(t0, 0.0);
    if (r0 <= 0 && s0 <= 0) {
        out[0] = fr; out[1] = 0; out[2] = ft;
        return;
    }
    // Bracket of the root of h from the signs of (rho - 1) r0 + s0 > 0 and r0 - rho s0 > 0.
    double lo, hi;
    if (r0 > 0 && s0 > 0) {
        lo = 1 - s0 / r0;
        hi = r0 / s0;
    } else if (r0 > 0) {
        lo = 1 - s0 / r0;
        hi = lo + 1;
        for (int it = 0; it < 64 && cl_exp_h(hi, r0, s0, t0) < 0; it++) {
            hi = lo + 2 * (hi - lo);
        }
    } else {
        hi = r0 / s0;
        lo = hi - 1;
        for (int it = 0; it < 64 && cl_exp_h(lo, r0, s0, t0) > 0; it++) {
            lo = hi - 2 * (hi - lo);
        }
    }
    for (int it = 0; it < 200; it++) {
        double mid = 0.5 * (lo + hi);
        if (!(mid > lo && mid < hi)) {
            break;
        }
        if (cl_exp_h(mid, r0, s0, t0) < 0) {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    double rho = 0.5 * (lo + hi);
    double er = exp(rho);
    double dot = r0 * rho + s0 + t0 * er;
    double nd = rho * rho + 1 + er * er;
    double sc = cl_max(dot, 0.0) / nd;
    double pr = sc * rho, ps = sc, pt = sc * er;
    double best = cl_dist2(r0, s0, t0, pr, ps, pt);
    out[0] = pr; out[1] = ps; out[2] = pt;
    double dFace = cl_dist2(r0, s0, t0, fr, 0, ft);
    if (!(best <= dFace)) {
        best = dFace;
        out[0] = fr; out[1] = 0; out[2] = ft;
    }
    if (!(best <= cl_dist2(r0, s0, t0, 0, 0, 0))) {
        out[0] = 0; out[1] = 0; out[2] = 0;
    }
}

// Projection of (x0, y0, z0) onto the power cone {x^a y^(1-a) >= |z|, x, y >= 0}, 0 < a < 1:
// bisection on r = |z| of the projection (x(r), y(r) from the optimality conditions).
static __device__ void cl_proj_pow_primal(double x0, double y0, double z0, double a, double* out) {
    double az = fabs(z0);
    if (x0 >= 0 && y0 >= 0 && pow(x0, a) * pow(y0, 1 - a) >= az) {
        out[0] = x0; out[1] = y0; out[2] = z0;
        return;
    }
    if (x0 <= 0 && y0 <= 0 && pow(-x0 / a, a) * pow(-y0 / (1 - a), 1 - a) >= az) {
        out[0] = 0; out[1] = 0; out[2] = 0;
        return;
    }
    double lo = 0, hi = az;
    double xr = cl_max(x0, 0.0), yr = cl_max(y0, 0.0);
    for (int it = 0; it < 200; it++) {
        double r = 0.5 * (lo + hi);
        if (!(r > lo && r < hi)) {
            break;
        }
        double g = r * (az - r);
        xr = 0.5 * (x0 + sqrt(x0 * x0 + 4 * a * g));
        yr = 0.5 * (y0 + sqrt(y0 * y0 + 4 * (1 - a) * g));
        if (pow(xr, a) * pow(yr, 1 - a) - r > 0) {
            lo = r;
        } else {
            hi = r;
        }
    }
    double r = 0.5 * (lo + hi);
    double g = r * (az - r);
    out[0] = 0.5 * (x0 + sqrt(x0 * x0 + 4 * a * g));
    out[1] = 0.5 * (y0 + sqrt(y0 * y0 + 4 * (1 - a) * g));
    out[2] = z0 >= 0 ? r : -r;
}
