// Derivatives of the cone projections (DESIGN §5), the DΠ products of the derivative's LSQR. A
// linearization at a point v is computed once (eigendecompositions, 3x3 Jacobians of the triples)
// and then applied to many directions. Pointers point at the first row of the cone family they serve.
#include "cones.cuh"

// out = DΠ_+(v) d on nonnegative rows: d where v > 0, d/2 where v = 0, 0 where v < 0.
CL_KERNEL cl_dproj_nonneg(int total, const double* v, const double* d, double* out) {
    CL_FOR(t, total) {
        double x = v[t];
        out[t] = x > 0 ? d[t] : (x == 0 ? 0.5 * d[t] : 0.0);
    }
}

// Second-order cones at the point v: I inside, 0 in the polar, otherwise
// DΠ(t, z)(dt, dz) = (1/(2n)) (n dt + z.dz, z dt + (t + n) dz - t z (z.dz)/n^2), n = ||z||.
// One thread per (cone, lane); d and out do not overlap.
CL_KERNEL cl_dproj_soc(int total, int lanes, const int* start, const int* size, const double* v,
                       const double* d, double* out) {
    CL_FOR(w, total) {
        int c = w / lanes;
        int l = w % lanes;
        int r0 = start[c];
        int q = size[c];
        double t = v[r0 * lanes + l];
        double n2 = 0, zd = 0;
        for (int i = 1; i < q; i++) {
            double z = v[(r0 + i) * lanes + l];
            n2 += z * z;
            zd += z * d[(r0 + i) * lanes + l];
        }
        double n = sqrt(n2);
        if (n <= t) {
            for (int i = 0; i < q; i++) {
                out[(r0 + i) * lanes + l] = d[(r0 + i) * lanes + l];
            }
            continue;
        }
        if (n <= -t) {
            for (int i = 0; i < q; i++) {
                out[(r0 + i) * lanes + l] = 0;
            }
            continue;
        }
        double dt = d[r0 * lanes + l];
        double h = 0.5 / n;
        out[r0 * lanes + l] = h * (n * dt + zd);
        for (int i = 1; i < q; i++) {
            double z = v[(r0 + i) * lanes + l];
            out[(r0 + i) * lanes + l] = h * (z * dt + (t + n) * d[(r0 + i) * lanes + l] - t * z * zd / n2);
        }
    }
}

// PSD linearization: the eigendecomposition of mat(v) of every cone, 2 k^2 entries per cone from
// linStart[c] (the diagonal of the first k x k block holds the eigenvalues, the second block the
// eigenvectors as columns). One thread per (cone, lane).
CL_KERNEL cl_psd_linearize(int total, int lanes, const int* start, const int* order, const int* linStart,
                           double* lin, const double* v) {
    CL_FOR(w, total) {
        int c = w / lanes;
        int l = w % lanes;
        int k = order[c];
        int base = linStart[c];
        cl_svec_unpack(k, start[c], base, lanes, l, v, lin);
        cl_jacobi(k, base, lanes, l, lin);
    }
}

// PSD directional derivative out = svec(Q (B o (Q^T dX Q)) Q^T), dX = mat(d), with B_ij = 1 when
// lambda_i, lambda_j >= 0, 0 when both < 0, else max(lambda)/(|lambda_i| + |lambda_j|). tmp holds
// 2 k^2 scratch entries per cone from linStart[c]. One thread per (cone, lane).
CL_KERNEL cl_dproj_psd(int total, int lanes, const int* start, const int* order, const int* linStart,
                       const double* lin, double* tmp, const double* d, double* out) {
    const double sqrt2 = 1.41421356237309504880;
    CL_FOR(w, total) {
        int c = w / lanes;
        int l = w % lanes;
        int k = order[c];
        int base = linStart[c];
        int qb = base + k * k;
        int t2 = base + k * k;
        cl_svec_unpack(k, start[c], base, lanes, l, d, tmp);
        // tmp2 = dX Q
        for (int i = 0; i < k; i++) {
            for (int j = 0; j < k; j++) {
                double s = 0;
                for (int e = 0; e < k; e++) {
                    s += tmp[(base + i * k + e) * lanes + l] * lin[(qb + e * k + j) * lanes + l];
                }
                tmp[(t2 + i * k + j) * lanes + l] = s;
            }
        }
        // tmp1 = B o (Q^T tmp2)
        for (int i = 0; i < k; i++) {
            double li = lin[(base + i * k + i) * lanes + l];
            for (int j = 0; j < k; j++) {
                double lj = lin[(base + j * k + j) * lanes + l];
                double b;
                if (li >= 0 && lj >= 0) {
                    b = 1;
                } else if (li < 0 && lj < 0) {
                    b = 0;
                } else {
                    b = cl_max(li, lj) / (fabs(li) + fabs(lj));
                }
                double s = 0;
                for (int e = 0; e < k; e++) {
                    s += lin[(qb + e * k + i) * lanes + l] * tmp[(t2 + e * k + j) * lanes + l];
                }
                tmp[(base + i * k + j) * lanes + l] = b * s;
            }
        }
        // tmp2 = tmp1 Q^T
        for (int i = 0; i < k; i++) {
            for (int j = 0; j < k; j++) {
                double s = 0;
                for (int e = 0; e < k; e++) {
                    s += tmp[(base + i * k + e) * lanes + l] * lin[(qb + j * k + e) * lanes + l];
                }
                tmp[(t2 + i * k + j) * lanes + l] = s;
            }
        }
        // out = svec(Q tmp2), lower triangle column-major
        int idx = start[c];
        for (int j = 0; j < k; j++) {
            for (int i = j; i < k; i++) {
                double s = 0;
                for (int e = 0; e < k; e++) {
                    s += lin[(qb + i * k + e) * lanes + l] * tmp[(t2 + e * k + j) * lanes + l];
                }
                out[idx * lanes + l] = i == j ? s : s * sqrt2;
                idx++;
            }
        }
    }
}

// The 3x3 Jacobian of a projection onto {g <= 0} at a boundary point p with v - p = mu grad g, by
// the implicit function theorem: with A = I + mu H, DΠ = A^-1 - (A^-1 n)(A^-1 n)^T / (n^T A^-1 n),
// n = grad g. For the exponential and power cones the Hessian at p has rank one, H = kappa w w^T, so
// A^-1 = I - theta w^ w^T with theta = t / (1 + t), t = mu kappa |w|^2 (Sherman-Morrison), which stays
// finite where the cone is sharply curved (t = inf gives theta = 1). n may be given at any positive
// scale. Written row-major to jac (stride lanes).
static __device__ void cl_rank1_boundary_jacobian(double n0, double n1, double n2, double w0, double w1,
                                                  double w2, double t, double* jac, int lanes) {
    double nm = cl_max(fabs(n0), cl_max(fabs(n1), fabs(n2)));
    n0 /= nm;
    n1 /= nm;
    n2 /= nm;
    double theta = 1 / (1 + 1 / t);
    double wn = n0 * w0 + n1 * w1 + n2 * w2;
    double u0 = n0 - theta * w0 * wn;
    double u1 = n1 - theta * w1 * wn;
    double u2 = n2 - theta * w2 * wn;
    double s = n0 * u0 + n1 * u1 + n2 * u2;
    double f = s > 0 ? 1 / s : 0.0;
    jac[0] = 1 - theta * w0 * w0 - u0 * u0 * f;
    jac[lanes] = -theta * w0 * w1 - u0 * u1 * f;
    jac[2 * lanes] = -theta * w0 * w2 - u0 * u2 * f;
    jac[3 * lanes] = -theta * w1 * w0 - u1 * u0 * f;
    jac[4 * lanes] = 1 - theta * w1 * w1 - u1 * u1 * f;
    jac[5 * lanes] = -theta * w1 * w2 - u1 * u2 * f;
    jac[6 * lanes] = -theta * w2 * w0 - u2 * u0 * f;
    jac[7 * lanes] = -theta * w2 * w1 - u2 * u1 * f;
    jac[8 * lanes] = 1 - theta * w2 * w2 - u2 * u2 * f;
}

static __device__ void cl_jac_diag(double a, double b, double c, double* jac, int lanes) {
    for (int e = 0; e < 9; e++) {
        jac[e * lanes] = 0;
    }
    jac[0] = a;
    jac[4 * lanes] = b;
    jac[8 * lanes] = c;
}

// DΠ_{K_exp} at (r0, s0, t0) into jac (9 entries, stride lanes).
static __device__ void cl_exp_jacobian(double r0, double s0, double t0, double* jac, int lanes) {
    if ((s0 > 0 && s0 * exp(r0 / s0) <= t0) || (r0 <= 0 && s0 == 0 && t0 >= 0)) {
        cl_jac_diag(1, 1, 1, jac, lanes);
        return;
    }
    if ((r0 > 0 && r0 * exp(s0 / r0) <= -2.71828182845904523536 * t0) || (r0 == 0 && s0 <= 0 && t0 <= 0)) {
        cl_jac_diag(0, 0, 0, jac, lanes);
        return;
    }
    double p[3];
    cl_proj_exp_primal(r0, s0, t0, p);
    if (!(p[1] > 0)) {
        // On the face {s = 0}: (min(r, 0), 0, max(t, 0)).
        cl_jac_diag(p[0] < 0 ? 1.0 : 0.0, 0, t0 > 0 ? 1.0 : (t0 == 0 ? 0.5 : 0.0), jac, lanes);
        return;
    }
    // g = s e^{r/s} - t at p = s (rho, 1, e^rho), divided by e^rho: normal n = (1, 1 - rho, -e^-rho)
    // (for rho < 0 the multiple (e^rho, e^rho (1 - rho), -1)), Hessian (1/s) w w^T with w = (1, -rho, 0),
    // mu = <v - p, n>/|n|^2 by least squares over all three components.
    double r = p[0], s = p[1];
    double rho = r / s;
    double dr = r0 - r, ds = s0 - s, dt = t0 - p[2];
    double n0, n1, n2, mu;
    if (rho >= 0) {
        double em = exp(-rho);
        n0 = 1;
        n1 = 1 - rho;
        n2 = -em;
        mu = (dr * n0 + ds * n1 + dt * n2) / (n0 * n0 + n1 * n1 + n2 * n2);
    } else {
        double ep = exp(rho);
        n0 = ep;
        n1 = ep * (1 - rho);
        n2 = -1;
        mu = ep * (dr * n0 + ds * n1 + dt * n2) / (n0 * n0 + n1 * n1 + n2 * n2);
    }
    double wl = sqrt(1 + rho * rho);
    double t = cl_max(mu, 0.0) * (1 + rho * rho) / s;
    cl_rank1_boundary_jacobian(n0, n1, n2, 1 / wl, -rho / wl, 0, t, jac, lanes);
}

// Exponential-cone triples: the Jacobian of the projection onto K_exp (dual == 0) or K_exp*
// (dual != 0: I - DΠ_{K_exp}(-v)) at v, 9 entries per triple at jac[(9c + e) * lanes + l].
CL_KERNEL cl_exp_linearize(int total, int lanes, int dual, const double* v, double* jac) {
    CL_FOR(w, total) {
        int c = w / lanes;
        int l = w % lanes;
        int k0 = (3 * c) * lanes + l;
        double* jc = jac + (9 * c) * lanes + l;
        if (dual == 0) {
            cl_exp_jacobian(v[k0], v[k0 + lanes], v[k0 + 2 * lanes], jc, lanes);
        } else {
            cl_exp_jacobian(-v[k0], -v[k0 + lanes], -v[k0 + 2 * lanes], jc, lanes);
            for (int e = 0; e < 9; e++) {
                jc[e * lanes] = (e % 4 == 0 ? 1.0 : 0.0) - jc[e * lanes];
            }
        }
    }
}

// DΠ_{K_a} for the power cone {x^a y^(1-a) >= |z|} at (x0, y0, z0) into jac.
static __device__ void cl_pow_jacobian(double x0, double y0, double z0, double a, double* jac, int lanes) {
    double az = fabs(z0);
    if (x0 >= 0 && y0 >= 0 && pow(x0, a) * pow(y0, 1 - a) >= az) {
        cl_jac_diag(1, 1, 1, jac, lanes);
        return;
    }
    if (x0 <= 0 && y0 <= 0 && pow(-x0 / a, a) * pow(-y0 / (1 - a), 1 - a) >= az) {
        cl_jac_diag(0, 0, 0, jac, lanes);
        return;
    }
    double p[3];
    cl_proj_pow_primal(x0, y0, z0, a, p);
    double x = p[0], y = p[1], r = fabs(p[2]);
    if (!(x > 0 && y > 0 && r > 0)) {
        double dx = x0 > 0 ? 1.0 : 0.0, dy = y0 > 0 ? 1.0 : 0.0;
        cl_jac_diag(dx, dy, dx * dy, jac, lanes);
        return;
    }
    // g = |z| - x^a y^(1-a): normal n = (-a r/x, -(1-a) r/y, sign z); the Hessian is
    // kappa w w^T with kappa = a (1-a) r and w = (1/x, -1/y, 0), parallel to (y, -x, 0);
    // mu = <v - p, n>/|n|^2.
    double sz = p[2] >= 0 ? 1.0 : -1.0;
    double n0 = -a * r / x, n1 = -(1 - a) * r / y, n2 = sz;
    double mu = ((x0 - x) * n0 + (y0 - y) * n1 + (z0 - p[2]) * n2) / (n0 * n0 + n1 * n1 + n2 * n2);
    double h = sqrt(x * x + y * y);
    double t = cl_max(mu, 0.0) * a * (1 - a) * r * (h / (x * y)) * (h / (x * y));
    cl_rank1_boundary_jacobian(n0, n1, n2, y / h, -x / h, 0, t, jac, lanes);
}

// Power-cone triples with signed exponents (as cl_proj_pow: alpha > 0 the cone K_alpha, alpha < 0
// the dual of K_|alpha|, I - DΠ_K(-v)): 9 Jacobian entries per triple at jac[(9c + e) * lanes + l].
CL_KERNEL cl_pow_linearize(int total, int lanes, const double* alpha, const double* v, double* jac) {
    CL_FOR(w, total) {
        int c = w / lanes;
        int l = w % lanes;
        int k0 = (3 * c) * lanes + l;
        double* jc = jac + (9 * c) * lanes + l;
        double a = alpha[c];
        if (a > 0) {
            cl_pow_jacobian(v[k0], v[k0 + lanes], v[k0 + 2 * lanes], a, jc, lanes);
        } else {
            cl_pow_jacobian(-v[k0], -v[k0 + lanes], -v[k0 + 2 * lanes], -a, jc, lanes);
            for (int e = 0; e < 9; e++) {
                jc[e * lanes] = (e % 4 == 0 ? 1.0 : 0.0) - jc[e * lanes];
            }
        }
    }
}

// out = J d (or J^T d when transpose != 0) for every triple with its stored 3x3 Jacobian.
// One thread per (triple, lane); d and out do not overlap.
CL_KERNEL cl_dproj_triples(int total, int lanes, const double* jac, int transpose, const double* d, double* out) {
    CL_FOR(w, total) {
        int c = w / lanes;
        int l = w % lanes;
        int k0 = (3 * c) * lanes + l;
        for (int i = 0; i < 3; i++) {
            double s = 0;
            for (int j = 0; j < 3; j++) {
                int e = transpose != 0 ? 3 * j + i : 3 * i + j;
                s += jac[(9 * c + e) * lanes + l] * d[k0 + j * lanes];
            }
            out[k0 + i * lanes] = s;
        }
    }
}
