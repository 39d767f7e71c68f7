// A run of Douglas-Rachford iterations in one launch (DESIGN §4) for per-lane dense KKT inverses and
// zero/nonnegative cones: the small-instance regime, where a graph of ~9 kernels per iteration pays a
// launch (and on a virtualized host a driver call) for every few microseconds of work.
//
// One thread block owns lanesPerBlock adjacent lanes (blocks take further groups in turn); each lane
// has rowThreads threads (a multiple of 32, the lane's threads contiguous in the block, so that its
// first warp is a whole warp). Per iteration, phases between barriers:
//   normalize  first warp of each lane: v *= sqrt(len) / ||v|| (as cl_normalize)
//   rhs        rows i < n + m: p = R v (y rows negated, as cl_hsde_rhs); tmpM = p_y ./ rhoY; rhsN = p_x
//   reduce     rows j < n: rhsN_j += (A^T tmpM)_j (as cl_kkt_div_rows + cl_csr_mv over A's CSC)
//   solve      rows i < n: p_i = (K^-1 rhsN)_i (as cl_dense_mv_lanes; K^-1 from shared memory when the
//              launch loaded it there)
//   recover    rows i < m: p_{n+i} = ((A p_x)_i - p_{n+i}) / rhoY_i (as cl_csr_mv + cl_kkt_recover_y)
//   tau        first warp: tau~ (as cl_hsde_tau)
//   tail       rows < len: u~ = p - tau~ g, u = 2 u~ - v projected, v += alpha (u - u~)
//              (as cl_hsde_polyhedral_tail); the check iteration also forms rsk = R (v + u - 2 u~)
//              before the relaxation (as cl_hsde_dual + cl_hsde_relax)
// and after the check iteration:
//   products   rows: workM = A u_x, workN = A^T u_y, workN2 = P u_x (as cl_csr_mv; 0 without P)
//   residuals  first warp: the 17 statistics of cl_hsde_residuals
// Every row is computed by the same arithmetic in the same order as the separate kernels, so a fused
// run equals the graph of separate launches bit for bit. Lanes with active[l] == 0 are skipped whole.
#include "hsde.cuh"

// Row-gather product of one CSR row for lane l (the body of cl_csr_mv).
static __device__ __forceinline__ double cl_fused_row(int r, int l, int lanes, const int* rowStart,
                                                      const int* colIdx, const int* valIdx, const double* vals,
                                                      int sharedVals, const double* x) {
    double s = 0;
    for (int q = rowStart[r]; q < rowStart[r + 1]; q++) {
        int k = valIdx[q];
        double a = sharedVals != 0 ? vals[k] : vals[k * lanes + l];
        s += a * x[colIdx[q] * lanes + l];
    }
    return s;
}

// iterations >= 1 in all, the last being a check iteration when check != 0; the rows [nnStart, nnEnd)
// are the nonnegative cone (the rest of the y block the zero cone, whose dual is free). A's CSR (aRow*),
// A's CSC read as the CSR of A^T (at*) and both triangles of P in CSR (p*; unread when hasP == 0) index
// aVals/pVals, shared by the lanes when sharedVals != 0, else batch-minor. kinvShared != 0 loads the
// group's inverses into dynamic shared memory (lanesPerBlock * n * n doubles) once per launch.
CL_KERNEL cl_hsde_fused(int lanes, int n, int m, int group, int rowThreads, int iterations, int check, int nnStart,
                        int nnEnd, int hasP, int sharedVals, int kinvShared, const int* aRowStart, const int* aColIdx,
                        const int* aValIdx, const int* atRowStart, const int* atColIdx, const int* atValIdx,
                        const int* pRowStart, const int* pColIdx, const int* pValIdx, double alpha, double rhoX,
                        double tauWeight, const double* aVals, const double* pVals, const double* rhoY,
                        const double* kinv, const double* g, double* v, double* u, double* p, double* rsk,
                        double* rhsN, double* tmpM, double* workM, double* workN, double* workN2, const double* d,
                        const double* e, const double* bHat, const double* cHat, const double* sigma,
                        const double* magnitudes, double* stats, const int* active) {
    extern __shared__ double kinvS[];
    const int nm = n + m;
    const int len = nm + 1;
    const int gi = (int)threadIdx.x / rowThreads;
    const int r = (int)threadIdx.x % rowThreads;
    const int groups = (lanes + group - 1) / group;

    for (int grp = (int)blockIdx.x; grp < groups; grp += (int)gridDim.x) {
        const int l = grp * group + gi;
        const bool live = gi < group && l < lanes && active[l] != 0;
        // A group without a live lane skips the whole run (the condition is the same for every thread).
        bool any = false;
        for (int k = 0; k < group && grp * group + k < lanes; k++) {
            any = any || active[grp * group + k] != 0;
        }
        if (!any) {
            continue;
        }
        if (kinvShared != 0) {
            // load: this group's inverses, lane-major (entry (i, j) of the group's lane k at (k n + i) n + j).
            for (int q = (int)threadIdx.x; q < group * n * n; q += (int)blockDim.x) {
                int k = q / (n * n);
                int ij = q % (n * n);
                int lk = grp * group + k;
                kinvS[q] = lk < lanes ? kinv[(size_t)ij * lanes + lk] : 0.0;
            }
            __syncthreads();
        }
        for (int it = 0; it < iterations; it++) {
            const bool checkNow = check != 0 && it == iterations - 1;
            // normalize
            if (live && r < CL_WARP) {
                cl_normalize_lane(lanes, len, l, r, v);
            }
            __syncthreads();
            // rhs
            if (live) {
                for (int i = r; i < nm; i += rowThreads) {
                    int t = i * lanes + l;
                    if (i < n) {
                        double x = rhoX * v[t];
                        p[t] = x;
                        rhsN[t] = x;
                    } else {
                        int k = t - n * lanes;
                        double x = -rhoY[k] * v[t];
                        p[t] = x;
                        tmpM[k] = x / rhoY[k];
                    }
                }
            }
            __syncthreads();
            // reduce
            if (live) {
                for (int j = r; j < n; j += rowThreads) {
                    int t = j * lanes + l;
                    double s = cl_fused_row(j, l, lanes, atRowStart, atColIdx, atValIdx, aVals, sharedVals, tmpM);
                    rhsN[t] = rhsN[t] + s;
                }
            }
            __syncthreads();
            // solve
            if (live) {
                for (int i = r; i < n; i += rowThreads) {
                    double s = 0;
                    if (kinvShared != 0) {
                        const double* row = kinvS + ((size_t)gi * n + i) * n;
                        for (int j = 0; j < n; j++) {
                            s += row[j] * rhsN[j * lanes + l];
                        }
                    } else {
                        const double* row = kinv + (size_t)i * n * lanes + l;
                        for (int j = 0; j < n; j++) {
                            s += row[(size_t)j * lanes] * rhsN[j * lanes + l];
                        }
                    }
                    p[i * lanes + l] = s;
                }
            }
            __syncthreads();
            // recover
            if (live) {
                for (int i = r; i < m; i += rowThreads) {
                    int k = i * lanes + l;
                    double ax = cl_fused_row(i, l, lanes, aRowStart, aColIdx, aValIdx, aVals, sharedVals, p);
                    p[n * lanes + k] = (ax - p[n * lanes + k]) / rhoY[k];
                }
            }
            __syncthreads();
            // tau
            if (live && r < CL_WARP) {
                double tau = cl_tau_root(lanes, n, m, l, r, rhoX, rhoY, g, p, v, tauWeight);
                if (r == 0) {
                    p[nm * lanes + l] = tau;
                }
            }
            __syncthreads();
            // tail
            if (live) {
                double tauT = p[nm * lanes + l];
                for (int i = r; i < len; i += rowThreads) {
                    int t = i * lanes + l;
                    double ut = p[t];
                    if (i < nm) {
                        ut -= tauT * g[t];
                        p[t] = ut;
                    }
                    double x = 2 * ut - v[t];
                    if (i == nm || (i >= nnStart && i < nnEnd)) {
                        x = cl_max(x, 0.0);
                    }
                    u[t] = x;
                    if (checkNow) {
                        double w = i < n ? rhoX : (i < nm ? rhoY[t - n * lanes] : tauWeight);
                        rsk[t] = w * (v[t] + x - 2 * ut);
                    }
                    v[t] += alpha * (x - ut);
                }
            }
            __syncthreads();
        }
        if (check != 0) {
            // products
            if (live) {
                for (int i = r; i < m; i += rowThreads) {
                    workM[i * lanes + l] = cl_fused_row(i, l, lanes, aRowStart, aColIdx, aValIdx, aVals, sharedVals, u);
                }
                for (int j = r; j < n; j += rowThreads) {
                    int t = j * lanes + l;
                    workN[t] = cl_fused_row(j, l, lanes, atRowStart, atColIdx, atValIdx, aVals, sharedVals,
                                            u + n * lanes);
                    workN2[t] = hasP != 0
                            ? cl_fused_row(j, l, lanes, pRowStart, pColIdx, pValIdx, pVals, sharedVals, u) : 0.0;
                }
            }
            __syncthreads();
            // residuals
            if (live && r < CL_WARP) {
                cl_residual_stats(lanes, n, m, l, r, workM, workN, workN2, u, rsk, d, e, bHat, cHat, sigma,
                                  magnitudes, stats);
            }
            __syncthreads();
        }
    }
}
