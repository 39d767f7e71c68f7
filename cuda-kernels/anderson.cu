// Type-II Anderson acceleration with per-lane memory (DESIGN §4; twin of backend.cpu.CpuAnderson).
// History slot a of lane l holds dx_a and df_a at (a * len + i) * lanes + l. The host keeps each
// lane's counters (how many slots are filled, where the next one goes) and passes them per call.
#include "common.cuh"

// residual = v - anchor; savedG = v; where slot[l] >= 0 records dx = anchor - lastAnchor and
// df = residual - lastResidual in that slot; where updateLast[l] != 0 sets lastAnchor = anchor and
// lastResidual = residual. One thread per (row, lane): total = len * lanes.
CL_KERNEL cl_aa_prepare(int total, int lanes, int len, const int* slot, const int* updateLast, const double* v,
                        const double* anchor, double* lastAnchor, double* lastResidual, double* residual,
                        double* savedG, double* dx, double* df) {
    CL_FOR(t, total) {
        int l = t % lanes;
        double res = v[t] - anchor[t];
        residual[t] = res;
        savedG[t] = v[t];
        int s = slot[l];
        if (s >= 0) {
            size_t k = (size_t)s * len * lanes + t;
            dx[k] = anchor[t] - lastAnchor[t];
            df[k] = res - lastResidual[t];
        }
        if (updateLast[l] != 0) {
            lastAnchor[t] = anchor[t];
            lastResidual[t] = res;
        }
    }
}

// gram[(a * memory + b) * lanes + l] = <df_a, df_b> for a, b < count[l]. One thread per (a, b, lane).
CL_KERNEL cl_aa_gram(int total, int lanes, int len, int memory, const int* count, const double* dx,
                     const double* df, double* gram) {
    CL_FOR(t, total) {
        int l = t % lanes;
        int ab = t / lanes;
        int a = ab / memory;
        int b = ab % memory;
        int c = count[l];
        if (a < c && b < c) {
            const double* fa = df + (size_t)a * len * lanes;
            const double* fb = df + (size_t)b * len * lanes;
            double s = 0;
            for (int i = 0; i < len; i++) {
                s += fa[i * lanes + l] * fb[i * lanes + l];
            }
            gram[t] = s;
        }
    }
}

// rhs[a] = <df_a, residual>, nx[a] = ||dx_a||^2, nf[a] = ||df_a||^2 for a < count[l].
// One thread per (a, lane).
CL_KERNEL cl_aa_rhs(int total, int lanes, int len, const int* count, const double* dx, const double* df,
                    const double* residual, double* rhs, double* nx, double* nf) {
    CL_FOR(t, total) {
        int l = t % lanes;
        int a = t / lanes;
        if (a < count[l]) {
            const double* xa = dx + (size_t)a * len * lanes;
            const double* fa = df + (size_t)a * len * lanes;
            double r = 0, sx = 0, sf = 0;
            for (int i = 0; i < len; i++) {
                int k = i * lanes + l;
                r += fa[k] * residual[k];
                sx += xa[k] * xa[k];
                sf += fa[k] * fa[k];
            }
            rhs[t] = r;
            nx[t] = sx;
            nf[t] = sf;
        }
    }
}

// Solves (gram + reg I) gamma = rhs per lane with c = count[l] unknowns by Gaussian elimination with
// partial pivoting in place (reg = regularization * sum nf); ok[l] = 1 when a lane with
// apply[l] != 0 and c > 0 has a finite solution with max |gamma| < maxWeight. One thread per lane.
CL_KERNEL cl_aa_solve(int lanes, int memory, const int* count, const int* apply, double regularization,
                      double maxWeight, double* gram, double* rhs, const double* nx, const double* nf,
                      double* gamma, int* ok) {
    CL_FOR(l, lanes) {
        int c = count[l];
        int good = apply[l] != 0 && c > 0;
        if (good) {
            double sx = 0, sf = 0;
            for (int a = 0; a < c; a++) {
                sx += nx[a * lanes + l];
                sf += nf[a * lanes + l];
            }
            double reg = regularization * sf;
            for (int a = 0; a < c; a++) {
                gram[(a * memory + a) * lanes + l] += reg;
            }
            for (int col = 0; col < c && good; col++) {
                int piv = col;
                for (int r = col + 1; r < c; r++) {
                    if (fabs(gram[(r * memory + col) * lanes + l]) > fabs(gram[(piv * memory + col) * lanes + l])) {
                        piv = r;
                    }
                }
                double pv = gram[(piv * memory + col) * lanes + l];
                if (!(fabs(pv) > 1e-300) || !isfinite(pv)) {
                    good = 0;
                    break;
                }
                if (piv != col) {
                    for (int k = 0; k < c; k++) {
                        double tmp = gram[(col * memory + k) * lanes + l];
                        gram[(col * memory + k) * lanes + l] = gram[(piv * memory + k) * lanes + l];
                        gram[(piv * memory + k) * lanes + l] = tmp;
                    }
                    double tmp = rhs[col * lanes + l];
                    rhs[col * lanes + l] = rhs[piv * lanes + l];
                    rhs[piv * lanes + l] = tmp;
                }
                for (int r = col + 1; r < c; r++) {
                    double f = gram[(r * memory + col) * lanes + l] / pv;
                    if (f != 0) {
                        for (int k = col; k < c; k++) {
                            gram[(r * memory + k) * lanes + l] -= f * gram[(col * memory + k) * lanes + l];
                        }
                        rhs[r * lanes + l] -= f * rhs[col * lanes + l];
                    }
                }
            }
            double gmax = 0;
            for (int r = c - 1; r >= 0 && good; r--) {
                double s = rhs[r * lanes + l];
                for (int k = r + 1; k < c; k++) {
                    s -= gram[(r * memory + k) * lanes + l] * gamma[k * lanes + l];
                }
                double g = s / gram[(r * memory + r) * lanes + l];
                gamma[r * lanes + l] = g;
                if (!isfinite(g)) {
                    good = 0;
                }
                gmax = cl_max(gmax, fabs(g));
            }
            if (good && !(gmax < maxWeight)) {
                good = 0;
            }
        }
        ok[l] = good;
    }
}

// v -= sum_a gamma_a (dx_a + df_a) on lanes with ok[l] != 0. One thread per (row, lane).
CL_KERNEL cl_aa_update(int total, int lanes, int len, const int* count, const int* ok, const double* gamma,
                       const double* dx, const double* df, double* v) {
    CL_FOR(t, total) {
        int l = t % lanes;
        if (ok[l] != 0) {
            double s = v[t];
            for (int a = 0; a < count[l]; a++) {
                size_t k = (size_t)a * len * lanes + t;
                s -= gamma[a * lanes + l] * (dx[k] + df[k]);
            }
            v[t] = s;
        }
    }
}
