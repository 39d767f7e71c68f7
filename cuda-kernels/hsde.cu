// The homogeneous self-dual Douglas-Rachford step (DESIGN §4) on the whole batch. Vectors of length
// len = n + m + 1 per lane: x block rows [0, n), y block rows [n, n + m), tau row n + m. The diagonal
// R is rhoX on the x block, rhoY (m x lanes, batch-minor) on the y block and tauWeight on tau.
#include "hsde.cuh"

// out = (rhoX v_x ; -rhoY .* v_y): the right-hand side R v of the KKT solve (sign of the y block
// folded in). One thread per (row, lane) over the first n + m rows.
CL_KERNEL cl_hsde_rhs(int total, int lanes, int n, double rhoX, const double* rhoY, const double* v,
                      double* out) {
    CL_FOR(t, total) {
        int i = t / lanes;
        out[t] = i < n ? rhoX * v[t] : -rhoY[t - n * lanes] * v[t];
    }
}

// tau~ per lane: the larger root of a tau^2 + b tau + c = 0 with R-weighted inner products of g, p
// (the KKT solution) and mu = v (DESIGN §4), or 1 when fixTau != 0. Written into p's tau row.
// One warp per lane (launched over lanes * 32 threads).
CL_KERNEL cl_hsde_tau(int lanes, int n, int m, double rhoX, const double* rhoY, const double* g, double* p,
                      const double* v, int fixTau, double tauWeight) {
    CL_FOR_LANE_WARP(l, w, lanes) {
        int tauAt = (n + m) * lanes + l;
        if (fixTau != 0) {
            if (w == 0) {
                p[tauAt] = 1.0;
            }
        } else {
            double tau = cl_tau_root(lanes, n, m, l, w, rhoX, rhoY, g, p, v, tauWeight);
            if (w == 0) {
                p[tauAt] = tau;
            }
        }
    }
}

// u~ = (p - tau~ g, tau~): subtract tau~ g from the first nm = n + m rows (tau~ in p's tau row).
CL_KERNEL cl_hsde_linear_finish(int total, int lanes, int nm, const double* g, double* p) {
    CL_FOR(t, total) {
        p[t] -= p[nm * lanes + t % lanes] * g[t];
    }
}

// u = 2 u~ - v on every row; the tau row is clipped at 0 (or set to 1 when fixTau != 0). The y block
// is projected onto K* afterwards by the cone kernels.
CL_KERNEL cl_hsde_reflect(int total, int lanes, int len, const double* uTilde, const double* v, double* u,
                          int fixTau) {
    CL_FOR(t, total) {
        double x = 2 * uTilde[t] - v[t];
        if (t / lanes == len - 1) {
            x = fixTau != 0 ? 1.0 : cl_max(x, 0.0);
        }
        u[t] = x;
    }
}

// The tail of an iteration when the y block holds only zero and nonnegative cones, in one pass over
// (row, lane): u~ = p - tau~ g on the first nm rows (tau~ in p's tau row, row nm), u = 2 u~ - v with the
// tau row clipped at 0 (1 when fixTau != 0) and the nonnegative rows [nnStart, nnEnd) projected (the
// zero cone's dual is free), then, when relaxNow != 0, v += alpha (u - u~). The same operations as
// cl_hsde_linear_finish, cl_hsde_reflect, cl_proj_nonneg and cl_hsde_relax in turn.
CL_KERNEL cl_hsde_polyhedral_tail(int total, int lanes, int nm, int nnStart, int nnEnd, int fixTau, int relaxNow,
                                  double alpha, const double* g, double* p, double* v, double* u) {
    CL_FOR(t, total) {
        int i = t / lanes;
        double ut = p[t];
        if (i < nm) {
            ut -= p[nm * lanes + t % lanes] * g[t];
            p[t] = ut;
        }
        double x = 2 * ut - v[t];
        if (i == nm) {
            x = fixTau != 0 ? 1.0 : cl_max(x, 0.0);
        } else if (i >= nnStart && i < nnEnd) {
            x = cl_max(x, 0.0);
        }
        u[t] = x;
        if (relaxNow != 0) {
            v[t] += alpha * (x - ut);
        }
    }
}

// v += alpha (u - u~).
CL_KERNEL cl_hsde_relax(int total, double alpha, double* v, const double* u, const double* uTilde) {
    CL_FOR(t, total) { v[t] += alpha * (u[t] - uTilde[t]); }
}

// rsk = R (v + u - 2 u~).
CL_KERNEL cl_hsde_dual(int total, int lanes, int n, int m, double rhoX, const double* rhoY, double tauWeight,
                       const double* v, const double* u, const double* uTilde, double* rsk) {
    CL_FOR(t, total) {
        int i = t / lanes;
        double w = i < n ? rhoX : (i < n + m ? rhoY[t - n * lanes] : tauWeight);
        rsk[t] = w * (v[t] + u[t] - 2 * uTilde[t]);
    }
}

// For lanes with changed[l] != 0: v = R^{-1} rsk + 2 u~ - u with the new R, and anchor = v.
CL_KERNEL cl_hsde_reset_scale(int total, int lanes, int n, int m, double rhoX, const double* rhoY,
                              double tauWeight, const int* changed, double* v, const double* u,
                              const double* uTilde, const double* rsk, double* anchor) {
    CL_FOR(t, total) {
        if (changed[t % lanes] != 0) {
            int i = t / lanes;
            double w = i < n ? rhoX : (i < n + m ? rhoY[t - n * lanes] : tauWeight);
            double x = rsk[t] / w + 2 * uTilde[t] - u[t];
            v[t] = x;
            anchor[t] = x;
        }
    }
}

// Residual statistics on the unscaled data (see cl_residual_stats). One warp per lane.
CL_KERNEL cl_hsde_residuals(int lanes, int n, int m, const double* ax, const double* aty, const double* px,
                            const double* u, const double* rsk, const double* d, const double* e,
                            const double* bHat, const double* cHat, const double* sigma, const double* magnitudes,
                            double* stats) {
    CL_FOR_LANE_WARP(l, w, lanes) {
        cl_residual_stats(lanes, n, m, l, w, ax, aty, px, u, rsk, d, e, bHat, cHat, sigma, magnitudes, stats);
    }
}
