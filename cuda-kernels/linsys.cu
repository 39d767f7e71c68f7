// The quasi-definite KKT solve of DESIGN §4 in reduced form:
//   (rhoX I + P + A^T diag(rhoY)^-1 A) x = r_x + A^T (r_y ./ rhoY),   y = (A x - r_y) ./ rhoY,
// by (a) one shared inverse applied to every lane, (b) a batched dense Cholesky per lane, or
// (c) Jacobi-preconditioned conjugate gradients per lane.
#include "common.cuh"

// out = ry ./ rhoY on m rows (total = m * lanes).
CL_KERNEL cl_kkt_div_rows(int total, const double* ry, const double* rhoY, double* out) {
    CL_FOR(t, total) { out[t] = ry[t] / rhoY[t]; }
}

// y = (ax - y) ./ rhoY in place on m rows: y holds r_y on entry.
CL_KERNEL cl_kkt_recover_y(int total, const double* ax, const double* rhoY, double* y) {
    CL_FOR(t, total) { y[t] = (ax[t] - y[t]) / rhoY[t]; }
}

// (a) The shared inverse's product with the batch is cl_gemm_lanes (gemm.cu).

// (b) Assembles the reduced matrix of every lane in packed lower-triangular row-major storage
// (entry (i, j), j <= i, at pair index i(i+1)/2 + j; lane l at pair * lanes + l). pairI/pairJ name
// the pair's row and column, pairP its position in P's value array (-1 when outside P's pattern).
// A is given column-wise (CSC): the (i, j) entry of A^T diag(rhoY)^-1 A merges columns i and j.
// One thread per (pair, lane); only lanes with mask[l] != 0 (those whose weights changed) are assembled.
CL_KERNEL cl_dense_assemble(int total, int lanes, const int* pairI, const int* pairJ, const int* pairP,
                            const int* aColStart, const int* aRowIdx, const double* aVals, int aShared,
                            const double* pVals, int pShared, double rhoX, const double* rhoY, double* kmat,
                            const int* mask) {
    CL_FOR(t, total) {
        int pr = t / lanes;
        int l = t % lanes;
        if (mask[l] == 0) {
            continue;
        }
        int i = pairI[pr];
        int j = pairJ[pr];
        double s = i == j ? rhoX : 0.0;
        int pp = pairP[pr];
        if (pp >= 0) {
            s += pShared != 0 ? pVals[pp] : pVals[pp * lanes + l];
        }
        int ki = aColStart[i], ei = aColStart[i + 1];
        int kj = aColStart[j], ej = aColStart[j + 1];
        while (ki < ei && kj < ej) {
            int ri = aRowIdx[ki];
            int rj = aRowIdx[kj];
            if (ri < rj) {
                ki++;
            } else if (rj < ri) {
                kj++;
            } else {
                double ai = aShared != 0 ? aVals[ki] : aVals[ki * lanes + l];
                double aj = aShared != 0 ? aVals[kj] : aVals[kj * lanes + l];
                s += ai * aj / rhoY[ri * lanes + l];
                ki++;
                kj++;
            }
        }
        kmat[t] = s;
    }
}

// (b) In-place Cholesky K = L L^T of every lane's packed matrix; info[l] = 0 on success, j + 1 when
// the pivot of column j is not positive. One thread per lane; lanes with mask[l] == 0 are left as they are.
CL_KERNEL cl_dense_cholesky(int lanes, int n, double* kmat, int* info, const int* mask) {
    CL_FOR(l, lanes) {
        if (mask[l] == 0) {
            continue;
        }
        int status = 0;
        for (int j = 0; j < n && status == 0; j++) {
            int rj = j * (j + 1) / 2;
            double d = kmat[(rj + j) * lanes + l];
            for (int k = 0; k < j; k++) {
                double x = kmat[(rj + k) * lanes + l];
                d -= x * x;
            }
            if (!(d > 0)) {
                // Not positive definite (an indefinite P): a NaN pivot makes every solve of this lane NaN,
                // which the iteration reports as FAILED for this instance alone, as the CPU does.
                kmat[(rj + j) * lanes + l] = CUDART_NAN_CL;
                status = j + 1;
                break;
            }
            d = sqrt(d);
            kmat[(rj + j) * lanes + l] = d;
            for (int i = j + 1; i < n; i++) {
                int ri = i * (i + 1) / 2;
                double s = kmat[(ri + j) * lanes + l];
                for (int k = 0; k < j; k++) {
                    s -= kmat[(ri + k) * lanes + l] * kmat[(rj + k) * lanes + l];
                }
                kmat[(ri + j) * lanes + l] = s / d;
            }
        }
        info[l] = status;
    }
}

// (b) Solves L L^T x = x in place for every lane with the packed factor. One thread per lane.
CL_KERNEL cl_dense_chol_solve(int lanes, int n, const double* kmat, double* x) {
    CL_FOR(l, lanes) {
        for (int i = 0; i < n; i++) {
            int ri = i * (i + 1) / 2;
            double s = x[i * lanes + l];
            for (int k = 0; k < i; k++) {
                s -= kmat[(ri + k) * lanes + l] * x[k * lanes + l];
            }
            x[i * lanes + l] = s / kmat[(ri + i) * lanes + l];
        }
        for (int i = n - 1; i >= 0; i--) {
            double s = x[i * lanes + l];
            for (int k = i + 1; k < n; k++) {
                s -= kmat[(k * (k + 1) / 2 + i) * lanes + l] * x[k * lanes + l];
            }
            x[i * lanes + l] = s / kmat[(i * (i + 1) / 2 + i) * lanes + l];
        }
    }
}

// (c) Jacobi preconditioner: diag[j] = rhoX + P_jj + sum_k A_kj^2 / rhoY_k (pDiag[j] = position of
// P_jj in P's values or -1). One thread per (column, lane).
CL_KERNEL cl_cg_diag(int total, int lanes, const int* aColStart, const int* aRowIdx, const double* aVals,
                     int aShared, const int* pDiag, const double* pVals, int pShared, double rhoX,
                     const double* rhoY, double* diag) {
    CL_FOR(t, total) {
        int j = t / lanes;
        int l = t % lanes;
        double s = rhoX;
        int pp = pDiag[j];
        if (pp >= 0) {
            s += pShared != 0 ? pVals[pp] : pVals[pp * lanes + l];
        }
        for (int k = aColStart[j]; k < aColStart[j + 1]; k++) {
            double a = aShared != 0 ? aVals[k] : aVals[k * lanes + l];
            s += a * a / rhoY[aRowIdx[k] * lanes + l];
        }
        diag[t] = s;
    }
}

// (c) out = rhoX v + pv + atw: the reduced operator applied to v, given pv = P v and atw = A^T (A v ./ rhoY).
CL_KERNEL cl_cg_combine(int total, double rhoX, const double* v, const double* pv, const double* atw,
                        double* out) {
    CL_FOR(t, total) { out[t] = rhoX * v[t] + pv[t] + atw[t]; }
}

// (c) r = b - kx; z = r ./ diag; p = z (CG start from the warm x).
CL_KERNEL cl_cg_start(int total, const double* b, const double* kx, const double* diag, double* r, double* z,
                      double* p) {
    CL_FOR(t, total) {
        double rv = b[t] - kx[t];
        double zv = rv / diag[t];
        r[t] = rv;
        z[t] = zv;
        p[t] = zv;
    }
}

// (c) x += alpha p, r -= alpha kp, z = r ./ diag with alpha = rz / pkp per lane (0 for inactive lanes).
CL_KERNEL cl_cg_step(int total, int lanes, const double* rz, const double* pkp, const int* active, double* x,
                     double* r, double* z, const double* p, const double* kp, const double* diag) {
    CL_FOR(t, total) {
        int l = t % lanes;
        if (active[l] != 0 && pkp[l] > 0) {
            double alpha = rz[l] / pkp[l];
            x[t] += alpha * p[t];
            double rv = r[t] - alpha * kp[t];
            r[t] = rv;
            z[t] = rv / diag[t];
        }
    }
}

// (c) Per-lane CG scalars after a step: beta = rzNew / rz, rz = rzNew, and a lane stays active while
// ||r||^2 > tol2 * ||b||^2 (and its numbers are finite); anyActive[0] = 1 when some lane is active.
// One thread per lane.
CL_KERNEL cl_cg_scalars(int lanes, const double* rzNew, const double* rr, const double* bb, double tol2,
                        double* rz, double* beta, int* active, int* anyActive) {
    CL_FOR(l, lanes) {
        int a = active[l] != 0 && rr[l] > tol2 * bb[l] && isfinite(rzNew[l]) && rz[l] > 0;
        beta[l] = a ? rzNew[l] / rz[l] : 0.0;
        rz[l] = rzNew[l];
        active[l] = a;
        if (a) {
            anyActive[0] = 1;
        }
    }
}

// (c) p = z + beta p on active lanes.
CL_KERNEL cl_cg_direction(int total, int lanes, const double* beta, const int* active, const double* z,
                          double* p) {
    CL_FOR(t, total) {
        int l = t % lanes;
        if (active[l] != 0) {
            p[t] = z[t] + beta[l] * p[t];
        }
    }
}

// (b') Per-lane matrices of small order: factor K = L L^T and form the explicit inverse K^-1, so that
// every later solve is one matrix-vector product with all n x lanes rows in parallel
// (cl_dense_mv_lanes) instead of two triangular sweeps of n dependent steps each.
//
// One thread block per lane (lanes beyond the grid are taken in turn), the lane's packed factor L
// (pairs doubles) and packed L^-1 (pairs doubles) in dynamic shared memory, so that the O(n^3) work
// reads shared memory only. kmat holds the assembled packed matrices (pair * lanes + l, as written
// by cl_dense_assemble) and is left unchanged; kinv receives the full inverse, batch-minor:
// entry (i, j) of lane l at (i * n + j) * lanes + l. info[l] = 0 on success, j + 1 when the pivot of
// column j is not positive (kinv of that lane is then all NaN, so that its solves are NaN and the iteration
// reports the instance FAILED, as the CPU does). Lanes with mask[l] == 0 are skipped
// (their factor and inverse are still those of their unchanged weights).
//
// Phases between barriers (each a line of the Java twin):
//   load    L <- K                              (threads over pairs)
//   factor  per column j: thread 0 forms the pivot; threads over rows i > j form L_ij
//   invert  threads over columns j of L^-1 (forward substitution against unit vectors)
//   product threads over pairs (i >= j): K^-1_ij = sum_{k >= i} Linv_ki Linv_kj, written twice
CL_KERNEL cl_dense_factor_inverse(int lanes, int n, const double* kmat, double* kinv, int* info, const int* mask) {
    extern __shared__ double sh[];
    const int pairs = n * (n + 1) / 2;
    double* fl = sh;          // packed L
    double* il = sh + pairs;  // packed L^-1
    __shared__ int status;
    for (int l = (int)blockIdx.x; l < lanes; l += (int)gridDim.x) {
        if (mask[l] == 0) {
            continue; // uniform across the block: every thread reads the same flag
        }
        for (int p = (int)threadIdx.x; p < pairs; p += (int)blockDim.x) {
            fl[p] = kmat[(size_t)p * lanes + l];
        }
        if (threadIdx.x == 0) {
            status = 0;
        }
        __syncthreads();
        for (int j = 0; j < n; j++) {
            const int rj = j * (j + 1) / 2;
            if (threadIdx.x == 0) {
                double d = fl[rj + j];
                for (int k = 0; k < j; k++) {
                    d -= fl[rj + k] * fl[rj + k];
                }
                if (d > 0) {
                    fl[rj + j] = sqrt(d);
                } else {
                    status = j + 1;
                }
            }
            __syncthreads();
            if (status != 0) {
                break;
            }
            const double djj = fl[rj + j];
            for (int i = j + 1 + (int)threadIdx.x; i < n; i += (int)blockDim.x) {
                const int ri = i * (i + 1) / 2;
                double s = fl[ri + j];
                for (int k = 0; k < j; k++) {
                    s -= fl[ri + k] * fl[rj + k];
                }
                fl[ri + j] = s / djj;
            }
            __syncthreads();
        }
        const int failed = status;
        if (failed != 0) {
            for (int p = (int)threadIdx.x; p < n * n; p += (int)blockDim.x) {
                kinv[(size_t)p * lanes + l] = CUDART_NAN_CL;
            }
        }
        if (failed == 0) {
            for (int j = (int)threadIdx.x; j < n; j += (int)blockDim.x) {
                il[j * (j + 1) / 2 + j] = 1.0 / fl[j * (j + 1) / 2 + j];
                for (int i = j + 1; i < n; i++) {
                    const int ri = i * (i + 1) / 2;
                    double s = 0;
                    for (int k = j; k < i; k++) {
                        s += fl[ri + k] * il[k * (k + 1) / 2 + j];
                    }
                    il[ri + j] = -s / fl[ri + i];
                }
            }
            __syncthreads();
            for (int p = (int)threadIdx.x; p < pairs; p += (int)blockDim.x) {
                // p -> (i, j) with j <= i: i is the largest row whose first pair is <= p.
                int i = (int)((sqrt(8.0 * p + 1.0) - 1.0) * 0.5);
                while (i * (i + 1) / 2 > p) {
                    i--;
                }
                while ((i + 1) * (i + 2) / 2 <= p) {
                    i++;
                }
                const int j = p - i * (i + 1) / 2;
                double s = 0;
                for (int k = i; k < n; k++) {
                    const int rk = k * (k + 1) / 2;
                    s += il[rk + i] * il[rk + j];
                }
                kinv[((size_t)i * n + j) * lanes + l] = s;
                kinv[((size_t)j * n + i) * lanes + l] = s;
            }
        }
        if (threadIdx.x == 0) {
            info[l] = failed;
        }
        __syncthreads();
    }
}

// (b') out = K^-1 x per lane with the batch-minor inverse of cl_dense_factor_inverse, on the lanes with
// active[l] != 0 (0 elsewhere). One thread per (row, lane): neighbouring threads read neighbouring
// addresses of both the matrix and x.
CL_KERNEL cl_dense_mv_lanes(int total, int lanes, int n, const double* mat, const double* x, double* out,
                            const int* active) {
    CL_FOR(t, total) {
        int i = t / lanes;
        int l = t % lanes;
        double s = 0;
        if (active[l] != 0) {
            const double* row = mat + (size_t)i * n * lanes + l;
            for (int j = 0; j < n; j++) {
                s += row[(size_t)j * lanes] * x[j * lanes + l];
            }
        }
        out[t] = s;
    }
}
