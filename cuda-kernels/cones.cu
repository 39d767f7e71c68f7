// Cone projections (DESIGN §5) on batch-minor vectors. Every pointer v below points at the first row
// of its cone family inside the y block; cones of one family are addressed by row offsets from it.
#include "cones.cuh"

// Nonnegative orthant: v = max(v, 0) on count rows (total = count * lanes).
CL_KERNEL cl_proj_nonneg(int total, double* v) {
    CL_FOR(t, total) { v[t] = cl_max(v[t], 0.0); }
}

// Second-order cones {(t, z): ||z|| <= t}: cone c has rows start[c] .. start[c] + size[c] - 1.
// One thread per (cone, lane): total = cones * lanes.
CL_KERNEL cl_proj_soc(int total, int lanes, const int* start, const int* size, double* v) {
    CL_FOR(w, total) {
        int c = w / lanes;
        int l = w % lanes;
        int r0 = start[c];
        int q = size[c];
        double t = v[r0 * lanes + l];
        double nz = 0;
        for (int i = 1; i < q; i++) {
            double z = v[(r0 + i) * lanes + l];
            nz += z * z;
        }
        nz = sqrt(nz);
        if (nz <= t) {
            continue;
        }
        if (nz <= -t) {
            for (int i = 0; i < q; i++) {
                v[(r0 + i) * lanes + l] = 0;
            }
            continue;
        }
        double a = 0.5 * (1 + t / nz);
        v[r0 * lanes + l] = a * nz;
        for (int i = 1; i < q; i++) {
            v[(r0 + i) * lanes + l] *= a;
        }
    }
}

// PSD cones in svec form (lower triangle, column-major, off-diagonals scaled by sqrt 2): cone c has
// order order[c], first row start[c] and CL_EIGEN_SCRATCH(order) scratch entries from scratchStart[c]
// (eigen work space, batch-minor). v <- svec(Q max(Lambda, 0) Q^T), as the CPU's PsdCone computes it:
// an input that is already PSD is left bit for bit, and of X - sum_{lambda<0} lambda q q^T and
// sum_{lambda>0} lambda q q^T the one with fewer terms is formed. One thread per (cone, lane).
CL_KERNEL cl_proj_psd(int total, int lanes, const int* start, const int* order, const int* scratchStart,
                      double* scratch, double* v) {
    const double sqrt2 = 1.41421356237309504880;
    const double invSqrt2 = 0.70710678118654752440;
    CL_FOR(w, total) {
        int c = w / lanes;
        int l = w % lanes;
        int k = order[c];
        int r0 = start[c];
        if (k == 1) {
            v[r0 * lanes + l] = cl_max(v[r0 * lanes + l], 0.0);
            continue;
        }
        int base = scratchStart[c];
        int vb = base + k * k;
        cl_svec_unpack(k, r0, base, lanes, l, v, scratch);
        cl_sym_eigen(k, base, lanes, l, scratch);
        int negative = 0;
        while (negative < k && scratch[(base + negative * k + negative) * lanes + l] < 0) {
            negative++;
        }
        if (negative == 0) {
            continue;
        }
        int fewNegative = negative <= k - negative;
        int from = fewNegative ? 0 : negative;
        int to = fewNegative ? negative : k;
        double sign = fewNegative ? -1.0 : 1.0;
        int idx = r0;
        for (int j = 0; j < k; j++) {
            for (int i = j; i < k; i++) {
                double x = 0.0;
                if (negative < k && fewNegative) {
                    x = i == j ? v[idx * lanes + l] : v[idx * lanes + l] * invSqrt2;
                }
                if (negative < k) {
                    for (int e = from; e < to; e++) {
                        double we = sign * scratch[(base + e * k + e) * lanes + l];
                        double wj = we * scratch[(vb + j * k + e) * lanes + l];
                        x += wj * scratch[(vb + i * k + e) * lanes + l];
                    }
                }
                v[idx * lanes + l] = i == j ? x : sqrt2 * x;
                idx++;
            }
        }
    }
}

// Exponential-cone triples at rows 3c .. 3c+2 (total = count * lanes): onto K_exp when dual == 0,
// onto its dual cone K_exp* (by Moreau: v + Pi_K(-v)) otherwise. One thread per (triple, lane).
CL_KERNEL cl_proj_exp(int total, int lanes, int dual, double* v) {
    CL_FOR(w, total) {
        int c = w / lanes;
        int l = w % lanes;
        int k0 = (3 * c) * lanes + l;
        int k1 = k0 + lanes;
        int k2 = k1 + lanes;
        double p[3];
        if (dual == 0) {
            cl_proj_exp_primal(v[k0], v[k1], v[k2], p);
            v[k0] = p[0]; v[k1] = p[1]; v[k2] = p[2];
        } else {
            cl_proj_exp_primal(-v[k0], -v[k1], -v[k2], p);
            v[k0] += p[0]; v[k1] += p[1]; v[k2] += p[2];
        }
    }
}

// Power-cone triples at rows 3c .. 3c+2 with signed exponents alpha[c]: alpha > 0 projects onto the
// power cone K_alpha, alpha < 0 onto the dual cone of K_|alpha| (Moreau: v + Pi_K(-v)).
CL_KERNEL cl_proj_pow(int total, int lanes, const double* alpha, double* v) {
    CL_FOR(w, total) {
        int c = w / lanes;
        int l = w % lanes;
        int k0 = (3 * c) * lanes + l;
        int k1 = k0 + lanes;
        int k2 = k1 + lanes;
        double a = alpha[c];
        double p[3];
        if (a > 0) {
            cl_proj_pow_primal(v[k0], v[k1], v[k2], a, p);
            v[k0] = p[0]; v[k1] = p[1]; v[k2] = p[2];
        } else {
            cl_proj_pow_primal(-v[k0], -v[k1], -v[k2], -a, p);
            v[k0] += p[0]; v[k1] += p[1]; v[k2] += p[2];
        }
    }
}
