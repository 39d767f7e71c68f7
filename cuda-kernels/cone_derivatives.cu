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

// PSD linearization: the eigendecomposition of mat(v) of every cone, CL_EIGEN_SCRATCH(k) entries per
// cone from linStart[c] (the diagonal of the first k x k block holds the eigenvalues, the second block the
// eigenvectors as columns). One thread per (cone, lane).
CL_KERNEL cl_psd_linearize(int total, int lanes, const int* start, const int* order, const int* linStart,
                           double* lin, const double* v) {
    CL_FOR(w, total) {
        int c = w / lanes;
        int l = w % lanes;
        int k = order[c];
        int base = linStart[c];
        cl_svec_unpack(k, start[c], base, lanes, l, v, lin);
        cl_sym_eigen(k, base, lanes, l, lin);
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

static __device__ void cl_jac_diag(double a, double b, double c, double* jac, int lanes) {
    for (int e = 0; e < 9; e++) {
        jac[e * lanes] = 0;
    }
    jac[0] = a;
    jac[4 * lanes] = b;
    jac[8 * lanes] = c;
}

// The CPU's BoundaryJacobian.write: DΠ on a smooth boundary piece whose constraint has a rank-one
// Hessian, given 1 - theta, the unit vector (w0, w1, 0) and c = cw w^ + cn n + cz e_z with
// n = (-w1, w0, 0); row-major into jac (stride lanes).
static __device__ void cl_boundary_jacobian(double oneMinusTheta, double w0, double w1, double cw, double cn,
                                            double cz, double* jac, int lanes) {
    double big = cl_max(fabs(cw), cl_max(fabs(cn), fabs(cz)));
    if (big > 0 && isfinite(big)) {
        cw /= big;
        cn /= big;
        cz /= big;
    }
    double u0 = oneMinusTheta * cw;
    double sigma = u0 * cw + cn * cn + cz * cz;
    double inv = sigma > 0 && isfinite(sigma) ? 1.0 / sigma : 0.0;
    double a00 = oneMinusTheta - inv * u0 * u0;
    double a01 = -inv * u0 * cn;
    double a02 = -inv * u0 * cz;
    double a11 = 1.0 - inv * cn * cn;
    double a12 = -inv * cn * cz;
    double a22 = 1.0 - inv * cz * cz;
    double n0 = -w1;
    double n1 = w0;
    double j00 = w0 * (a00 * w0 + a01 * n0) + n0 * (a01 * w0 + a11 * n0);
    double j01 = w0 * (a00 * w1 + a01 * n1) + n0 * (a01 * w1 + a11 * n1);
    double j11 = w1 * (a00 * w1 + a01 * n1) + n1 * (a01 * w1 + a11 * n1);
    double j02 = w0 * a02 + n0 * a12;
    double j12 = w1 * a02 + n1 * a12;
    jac[0] = j00;
    jac[lanes] = j01;
    jac[2 * lanes] = j02;
    jac[3 * lanes] = j01;
    jac[4 * lanes] = j11;
    jac[5 * lanes] = j12;
    jac[6 * lanes] = j02;
    jac[7 * lanes] = j12;
    jac[8 * lanes] = a22;
}

// DΠ_{K_exp} at (x, y, z) into jac (9 entries, stride lanes): the CPU's ExpCone.jacobian step for
// step (I inside, 0 in the polar cone, diag(1, 0, [z > 0]) where x, y <= 0, diag on the face y = 0,
// else the implicit-function Jacobian from the root's (rho, a, b)).
static __device__ void cl_exp_jacobian(double x, double y, double z, double* jac, int lanes) {
    if (cl_exp_in_cone(x, y, z)) {
        cl_jac_diag(1, 1, 1, jac, lanes);
        return;
    }
    if (cl_exp_in_polar(x, y, z)) {
        cl_jac_diag(0, 0, 0, jac, lanes);
        return;
    }
    if (x <= 0 && y <= 0) {
        cl_jac_diag(1, 0, z > 0 ? 1.0 : (z == 0 ? 0.5 : 0.0), jac, lanes);
        return;
    }
    double big = cl_max(fabs(x), cl_max(fabs(y), fabs(z)));
    double scale = cl_pow2_floor(big);
    double inv = 1.0 / scale;
    double p[3];
    double info[3] = {0.0, 0.0, 0.0};
    int winner = cl_exp_project_curved(x * inv, y * inv, z * inv, scale, p, info);
    if (winner == CL_EXP_FACE) {
        cl_jac_diag(p[0] < 0 ? 1.0 : 0.0, 0, p[2] > 0 ? 1.0 : 0.0, jac, lanes);
        return;
    }
    double rho = info[0];
    double a = info[1];
    double b = info[2];
    double wn = hypot(1.0, rho);
    double bw = b > 0 ? b * wn * wn : 0.0;
    double oneMinusTheta = bw > 0 ? a / (a + bw) : 1.0;
    double qw = (rho / wn) * (rho - 1.0) + 1.0 / wn;
    if (rho >= 0) {
        cl_boundary_jacobian(oneMinusTheta, 1.0 / wn, -rho / wn, qw, 1.0 / wn, -exp(-rho), jac, lanes);
    } else {
        double e = exp(rho);
        cl_boundary_jacobian(oneMinusTheta, 1.0 / wn, -rho / wn, e * qw, e / wn, -1.0, jac, lanes);
    }
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

// DΠ_{K_a} at (x, y, z) into jac (9 entries, stride lanes): the CPU's PowerCone.jacobian step for
// step (I inside, 0 in the polar cone, diag(1[x > 0], 1[y > 0], 0) at z = 0, the face diagonal where
// a coordinate of Pi underflows, else the implicit-function Jacobian of cl_boundary_jacobian).
static __device__ void cl_pow_jacobian(double x, double y, double z, double a, double* jac, int lanes) {
    if (cl_pow_in_cone(x, y, z, a)) {
        cl_jac_diag(1, 1, 1, jac, lanes);
        return;
    }
    if (cl_pow_in_cone(-x / a, -y / (1.0 - a), -z, a)) {
        cl_jac_diag(0, 0, 0, jac, lanes);
        return;
    }
    if (z == 0) {
        cl_jac_diag(x > 0 ? 1.0 : 0.0, y > 0 ? 1.0 : 0.0, 0, jac, lanes);
        return;
    }
    const double negligible = 1e-300;
    double w[3];
    cl_proj_pow_primal(x, y, z, a, w);
    double p = w[0];
    double q = w[1];
    double big = fabs(w[2]);
    double size = cl_max(p, cl_max(q, big));
    if (!(size > 0)) {
        cl_jac_diag(0, 0, 0, jac, lanes);
        return;
    }
    p /= size;
    q /= size;
    double pp = big / size;
    if (!(p > negligible && q > negligible && pp > negligible)) {
        cl_jac_diag(p > negligible ? 1.0 : 0.0, q > negligible ? 1.0 : 0.0, pp > negligible ? 1.0 : 0.0, jac, lanes);
        return;
    }
    double mu = cl_max(fabs(z) / size - pp, 0.0);
    double beta = 1.0 - a;
    double hyp = hypot(p, q);
    double pq = p * (q / hyp);
    double k = mu * a * beta * pp;
    double oneMinusTheta = k > 0 ? pq * pq / (k + pq * pq) : 1.0;
    double cw = pp * (beta * p * (p / hyp) - a * q * (q / hyp));
    double cn = -pp * pq;
    cl_boundary_jacobian(oneMinusTheta, q / hyp, -p / hyp, cw, cn, copysign(p * q, z), jac, lanes);
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
