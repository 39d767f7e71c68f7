// The interior-point method on the device (the host's solver.ipm.InteriorPointMethod with its reduced
// Newton system, ReducedKkt): a whole solve of one lane per thread block, from the equilibrated data to
// the final iterate and status, in one launch. For zero and nonnegative cones (LPs and QPs) whose reduced
// matrix (order N = n + zero rows) fits in shared memory; per lane:
//   scale    b^ = D b, c^ = E c, the cost scale c_s from P^'s column maxima and c^ (as ScaledInstance)
//   convex   LDL^T of c_s P^ with diagonal pivoting: a pivot below -1e-9 max|diag| -> FAILED
//   start    K (x, z) = (-c, b) (an LP: two systems) with W = I, s = -z, both shifted into the cone
//   iterate  evaluate (products, Newton residuals, the 17 statistics of ResidualStats on the unscaled
//            program), the tests of Termination (and the setback, certificate and extra-iteration
//            rules of InteriorPointMethod), the NT scaling, and one Mehrotra predictor-corrector step:
//            K assembled and factored once, three refined solves (constant, affine, combined)
//   out      x, z, s (scaled), the statistics, tau, kappa, c_s, the status, the iteration count and the
//            number of factored solves
// K = [[c_s P^ + A_I^T H^-1 A_I + delta I, A_E^T], [A_E, -delta I]] is assembled from a lane's dense,
// row-major A^ (m x n) and P^ (n x n, both triangles) in global memory: a lower-triangle SYRK in 4 x 4
// register tiles over 16-row panels of A staged in shared memory, then mirrored. A refined solve that
// stays above the fallback tolerance (the host then switches to the full system) ends the lane with
// status CL_IPM_RETRY: the host solves that instance again on the CPU. The wall clock is read from
// %globaltimer, so a lane stops at its time budget like the host's deadline.
#include "ipm.cuh"

// Status codes: SolverStatus ordinals, and one more for "solve this instance on the host".
#define CL_ST_NONE (-1)
#define CL_ST_SOLVED 0
#define CL_ST_SOLVED_INACCURATE 1
#define CL_ST_INFEASIBLE 2
#define CL_ST_INFEASIBLE_INACCURATE 3
#define CL_ST_UNBOUNDED 4
#define CL_ST_UNBOUNDED_INACCURATE 5
#define CL_ST_FAILED 6
#define CL_IPM_RETRY 7

// The statistics of ResidualStats.
#define CL_RS_PRIMAL_RES 0
#define CL_RS_PRIMAL_SCALE 1
#define CL_RS_DUAL_RES 2
#define CL_RS_DUAL_SCALE 3
#define CL_RS_GAP 4
#define CL_RS_GAP_SCALE 5
#define CL_RS_PRIMAL_OBJ 6
#define CL_RS_DUAL_OBJ 7
#define CL_RS_TAU 8
#define CL_RS_KAPPA 9
#define CL_RS_CERT_BTY 10
#define CL_RS_CERT_ATY 11
#define CL_RS_CERT_CTX 12
#define CL_RS_CERT_AXS 13
#define CL_RS_CERT_PX 14
#define CL_RS_CERT_X_SCALE 15
#define CL_RS_CERT_Y_SCALE 16
#define CL_RS_WIDTH 17
// A lane's result row: the statistics, then tau, kappa and c_s.
#define CL_IPM_RES_WIDTH 20

// The method's constants, passed by the host from the Java classes that define them (one source).
#define PRM_EPS_ABS 0
#define PRM_EPS_REL 1
#define PRM_EPS_INFEAS 2
#define PRM_TARGET_EPS 3
#define PRM_STATIC_REG 4
#define PRM_DYN_EPS 5
#define PRM_DYN_DELTA 6
#define PRM_REFINE_TOL 7
#define PRM_FALLBACK_TOL 8
#define PRM_STEP_FRACTION 9
#define PRM_MIN_STEP 10
#define PRM_CERT_MU 11
#define PRM_SETBACK 12
#define PRM_MIN_NORM 13
#define PRM_MAX_NORM 14
#define PRM_BUDGET_NS 15
#define PRM_MAX_ITERS 16
#define PRM_EXTRA_ITERS 17
#define PRM_MAX_SMALL_STEPS 18
#define PRM_MAX_REFINE 19
#define PRM_EQUILIBRATE 20

// The SYRK's panel of rows of A and its tile edge.
#define CL_IPM_PANEL 16
#define CL_IPM_TILE 4

// Every vector of a lane, in its slice of the workspace (global memory).
struct ClIpmLane {
    double *b, *c, *x, *z, *s, *px, *ax, *atz, *rx, *rz, *x1, *z1, *x2, *z2, *dx, *dz, *ds, *dxa, *dza, *dsa;
    double *rhsX, *rhsZ, *dsT, *wM, *wM2, *xP, *zP, *sP, *w, *lam, *resX, *resZ, *cx, *cz, *t, *tN, *tM;
};

// The lane's vectors in order (14 of length n, 23 of length m: cl_ipm_lane_doubles).
__device__ ClIpmLane cl_ipm_lane(double* W, int n, int m) {
    ClIpmLane v;
    double* q = W;
    v.b = q; q += m;
    v.c = q; q += n;
    v.x = q; q += n;
    v.z = q; q += m;
    v.s = q; q += m;
    v.px = q; q += n;
    v.ax = q; q += m;
    v.atz = q; q += n;
    v.rx = q; q += n;
    v.rz = q; q += m;
    v.x1 = q; q += n;
    v.z1 = q; q += m;
    v.x2 = q; q += n;
    v.z2 = q; q += m;
    v.dx = q; q += n;
    v.dz = q; q += m;
    v.ds = q; q += m;
    v.dxa = q; q += n;
    v.dza = q; q += m;
    v.dsa = q; q += m;
    v.rhsX = q; q += n;
    v.rhsZ = q; q += m;
    v.dsT = q; q += m;
    v.wM = q; q += m;
    v.wM2 = q; q += m;
    v.xP = q; q += n;
    v.zP = q; q += m;
    v.sP = q; q += m;
    v.w = q; q += m;
    v.lam = q; q += m;
    v.resX = q; q += n;
    v.resZ = q; q += m;
    v.cx = q; q += n;
    v.cz = q; q += m;
    v.t = q; q += m;
    v.tN = q; q += n;
    v.tM = q;
    return v;
}

// One lane's solve: its data, workspace, shared memory and scalars.
struct ClIpm {
    int n, m, zero, N, hasP, linear;
    const double* A;
    const double* P;
    const double* d;
    const double* e;
    int fStride;  // lanes between a row's factors (1 for shared factors: then the lane offset is 0)
    int fOff;
    double cs;
    // max|A| and max(max|A|, max|P|) of the unscaled lane (ResidualStats.CERT_X_SCALE, CERT_Y_SCALE).
    double aMax, apMax;
    const double* prm;
    ClIpmLane v;
    double* K;
    double* rS;
    double* yS;
    double* piv;
    double* colf;
    int* perm;
    int* sel;
    double* panel;
    double* scratch;
    double* red;
    double tau, kappa, tauP, kappaP;
    double dTau, dKappa;
    double stats[CL_RS_WIDTH];
    bool retry;
    int solves;  // factored solves so far (the cost model's count)
};

__device__ __forceinline__ double cl_ipm_d(const ClIpm& s, int i) {
    return s.d[(size_t)i * s.fStride + s.fOff];
}

__device__ __forceinline__ double cl_ipm_e(const ClIpm& s, int j) {
    return s.e[(size_t)j * s.fStride + s.fOff];
}

// out = c_s P x (0 without P).
__device__ void cl_ipm_mul_p(ClIpm& s, const double* x, double* out) {
    if (s.hasP != 0) {
        cl_ipm_apply(CL_IPM_MUL_P, s.P, s.cs, x, out, s.n, s.n, s.n, 0, s.scratch);
        return;
    }
    __syncthreads();
    for (int j = (int)threadIdx.x; j < s.n; j += (int)blockDim.x) {
        out[j] = 0;
    }
}

// Assembles and factors the reduced matrix for the scaling w (H^-1 = 1 / w^2 on the nonnegative rows).
__device__ void cl_ipm_factor(ClIpm& s) {
    const int tid = (int)threadIdx.x;
    const int T = (int)blockDim.x;
    const int n = s.n;
    const int N = s.N;
    const int tilesPerEdge = (n + CL_IPM_TILE - 1) / CL_IPM_TILE;
    const int tiles = tilesPerEdge * (tilesPerEdge + 1) / 2;  // lower-triangle tiles (row tile >= column tile)
    const double reg = s.prm[PRM_STATIC_REG];
    // Each thread's tiles, in turn: accumulate over the panels of nonnegative rows.
    for (int tb = 0; tb < tiles; tb += T) {
        int tile = tb + tid;
        int ti = 0;
        while ((ti + 1) * (ti + 2) / 2 <= tile) {
            ti++;
        }
        int tj = tile - ti * (ti + 1) / 2;
        double acc[CL_IPM_TILE][CL_IPM_TILE];
        for (int a = 0; a < CL_IPM_TILE; a++) {
            for (int b = 0; b < CL_IPM_TILE; b++) {
                int i = ti * CL_IPM_TILE + a;
                int j = tj * CL_IPM_TILE + b;
                double v0 = 0;
                if (tile < tiles && i < n && j < n) {
                    if (s.hasP != 0) {
                        v0 = s.cs * s.P[(size_t)i * n + j];
                    }
                    if (i == j) {
                        v0 += reg;
                    }
                }
                acc[a][b] = v0;
            }
        }
        for (int r0 = s.zero; r0 < s.m; r0 += CL_IPM_PANEL) {
            int rows = min(CL_IPM_PANEL, s.m - r0);
            __syncthreads();
            // Stage the panel: row c of it is (A[r0 + c, :] / w^2, A[r0 + c, :]).
            for (int q = tid; q < rows * n; q += T) {
                int c = q / n;
                int j = q % n;
                double wr = s.v.w[r0 + c];
                double a = s.A[(size_t)(r0 + c) * n + j];
                s.panel[c * 2 * n + j] = (1 / (wr * wr)) * a;
                s.panel[c * 2 * n + n + j] = a;
            }
            __syncthreads();
            if (tile < tiles) {
                for (int c = 0; c < rows; c++) {
                    const double* hRow = s.panel + c * 2 * n;
                    const double* aRow = hRow + n;
                    double hi[CL_IPM_TILE];
                    double aj[CL_IPM_TILE];
                    for (int a = 0; a < CL_IPM_TILE; a++) {
                        int i = ti * CL_IPM_TILE + a;
                        int j = tj * CL_IPM_TILE + a;
                        hi[a] = i < n ? hRow[i] : 0;
                        aj[a] = j < n ? aRow[j] : 0;
                    }
                    for (int a = 0; a < CL_IPM_TILE; a++) {
                        for (int b = 0; b < CL_IPM_TILE; b++) {
                            acc[a][b] += hi[a] * aj[b];
                        }
                    }
                }
            }
        }
        if (tile < tiles) {
            for (int a = 0; a < CL_IPM_TILE; a++) {
                for (int b = 0; b < CL_IPM_TILE; b++) {
                    int i = ti * CL_IPM_TILE + a;
                    int j = tj * CL_IPM_TILE + b;
                    if (i < n && j <= i) {
                        s.K[(size_t)i * N + j] = acc[a][b];
                    }
                }
            }
        }
    }
    // Zero-cone rows: A_E below, -delta on the diagonal, zeros elsewhere.
    for (int q = tid; q < s.zero * N; q += T) {
        int r = q / N;
        int j = q % N;
        double v = 0;
        if (j < n) {
            v = s.A[(size_t)r * n + j];
        } else if (j == n + r) {
            v = -reg;
        }
        s.K[(size_t)(n + r) * N + j] = v;
    }
    __syncthreads();
    // Mirror the lower triangle.
    for (int q = tid; q < N * N; q += T) {
        int i = q / N;
        int j = q % N;
        if (j > i) {
            s.K[q] = s.K[(size_t)j * N + i];
        }
    }
    cl_ipm_ldl(s.K, s.perm, s.piv, s.colf, s.sel, N, n, s.prm[PRM_DYN_EPS], s.prm[PRM_DYN_DELTA]);
}

// x, z = the factored, regularized reduced system's solution for (r1, r2) (ReducedKkt.factoredSolve).
__device__ void cl_ipm_factored_solve(ClIpm& s, const double* r1, const double* r2, double* x, double* z) {
    const int tid = (int)threadIdx.x;
    s.solves++;
    const int T = (int)blockDim.x;
    const int n = s.n;
    const int m = s.m;
    __syncthreads();
    for (int i = tid; i < m; i += T) {
        double w2 = s.v.w[i] * s.v.w[i];
        s.v.t[i] = i < s.zero ? 0 : r2[i] / w2;
    }
    cl_ipm_apply(CL_IPM_MUL_AT, s.A, 1, s.v.t, s.v.tN, n, n, m, 0, s.scratch);
    for (int j = tid; j < n; j += T) {
        s.rS[j] = r1[j] + s.v.tN[j];
    }
    for (int r = tid; r < s.zero; r += T) {
        s.rS[n + r] = r2[r];
    }
    cl_ipm_ldl_solve(s.K, s.perm, s.piv, s.rS, s.yS, s.N);
    for (int j = tid; j < n; j += T) {
        x[j] = s.rS[j];
    }
    for (int r = tid; r < s.zero; r += T) {
        z[r] = s.rS[n + r];
    }
    cl_ipm_apply(CL_IPM_MUL_A, s.A, 1, x, s.v.tM, n, m, n, s.zero, s.scratch);
    for (int i = s.zero + tid; i < m; i += T) {
        double w2 = s.v.w[i] * s.v.w[i];
        z[i] = s.v.tM[i] / w2 - s.v.t[i];
    }
}

// resX, resZ = (r1, r2) - K (x, z) with the exact K; returns max |residual|.
__device__ double cl_ipm_residual(ClIpm& s, const double* r1, const double* r2, const double* x,
                                         const double* z) {
    const int tid = (int)threadIdx.x;
    const int T = (int)blockDim.x;
    const int n = s.n;
    const int m = s.m;
    cl_ipm_mul_p(s, x, s.v.resX);
    cl_ipm_apply(CL_IPM_MUL_AT, s.A, 1, z, s.v.tN, n, n, m, 0, s.scratch);
    double mx = 0;
    for (int j = tid; j < n; j += T) {
        double r = r1[j] - s.v.resX[j] - s.v.tN[j];
        s.v.resX[j] = r;
        mx = cl_max(mx, fabs(r));
    }
    cl_ipm_apply(CL_IPM_MUL_A, s.A, 1, x, s.v.resZ, n, m, n, 0, s.scratch);
    for (int i = tid; i < m; i += T) {
        double hz = i < s.zero ? 0 : z[i] * (s.v.w[i] * s.v.w[i]);
        double r = r2[i] - s.v.resZ[i] + hz;
        s.v.resZ[i] = r;
        mx = cl_max(mx, fabs(r));
    }
    return cl_block_max(mx, s.red);
}

// The refined solve of NewtonSystem.refinedSolve; a result above the fallback tolerance marks the lane
// for the host (ReducedKkt would switch to the full system there).
__device__ void cl_ipm_solve_newton(ClIpm& s, const double* r1, const double* r2, double* x, double* z) {
    const int tid = (int)threadIdx.x;
    const int T = (int)blockDim.x;
    const int n = s.n;
    const int m = s.m;
    double mx = 0;
    __syncthreads();
    for (int j = tid; j < n; j += T) {
        mx = cl_max(mx, fabs(r1[j]));
    }
    for (int i = tid; i < m; i += T) {
        mx = cl_max(mx, fabs(r2[i]));
    }
    const double rhsNorm = cl_block_max(mx, s.red);
    cl_ipm_factored_solve(s, r1, r2, x, z);
    double rel = cl_ipm_residual(s, r1, r2, x, z) / (1 + rhsNorm);
    const int maxRefine = (int)s.prm[PRM_MAX_REFINE];
    for (int it = 0; it < maxRefine && rel > s.prm[PRM_REFINE_TOL]; it++) {
        cl_ipm_factored_solve(s, s.v.resX, s.v.resZ, s.v.cx, s.v.cz);
        __syncthreads();
        for (int j = tid; j < n; j += T) {
            x[j] += s.v.cx[j];
        }
        for (int i = tid; i < m; i += T) {
            z[i] += s.v.cz[i];
        }
        double next = cl_ipm_residual(s, r1, r2, x, z) / (1 + rhsNorm);
        if (!(next < rel)) {
            __syncthreads();
            for (int j = tid; j < n; j += T) {
                x[j] -= s.v.cx[j];
            }
            for (int i = tid; i < m; i += T) {
                z[i] -= s.v.cz[i];
            }
            cl_ipm_residual(s, r1, r2, x, z);
            break;
        }
        bool slow = next > 0.5 * rel;
        rel = next;
        if (slow) {
            break;
        }
    }
    if (!(rel <= s.prm[PRM_FALLBACK_TOL])) {
        s.retry = true;
    }
    __syncthreads();
}

// mu = (s^T z + tau kappa) / (degree + 1) over the nonnegative rows.
__device__ double cl_ipm_mu(ClIpm& s) {
    double acc = 0;
    for (int i = s.zero + (int)threadIdx.x; i < s.m; i += (int)blockDim.x) {
        acc += s.v.s[i] * s.v.z[i];
    }
    acc = cl_block_sum(acc, s.red);
    return (acc + s.tau * s.kappa) / (s.m - s.zero + 1);
}

// Products, Newton residuals and the unscaled statistics at the current iterate (evaluate, fillStats).
__device__ void cl_ipm_evaluate(ClIpm& s) {
    const int tid = (int)threadIdx.x;
    const int T = (int)blockDim.x;
    const int n = s.n;
    const int m = s.m;
    cl_ipm_mul_p(s, s.v.x, s.v.px);
    cl_ipm_apply(CL_IPM_MUL_A, s.A, 1, s.v.x, s.v.ax, n, m, n, 0, s.scratch);
    cl_ipm_apply(CL_IPM_MUL_AT, s.A, 1, s.v.z, s.v.atz, n, n, m, 0, s.scratch);
    __syncthreads();
    const double cs = s.cs;
    const double invTau = 1 / s.tau;
    // Sums: ctx, bty, xpx; maxima: pri, axN, sN, bN, certAxs, dua, pxN, atyN, cN, certPx, certAty, and the
    // directions' sizes |E x^|, |D z^|.
    double r[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
    for (int j = tid; j < n; j += T) {
        double cj0 = s.v.c[j];
        s.v.rx[j] = s.v.px[j] + s.v.atz[j] + cj0 * s.tau;
        r[0] += cj0 * s.v.x[j];
        r[2] += s.v.x[j] * s.v.px[j];
        double f = 1 / (cl_ipm_e(s, j) * cs);
        double pj = s.v.px[j] * f;
        double aj = s.v.atz[j] * f;
        double cj = cj0 * f;
        r[8] = cl_max(r[8], fabs((pj + aj) * invTau + cj));
        r[9] = cl_max(r[9], fabs(pj * invTau));
        r[10] = cl_max(r[10], fabs(aj * invTau));
        r[11] = cl_max(r[11], fabs(cj));
        r[12] = cl_max(r[12], fabs(pj));
        r[13] = cl_max(r[13], fabs(aj));
        r[14] = cl_max(r[14], fabs(cl_ipm_e(s, j) * s.v.x[j]));
    }
    for (int i = tid; i < m; i += T) {
        double bi0 = s.v.b[i];
        s.v.rz[i] = s.v.ax[i] + s.v.s[i] - bi0 * s.tau;
        r[1] += bi0 * s.v.z[i];
        double di = 1 / cl_ipm_d(s, i);
        double a = s.v.ax[i] * di;
        double si = s.v.s[i] * di;
        double bi = bi0 * di;
        r[3] = cl_max(r[3], fabs((a + si) * invTau - bi));
        r[4] = cl_max(r[4], fabs(a * invTau));
        r[5] = cl_max(r[5], fabs(si * invTau));
        r[6] = cl_max(r[6], fabs(bi));
        r[7] = cl_max(r[7], fabs(a + si));
        r[15] = cl_max(r[15], fabs(cl_ipm_d(s, i) * s.v.z[i]));
    }
    cl_block_reduce(r, 16, ~7u, s.red);
    double xPx = r[2] * invTau * invTau / cs;
    double cTx = r[0] * invTau / cs;
    double bTy = r[1] * invTau / cs;
    double* st = s.stats;
    st[CL_RS_PRIMAL_RES] = r[3];
    st[CL_RS_PRIMAL_SCALE] = cl_max(r[4], cl_max(r[5], r[6]));
    st[CL_RS_DUAL_RES] = r[8];
    st[CL_RS_DUAL_SCALE] = cl_max(r[9], cl_max(r[10], r[11]));
    st[CL_RS_GAP] = fabs(xPx + cTx + bTy);
    st[CL_RS_GAP_SCALE] = cl_max(fabs(xPx), cl_max(fabs(cTx), fabs(bTy)));
    st[CL_RS_PRIMAL_OBJ] = 0.5 * xPx + cTx;
    st[CL_RS_DUAL_OBJ] = -0.5 * xPx - bTy;
    st[CL_RS_TAU] = s.tau;
    st[CL_RS_KAPPA] = s.kappa;
    st[CL_RS_CERT_BTY] = r[1] / cs;
    st[CL_RS_CERT_ATY] = r[13];
    st[CL_RS_CERT_CTX] = r[0] / cs;
    st[CL_RS_CERT_AXS] = r[7];
    st[CL_RS_CERT_PX] = r[12];
    st[CL_RS_CERT_X_SCALE] = s.apMax * r[14];
    st[CL_RS_CERT_Y_SCALE] = s.aMax * r[15] / cs;
}

// Termination.brokeDown.
__device__ bool cl_ipm_broke_down(const double* st) {
    for (int k = CL_RS_TAU; k < CL_RS_WIDTH; k++) {
        if (!isfinite(st[k])) {
            return true;
        }
    }
    if (st[CL_RS_TAU] > 0) {
        for (int k = 0; k < CL_RS_TAU; k++) {
            if (isnan(st[k])) {
                return true;
            }
        }
    }
    return false;
}

__device__ double cl_ipm_infeasibility_ratio(const double* st, double epsInfeas) {
    double bty = st[CL_RS_CERT_BTY];
    if (!(bty < 0)) {
        return CL_INF;
    }
    // Against the objective and against the matrix (Termination.infeasibilityRatio); 0/0 stays NaN.
    double aty = st[CL_RS_CERT_ATY];
    return cl_max(aty / (-bty * epsInfeas), aty / (st[CL_RS_CERT_Y_SCALE] * epsInfeas));
}

__device__ double cl_ipm_unboundedness_ratio(const double* st, double epsInfeas) {
    double ctx = st[CL_RS_CERT_CTX];
    if (!(ctx < 0)) {
        return CL_INF;
    }
    double r = cl_max(st[CL_RS_CERT_AXS], st[CL_RS_CERT_PX]);
    return cl_max(r / (-ctx * epsInfeas), r / (st[CL_RS_CERT_X_SCALE] * epsInfeas));
}

// Termination.check with tolerances (epsAbs, epsRel, epsInfeas): a status, or CL_ST_NONE.
__device__ int cl_ipm_check(const double* st, double epsAbs, double epsRel, double epsInfeas) {
    if (cl_ipm_broke_down(st)) {
        return CL_ST_FAILED;
    }
    double p = st[CL_RS_PRIMAL_RES] / (epsAbs + epsRel * st[CL_RS_PRIMAL_SCALE]);
    double d = st[CL_RS_DUAL_RES] / (epsAbs + epsRel * st[CL_RS_DUAL_SCALE]);
    double g = st[CL_RS_GAP] / (epsAbs + epsRel * st[CL_RS_GAP_SCALE]);
    if (st[CL_RS_TAU] > 0 && cl_max(p, cl_max(d, g)) <= 1) {
        return CL_ST_SOLVED;
    }
    if (cl_ipm_infeasibility_ratio(st, epsInfeas) <= 1) {
        return CL_ST_INFEASIBLE;
    }
    if (cl_ipm_unboundedness_ratio(st, epsInfeas) <= 1) {
        return CL_ST_UNBOUNDED;
    }
    return CL_ST_NONE;
}

// Termination.LOOSE_CERTIFICATE: the loosest certificate reported (inaccurately) at a limit.
#define CL_LOOSE_CERTIFICATE 1e3

// Termination.atLimit.
__device__ int cl_ipm_at_limit(const double* st, double epsInfeas) {
    if (cl_ipm_broke_down(st)) {
        return CL_ST_FAILED;
    }
    double tau = st[CL_RS_TAU];
    double kappa = st[CL_RS_KAPPA];
    if (tau > 0 && tau >= kappa) {
        return CL_ST_SOLVED_INACCURATE;
    }
    double inf = cl_ipm_infeasibility_ratio(st, epsInfeas);
    double unb = cl_ipm_unboundedness_ratio(st, epsInfeas);
    if (inf <= CL_LOOSE_CERTIFICATE && inf <= unb) {
        return CL_ST_INFEASIBLE_INACCURATE;
    }
    if (unb <= CL_LOOSE_CERTIFICATE) {
        return CL_ST_UNBOUNDED_INACCURATE;
    }
    return tau > 0 ? CL_ST_SOLVED_INACCURATE : CL_ST_FAILED;
}

// InteriorPointMethod.stopped: the settings' tests first, else the status at a limit.
__device__ int cl_ipm_stopped(const ClIpm& s) {
    int met = cl_ipm_check(s.stats, s.prm[PRM_EPS_ABS], s.prm[PRM_EPS_REL], s.prm[PRM_EPS_INFEAS]);
    return met != CL_ST_NONE ? met : cl_ipm_at_limit(s.stats, s.prm[PRM_EPS_INFEAS]);
}

// InteriorPointMethod.merit: the largest relative optimality residual.
__device__ double cl_ipm_merit(const double* st) {
    return cl_max(st[CL_RS_PRIMAL_RES] / (1 + st[CL_RS_PRIMAL_SCALE]),
                  cl_max(st[CL_RS_DUAL_RES] / (1 + st[CL_RS_DUAL_SCALE]), st[CL_RS_GAP] / (1 + st[CL_RS_GAP_SCALE])));
}

// (c + 2 P xi)^T u + b^T v for xi = x / tau.
__device__ double cl_ipm_tau_direction(ClIpm& s, const double* u, const double* v, double invTau) {
    double acc = 0;
    __syncthreads();
    for (int j = (int)threadIdx.x; j < s.n; j += (int)blockDim.x) {
        acc += (s.v.c[j] + 2 * s.v.px[j] * invTau) * u[j];
    }
    double bv = 0;
    for (int i = (int)threadIdx.x; i < s.m; i += (int)blockDim.x) {
        bv += s.v.b[i] * v[i];
    }
    double r[2] = {acc, bv};
    cl_block_reduce(r, 2, 0u, s.red);
    return r[0] + r[1];
}

// The Newton direction for the targets (eta r_x, eta r_z, eta r_tau, d_s, d_kappa) (direction()).
__device__ void cl_ipm_direction(ClIpm& s, double eta, double rTau, const double* dsT, double dKappaT,
                                        double invTau, double denom, double* outX, double* outZ, double* outS) {
    const int tid = (int)threadIdx.x;
    const int T = (int)blockDim.x;
    const int n = s.n;
    const int m = s.m;
    __syncthreads();
    for (int i = s.zero + tid; i < m; i += T) {
        double q = dsT[i] / s.v.lam[i];
        s.v.wM[i] = q;
        s.v.wM2[i] = q * s.v.w[i];
    }
    for (int j = tid; j < n; j += T) {
        s.v.rhsX[j] = -eta * s.v.rx[j];
    }
    for (int i = tid; i < m; i += T) {
        s.v.rhsZ[i] = -eta * s.v.rz[i] + (i >= s.zero ? s.v.wM2[i] : 0);
    }
    cl_ipm_solve_newton(s, s.v.rhsX, s.v.rhsZ, s.v.x2, s.v.z2);
    double dTau = (-eta * rTau + dKappaT * invTau - cl_ipm_tau_direction(s, s.v.x2, s.v.z2, invTau)) / denom;
    s.dTau = dTau;
    for (int j = tid; j < n; j += T) {
        outX[j] = s.v.x2[j] + dTau * s.v.x1[j];
    }
    for (int i = tid; i < m; i += T) {
        outZ[i] = s.v.z2[i] + dTau * s.v.z1[i];
        if (i < s.zero) {
            outS[i] = 0;
        } else {
            double w2 = s.v.w[i] * s.v.w[i];
            outS[i] = -s.v.wM2[i] - outZ[i] * w2;
        }
    }
    s.dKappa = -(dKappaT + s.kappa * dTau) * invTau;
}

// The largest step in [0, limit] keeping s, z nonnegative and tau, kappa nonnegative.
__device__ double cl_ipm_max_step(ClIpm& s, const double* dS, const double* dZ, double dT, double dK,
                                         double limit) {
    double a = limit;
    if (dT < 0) {
        a = cl_min(a, -s.tau / dT);
    }
    if (dK < 0) {
        a = cl_min(a, -s.kappa / dK);
    }
    double mine = CL_INF;
    __syncthreads();
    for (int i = s.zero + (int)threadIdx.x; i < s.m; i += (int)blockDim.x) {
        if (dS[i] < 0) {
            mine = cl_min(mine, -s.v.s[i] / dS[i]);
        }
        if (dZ[i] < 0) {
            mine = cl_min(mine, -s.v.z[i] / dZ[i]);
        }
    }
    return cl_min(a, cl_block_min(mine, s.red));
}

// One predictor-corrector step (step()); returns its length, NaN when it broke down.
__device__ double cl_ipm_step(ClIpm& s) {
    const int tid = (int)threadIdx.x;
    const int T = (int)blockDim.x;
    const int n = s.n;
    const int m = s.m;
    const double mu = cl_ipm_mu(s);
    cl_ipm_factor(s);
    for (int j = tid; j < n; j += T) {
        s.v.rhsX[j] = -s.v.c[j];
    }
    for (int i = tid; i < m; i += T) {
        s.v.rhsZ[i] = s.v.b[i];
    }
    cl_ipm_solve_newton(s, s.v.rhsX, s.v.rhsZ, s.v.x1, s.v.z1);
    const double invTau = 1 / s.tau;
    double r[3] = {0, 0, 0};
    for (int j = tid; j < n; j += T) {
        r[0] += s.v.x[j] * s.v.px[j];
        r[1] += s.v.c[j] * s.v.x[j];
    }
    for (int i = tid; i < m; i += T) {
        r[2] += s.v.b[i] * s.v.z[i];
    }
    cl_block_reduce(r, 3, 0u, s.red);
    const double xiPxi = r[0] * invTau * invTau;
    const double rTau = s.kappa + r[1] + r[2] + xiPxi * s.tau;
    const double denom = cl_ipm_tau_direction(s, s.v.x1, s.v.z1, invTau) - xiPxi - s.kappa * invTau;

    // Predictor: d_s = lambda o lambda, d_kappa = tau kappa.
    for (int i = s.zero + tid; i < m; i += T) {
        s.v.dsT[i] = s.v.lam[i] * s.v.lam[i];
    }
    cl_ipm_direction(s, 1, rTau, s.v.dsT, s.tau * s.kappa, invTau, denom, s.v.dxa, s.v.dza, s.v.dsa);
    const double dTauA = s.dTau;
    const double dKappaA = s.dKappa;
    const double alphaAff = cl_ipm_max_step(s, s.v.dsa, s.v.dza, dTauA, dKappaA, 1);
    const double sigma = (1 - alphaAff) * (1 - alphaAff) * (1 - alphaAff);

    // Corrector: d_s = lambda o lambda + (W^-1 ds_a) o (W dz_a) - sigma mu e.
    for (int i = s.zero + tid; i < m; i += T) {
        double cross = (s.v.dsa[i] / s.v.w[i]) * (s.v.dza[i] * s.v.w[i]);
        s.v.dsT[i] = s.v.lam[i] * s.v.lam[i] + cross + -sigma * mu;
    }
    const double dKappaT = s.tau * s.kappa + dTauA * dKappaA - sigma * mu;
    cl_ipm_direction(s, 1 - sigma, rTau, s.v.dsT, dKappaT, invTau, denom, s.v.dx, s.v.dz, s.v.ds);
    double alpha = cl_min(1.0, s.prm[PRM_STEP_FRACTION] * cl_ipm_max_step(s, s.v.ds, s.v.dz, s.dTau, s.dKappa, CL_INF));
    if (!isfinite(alpha) || !isfinite(s.dTau) || !isfinite(s.dKappa)) {
        return CUDART_NAN_CL;
    }
    for (int j = tid; j < n; j += T) {
        s.v.x[j] += alpha * s.v.dx[j];
    }
    for (int i = tid; i < m; i += T) {
        s.v.z[i] += alpha * s.v.dz[i];
        if (i >= s.zero) {
            s.v.s[i] += alpha * s.v.ds[i];
        }
    }
    s.tau += alpha * s.dTau;
    s.kappa += alpha * s.dKappa;
    return alpha;
}

// Lifts the smallest entry of v's nonnegative rows to 1 when it is below (shiftIntoCone).
__device__ void cl_ipm_shift_into_cone(ClIpm& s, double* v) {
    double mine = CL_INF;
    __syncthreads();
    for (int i = s.zero + (int)threadIdx.x; i < s.m; i += (int)blockDim.x) {
        mine = cl_min(mine, v[i]);
    }
    double mn = cl_block_min(mine, s.red);
    if (mn < 1) {
        for (int i = s.zero + (int)threadIdx.x; i < s.m; i += (int)blockDim.x) {
            v[i] += 1 - mn;
        }
    }
}

__device__ __forceinline__ unsigned long long cl_ipm_clock() {
    unsigned long long t;
    asm volatile("mov.u64 %0, %%globaltimer;" : "=l"(t));
    return t;
}

// Scales b and c, computes the cost scale and checks convexity; false when P^ is not convex.
__device__ bool cl_ipm_prepare(ClIpm& s, const double* bRaw, const double* cRaw, int lanes, int l) {
    const int tid = (int)threadIdx.x;
    const int T = (int)blockDim.x;
    const int n = s.n;
    const int m = s.m;
    const bool eq = s.prm[PRM_EQUILIBRATE] != 0;
    for (int i = tid; i < m; i += T) {
        s.v.b[i] = bRaw[(size_t)i * lanes + l] * cl_ipm_d(s, i);
    }
    double pSum = 0;
    double cMax = 0;
    for (int j = tid; j < n; j += T) {
        double cj = cRaw[(size_t)j * lanes + l] * cl_ipm_e(s, j);
        s.v.c[j] = cj;
        cMax = cl_max(cMax, fabs(cj));
        if (s.hasP != 0) {
            double col = 0;
            for (int i = 0; i < n; i++) {
                col = cl_max(col, fabs(s.P[(size_t)i * n + j]));
            }
            pSum += col;
        }
    }
    // The unscaled matrices' largest entries: A = D^-1 A^ E^-1, P = E^-1 P^ E^-1 (A^ row-major m x n).
    double aMax = 0;
    for (int q = tid; q < m * n; q += T) {
        int i = q / n;
        int j = q - i * n;
        aMax = cl_max(aMax, fabs(s.A[q]) / (cl_ipm_d(s, i) * cl_ipm_e(s, j)));
    }
    double pMax = 0;
    if (s.hasP != 0) {
        for (int q = tid; q < n * n; q += T) {
            int i = q / n;
            int j = q - i * n;
            pMax = cl_max(pMax, fabs(s.P[q]) / (cl_ipm_e(s, i) * cl_ipm_e(s, j)));
        }
    }
    double r[4] = {pSum, cMax, aMax, pMax};
    cl_block_reduce(r, 4, 14u, s.red);
    s.aMax = r[2];
    s.apMax = cl_max(r[2], r[3]);
    s.cs = 1;
    if (eq) {
        double pMean = r[0] / max(1, n);
        double norm = cl_max(pMean, r[1]);
        double clamped = !(norm >= s.prm[PRM_MIN_NORM]) ? 1 : fmin(norm, s.prm[PRM_MAX_NORM]);
        s.cs = 1 / clamped;
        for (int j = tid; j < n; j += T) {
            s.v.c[j] *= s.cs;
        }
    }
    if (s.hasP == 0) {
        return true;
    }
    // Convexity (ScaledInstance.objectiveIsConvex): the pivoted LDL^T of c_s P^ in K's place.
    double md = 0;
    for (int j = tid; j < n; j += T) {
        md = cl_max(md, fabs(s.cs * s.P[(size_t)j * n + j]));
    }
    const double maxDiag = cl_block_max(md, s.red);
    for (int q = tid; q < n * n; q += T) {
        s.K[q] = s.cs * s.P[q];
    }
    double smallest = cl_ipm_ldl(s.K, s.perm, s.piv, s.colf, s.sel, n, n, 1e-12 * maxDiag, fmax(1.0, maxDiag));
    return smallest >= -1e-9 * fmax(maxDiag, 2.2250738585072014E-308);
}

// The lane's whole solve (InteriorPointMethod.solve); returns the status code and sets *iters.
__device__ int cl_ipm_run(ClIpm& s, int* iters) {
    const int tid = (int)threadIdx.x;
    const int T = (int)blockDim.x;
    const int n = s.n;
    const int m = s.m;
    const double* prm = s.prm;
    const unsigned long long t0 = cl_ipm_clock();
    const double targetAbs = fmin(prm[PRM_EPS_ABS], prm[PRM_TARGET_EPS]);
    const double targetRel = fmin(prm[PRM_EPS_REL], prm[PRM_TARGET_EPS]);
    const int limit = (int)prm[PRM_MAX_ITERS];
    *iters = 0;
    // Start: W = I, K (x, z) = (-c, b) (an LP: (0, b), then (-c, 0) for z).
    for (int i = tid; i < m; i += T) {
        s.v.w[i] = 1;
        s.v.dsT[i] = 0;
    }
    cl_ipm_factor(s);
    for (int j = tid; j < n; j += T) {
        s.v.rhsX[j] = s.linear != 0 ? 0 : -s.v.c[j];
    }
    for (int i = tid; i < m; i += T) {
        s.v.rhsZ[i] = s.v.b[i];
    }
    cl_ipm_solve_newton(s, s.v.rhsX, s.v.rhsZ, s.v.x, s.v.z);
    for (int i = tid; i < m; i += T) {
        s.v.s[i] = i < s.zero ? 0 : -s.v.z[i];
    }
    if (s.linear != 0) {
        for (int j = tid; j < n; j += T) {
            s.v.rhsX[j] = -s.v.c[j];
        }
        for (int i = tid; i < m; i += T) {
            s.v.rhsZ[i] = 0;
        }
        cl_ipm_solve_newton(s, s.v.rhsX, s.v.rhsZ, s.v.x2, s.v.z);
    }
    if (s.retry) {
        return CL_IPM_RETRY;
    }
    cl_ipm_shift_into_cone(s, s.v.s);
    cl_ipm_shift_into_cone(s, s.v.z);
    s.tau = 1;
    s.kappa = 1;
    const double initialMu = cl_ipm_mu(s);
    int status = CL_ST_NONE;
    int iter = 0;
    int smallSteps = 0;
    int extra = 0;
    double prevMerit = CL_INF;
    while (true) {
        cl_ipm_evaluate(s);
        double merit = s.tau >= s.kappa ? cl_ipm_merit(s.stats) : CL_INF;
        // InteriorPointMethod.lostAccuracy: a jump of the merit, unless κ/τ jumped as much (a certificate coming).
        if (s.tau >= s.kappa && merit > prm[PRM_SETBACK] * prevMerit
                && !(s.kappa * s.tauP > prm[PRM_SETBACK] * s.kappaP * s.tau)) {
            // The last step lost accuracy: back to the iterate before it, and stop there.
            __syncthreads();
            for (int j = tid; j < n; j += T) {
                s.v.x[j] = s.v.xP[j];
            }
            for (int i = tid; i < m; i += T) {
                s.v.z[i] = s.v.zP[i];
                s.v.s[i] = s.v.sP[i];
            }
            s.tau = s.tauP;
            s.kappa = s.kappaP;
            cl_ipm_evaluate(s);
            status = cl_ipm_stopped(s);
            break;
        }
        prevMerit = merit;
        status = cl_ipm_check(s.stats, targetAbs, targetRel, prm[PRM_EPS_INFEAS]);
        if (status == CL_ST_INFEASIBLE || status == CL_ST_UNBOUNDED) {
            // certificateStands: the embedding must say so and the iterate must not contradict it.
            bool stands = s.kappa > s.tau && cl_ipm_mu(s) <= prm[PRM_CERT_MU] * initialMu;
            // τ ≤ ε_infeas·κ: the embedding has decided, the iterate cannot contradict it.
            bool decided = s.tau <= prm[PRM_EPS_INFEAS] * s.kappa;
            if (stands && !decided && status == CL_ST_INFEASIBLE) {
                stands = !(s.stats[CL_RS_PRIMAL_RES] <= prm[PRM_EPS_ABS] + prm[PRM_EPS_REL] * s.stats[CL_RS_PRIMAL_SCALE]);
            } else if (stands && !decided) {
                stands = !(s.stats[CL_RS_DUAL_RES] <= prm[PRM_EPS_ABS] + prm[PRM_EPS_REL] * s.stats[CL_RS_DUAL_SCALE]);
            }
            status = stands ? status : CL_ST_NONE;
        }
        if (status != CL_ST_NONE) {
            break;
        }
        if (cl_ipm_check(s.stats, prm[PRM_EPS_ABS], prm[PRM_EPS_REL], prm[PRM_EPS_INFEAS]) == CL_ST_SOLVED
                && extra++ >= (int)prm[PRM_EXTRA_ITERS]) {
            status = CL_ST_SOLVED;
            break;
        }
        // The first thread reads the clock (the others would read other times) and shares its verdict.
        double late = tid == 0 && prm[PRM_BUDGET_NS] > 0 && (double)(cl_ipm_clock() - t0) > prm[PRM_BUDGET_NS] ? 1 : 0;
        // The NT scaling at (s, z): undefined unless both are strictly interior.
        double bad = 0;
        __syncthreads();
        for (int i = s.zero + tid; i < m; i += T) {
            double si = s.v.s[i];
            double zi = s.v.z[i];
            if (!(si > 0 && zi > 0)) {
                bad = 1;
            } else {
                s.v.w[i] = sqrt(si / zi);
                s.v.lam[i] = sqrt(si * zi);
            }
        }
        double flags[2] = {bad, late};
        cl_block_reduce(flags, 2, 3u, s.red);
        if (iter >= limit || smallSteps >= (int)prm[PRM_MAX_SMALL_STEPS] || flags[1] != 0 || flags[0] != 0) {
            status = cl_ipm_stopped(s);
            break;
        }
        for (int j = tid; j < n; j += T) {
            s.v.xP[j] = s.v.x[j];
        }
        for (int i = tid; i < m; i += T) {
            s.v.zP[i] = s.v.z[i];
            s.v.sP[i] = s.v.s[i];
        }
        s.tauP = s.tau;
        s.kappaP = s.kappa;
        double alpha = cl_ipm_step(s);
        if (s.retry) {
            return CL_IPM_RETRY;
        }
        if (!(alpha > prm[PRM_MIN_STEP])) {
            smallSteps++;
            if (!(alpha >= 0)) {
                status = cl_ipm_stopped(s);
                break;
            }
        } else {
            smallSteps = 0;
        }
        iter++;
        *iters = iter;
    }
    *iters = iter;
    return status;
}

// Dense copies of per-lane (or shared) sparse values: value q of matrix lane k (batch-minor over
// valueLanes) goes to dense[k laneStride + row cols + col], and for a symmetric matrix stored by one
// triangle also to (col, row). The dense arrays are zeroed before.
CL_KERNEL cl_ipm_scatter(int nnz, int valueLanes, int cols, int laneStride, int symmetric, const int* entryRow,
                         const int* entryCol, const double* vals, double* dense) {
    CL_FOR(t, nnz * valueLanes) {
        int q = t / valueLanes;
        int k = t % valueLanes;
        int r = entryRow[q];
        int c = entryCol[q];
        double v = vals[t];
        double* base = dense + (size_t)k * laneStride;
        base[(size_t)r * cols + c] = v;
        if (symmetric != 0 && r != c) {
            base[(size_t)c * cols + r] = v;
        }
    }
}

// Doubles of a lane's workspace.
#define CL_IPM_LANE_DOUBLES(n, m) (14 * (size_t)(n) + 23 * (size_t)(m))

// One block per lane (blocks take further lanes in turn). aStride / pStride: doubles between lanes'
// dense matrices (0: shared by every lane); sharedFactors: D and E hold one factor per row (else
// batch-minor per lane). Dynamic shared memory: see DeviceInteriorPoint.sharedBytes. Lane l's row of out
// (CL_IPM_OUT_WIDTH doubles, one download for the chunk): x (n), z (m), s (m), its D (m) and E (n), the
// statistics, tau, kappa, c_s, then the status, the iterations and the factored solves.
CL_KERNEL __launch_bounds__(256, 2) cl_ipm_solve(int lanes, int n, int m, int zero, int hasP, int aStride, int pStride,
                                                 int sharedFactors, const double* prm, const double* A, const double* P,
                                                 const double* bRaw, const double* cRaw, const double* d,
                                                 const double* e, double* work, double* out) {
    extern __shared__ double shm[];
    __shared__ double red[CL_IPM_RED * CL_WARP];
    const int N = n + zero;
    const int Nc = max(N, n);
    for (int l = (int)blockIdx.x; l < lanes; l += (int)gridDim.x) {
        ClIpm s;
        s.n = n;
        s.m = m;
        s.zero = zero;
        s.N = N;
        s.hasP = hasP;
        s.linear = hasP == 0 ? 1 : 0;
        s.A = A + (size_t)l * aStride;
        s.P = P + (size_t)l * pStride;
        s.d = d;
        s.e = e;
        s.fStride = sharedFactors != 0 ? 1 : lanes;
        s.fOff = sharedFactors != 0 ? 0 : l;
        s.prm = prm;
        s.v = cl_ipm_lane(work + (size_t)l * CL_IPM_LANE_DOUBLES(n, m), n, m);
        s.K = shm;
        s.rS = s.K + (size_t)Nc * Nc;
        s.yS = s.rS + Nc;
        s.piv = s.yS + Nc;
        s.colf = s.piv + Nc;
        s.panel = s.colf + Nc;
        s.scratch = s.panel + 2 * CL_IPM_PANEL * n;
        s.perm = (int*)(s.scratch + CL_IPM_MAX_THREADS);
        s.sel = s.perm + Nc;
        s.red = red;
        s.retry = false;
        s.solves = 0;
        s.tau = 1;
        s.kappa = 1;
        s.tauP = 1;
        s.kappaP = 1;
        s.dTau = 0;
        s.dKappa = 0;
        int iters = 0;
        int status;
        if (!cl_ipm_prepare(s, bRaw, cRaw, lanes, l)) {
            for (int k = 0; k < CL_RS_WIDTH; k++) {
                s.stats[k] = CUDART_NAN_CL;
            }
            status = CL_ST_FAILED;
        } else {
            status = cl_ipm_run(s, &iters);
        }
        __syncthreads();
        double* o = out + (size_t)l * (2 * (size_t)n + 3 * (size_t)m + CL_IPM_RES_WIDTH + 3);
        for (int j = (int)threadIdx.x; j < n; j += (int)blockDim.x) {
            o[j] = s.v.x[j];
            o[n + 3 * m + j] = cl_ipm_e(s, j);
        }
        for (int i = (int)threadIdx.x; i < m; i += (int)blockDim.x) {
            o[n + i] = s.v.z[i];
            o[n + m + i] = s.v.s[i];
            o[n + 2 * m + i] = cl_ipm_d(s, i);
        }
        if (threadIdx.x == 0) {
            double* r = o + 2 * n + 3 * m;
            for (int k = 0; k < CL_RS_WIDTH; k++) {
                r[k] = s.stats[k];
            }
            r[CL_RS_WIDTH] = s.tau;
            r[CL_RS_WIDTH + 1] = s.kappa;
            r[CL_RS_WIDTH + 2] = s.cs;
            r[CL_IPM_RES_WIDTH] = status;
            r[CL_IPM_RES_WIDTH + 1] = iters;
            r[CL_IPM_RES_WIDTH + 2] = s.solves;
        }
        __syncthreads();
    }
}
