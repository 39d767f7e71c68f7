// Block-level building blocks of the interior-point kernel (ipm.cu): reductions over a block, products
// with a lane's dense matrices, and the diagonally pivoted LDL^T of a quasi-definite matrix held in
// shared memory. One thread block owns one lane; every per-row loop strides by the block (row i is
// thread i % blockDim.x's), so elementwise steps on a thread's own rows need no barrier, and every
// helper that reads rows of other threads starts with a barrier. The device functions here and in ipm.cu
// have external linkage on purpose: nvcc names an outlined static function with a per-compilation hash,
// which would make the committed PTX differ at every build (ci/build-ptx.sh --check).
#pragma once
#include "common.cuh"

// Values reduced together at most (cl_block_reduce): red holds CL_IPM_RED * 32 doubles.
#define CL_IPM_RED 16

// Reduces count values per thread over the block: bit k of maxMask set -> maximum (NaN wins), else
// sum. Each warp combines its 32 partials by a butterfly, then every thread adds (or maxes) the warps'
// results in warp order, so all threads hold the same bits.
__device__ void cl_block_reduce(double* v, int count, unsigned maxMask, double* red) {
    const int warp = (int)threadIdx.x / CL_WARP;
    const int warps = (int)blockDim.x / CL_WARP;
    for (int k = 0; k < count; k++) {
        v[k] = ((maxMask >> k) & 1u) != 0 ? cl_warp_max(v[k]) : cl_warp_sum(v[k]);
    }
    __syncthreads();
    if ((int)threadIdx.x % CL_WARP == 0) {
        for (int k = 0; k < count; k++) {
            red[k * CL_WARP + warp] = v[k];
        }
    }
    __syncthreads();
    for (int k = 0; k < count; k++) {
        bool mx = ((maxMask >> k) & 1u) != 0;
        double r = red[k * CL_WARP];
        for (int w = 1; w < warps; w++) {
            r = mx ? cl_max(r, red[k * CL_WARP + w]) : r + red[k * CL_WARP + w];
        }
        v[k] = r;
    }
}

__device__ double cl_block_sum(double x, double* red) {
    double v[1] = {x};
    cl_block_reduce(v, 1, 0u, red);
    return v[0];
}

__device__ double cl_block_max(double x, double* red) {
    double v[1] = {x};
    cl_block_reduce(v, 1, 1u, red);
    return v[0];
}

// The minimum over the block (NaN wins): the negated maximum of the negated values.
__device__ double cl_block_min(double x, double* red) {
    return -cl_block_max(-x, red);
}

// The lane's dense products (A row-major, m x n; P both triangles, n x n). Each output is a dot product
// over an inner index; when the block has at least twice as many threads as outputs the inner range is
// split into chunks = min(CL_IPM_MAX_CHUNKS, threads / outputs) parts, one thread each, whose partial
// sums (in scratch: CL_IPM_MAX_THREADS doubles of shared memory) are then added in chunk order. Output o
// is written by thread o % blockDim.x.
#define CL_IPM_MAX_CHUNKS 8
#define CL_IPM_MAX_THREADS 256
#define CL_IPM_MUL_A 0
#define CL_IPM_MUL_AT 1
#define CL_IPM_MUL_P 2

// The partial dot product of output o over inner indices [k0, k1).
__device__ __forceinline__ double cl_ipm_dot(int mode, const double* M, double cs, const double* v, int n,
                                                    int o, int k0, int k1) {
    double s = 0;
    if (mode == CL_IPM_MUL_A) {
        const double* a = M + (size_t)o * n;
        for (int k = k0; k < k1; k++) {
            s += a[k] * v[k];
        }
    } else if (mode == CL_IPM_MUL_AT) {
        for (int k = k0; k < k1; k++) {
            s += M[(size_t)k * n + o] * v[k];
        }
    } else {
        const double* p = M + (size_t)o * n;
        for (int k = k0; k < k1; k++) {
            s += (cs * p[k]) * v[k];
        }
    }
    return s;
}

// out[o] = the product's output o for o < outputs over inner indices [0, inner); outputs below zeroRows
// (the zero-cone rows of A x where the caller wants them zeroed) are 0.
__device__ void cl_ipm_apply(int mode, const double* M, double cs, const double* v, double* out, int n,
                                    int outputs, int inner, int zeroRows, double* scratch) {
    const int tid = (int)threadIdx.x;
    const int T = (int)blockDim.x;
    __syncthreads();
    const int chunks = outputs > 0 ? min(CL_IPM_MAX_CHUNKS, max(1, T / outputs)) : 1;
    if (chunks == 1) {
        for (int o = tid; o < outputs; o += T) {
            out[o] = o < zeroRows ? 0 : cl_ipm_dot(mode, M, cs, v, n, o, 0, inner);
        }
        return;
    }
    const int o = tid % outputs;
    const int c = tid / outputs;
    if (c < chunks) {
        int k0 = (int)((long long)c * inner / chunks);
        int k1 = (int)((long long)(c + 1) * inner / chunks);
        scratch[c * outputs + o] = o < zeroRows ? 0 : cl_ipm_dot(mode, M, cs, v, n, o, k0, k1);
    }
    __syncthreads();
    for (int q = tid; q < outputs; q += T) {
        double acc = scratch[q];
        for (int k = 1; k < chunks; k++) {
            acc += scratch[k * outputs + q];
        }
        out[q] = acc;
    }
}

// Diagonally pivoted LDL^T of the order-N matrix K (row-major, both triangles, shared memory), the
// largest remaining diagonal entry first (the first on ties); unknowns perm[k] < positive must get
// positive pivots, the others negative ones, and a pivot of the wrong sign or at most eps in size is
// replaced by +-delta. L overwrites the strict lower triangle, the pivots go to piv. colf (N doubles)
// and sel (1 int) are scratch in shared memory. Returns the smallest pivot before replacement.
__device__ double cl_ipm_ldl(double* K, int* perm, double* piv, double* colf, int* sel, int N, int positive,
                                    double eps, double delta) {
    const int tid = (int)threadIdx.x;
    const int T = (int)blockDim.x;
    __syncthreads();
    for (int i = tid; i < N; i += T) {
        perm[i] = i;
    }
    double smallest = CL_INF;
    for (int k = 0; k < N; k++) {
        __syncthreads();
        if (tid < CL_WARP) {
            double best = -1;
            int idx = N;
            for (int i = k + tid; i < N; i += CL_WARP) {
                double v = fabs(K[(size_t)i * N + i]);
                if (v > best) {
                    best = v;
                    idx = i;
                }
            }
            for (int o = CL_WARP / 2; o > 0; o >>= 1) {
                double ob = __shfl_xor_sync(0xffffffffu, best, o);
                int oi = __shfl_xor_sync(0xffffffffu, idx, o);
                if (ob > best || (ob == best && oi < idx)) {
                    best = ob;
                    idx = oi;
                }
            }
            if (tid == 0) {
                sel[0] = idx == N ? k : idx;
            }
        }
        __syncthreads();
        const int p = sel[0];
        if (p != k) {
            for (int j = tid; j < N; j += T) {
                double t = K[(size_t)k * N + j];
                K[(size_t)k * N + j] = K[(size_t)p * N + j];
                K[(size_t)p * N + j] = t;
            }
            __syncthreads();
            for (int i = k + tid; i < N; i += T) {
                double t = K[(size_t)i * N + k];
                K[(size_t)i * N + k] = K[(size_t)i * N + p];
                K[(size_t)i * N + p] = t;
            }
            if (tid == 0) {
                int t = perm[k];
                perm[k] = perm[p];
                perm[p] = t;
            }
            __syncthreads();
        }
        double dk = K[(size_t)k * N + k];
        smallest = cl_min(smallest, dk);
        bool wantPositive = perm[k] < positive;
        if (wantPositive ? !(dk > eps) : !(dk < -eps)) {
            dk = wantPositive ? delta : -delta;
        }
        const double inv = 1 / dk;
        for (int i = k + 1 + tid; i < N; i += T) {
            colf[i] = K[(size_t)i * N + k] * inv;
        }
        __syncthreads();
        if (tid == 0) {
            piv[k] = dk;
        }
        const int w = N - k - 1;
        for (int q = tid; q < w * w; q += T) {
            int i = k + 1 + q / w;
            int j = k + 1 + q % w;
            double f = colf[i];
            if (f != 0) {
                K[(size_t)i * N + j] -= f * K[(size_t)k * N + j];
            }
        }
        for (int i = k + 1 + tid; i < N; i += T) {
            K[(size_t)i * N + k] = colf[i];
        }
    }
    __syncthreads();
    return smallest;
}

// Solves K x = r in place (r in shared memory, N entries) with the factor of cl_ipm_ldl, y (N doubles
// of shared memory) as the permuted work vector. The substitutions run in the block's first warp,
// column by column (each y[i] receives its updates in the order of the row-oriented loops).
__device__ void cl_ipm_ldl_solve(const double* K, const int* perm, const double* piv, double* r, double* y,
                                        int N) {
    const int tid = (int)threadIdx.x;
    __syncthreads();
    if (tid < CL_WARP) {
        for (int i = tid; i < N; i += CL_WARP) {
            y[i] = r[perm[i]];
        }
        __syncwarp();
        for (int k = 0; k < N; k++) {
            double yk = y[k];
            for (int i = k + 1 + tid; i < N; i += CL_WARP) {
                y[i] -= K[(size_t)i * N + k] * yk;
            }
            __syncwarp();
        }
        for (int i = tid; i < N; i += CL_WARP) {
            y[i] /= piv[i];
        }
        __syncwarp();
        for (int i = N - 1; i > 0; i--) {
            double yi = y[i];
            for (int k = tid; k < i; k += CL_WARP) {
                y[k] -= K[(size_t)i * N + k] * yi;
            }
            __syncwarp();
        }
        for (int i = tid; i < N; i += CL_WARP) {
            r[perm[i]] = y[i];
        }
    }
    __syncthreads();
}
