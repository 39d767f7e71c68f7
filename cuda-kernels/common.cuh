// Shared conventions of the convexlayers kernels (DESIGN §2, §7).
//
// Every batched vector is batch-minor: entry i of lane l lives at i * lanes + l, so one flat thread
// index t -> (i = t / lanes, l = t % lanes) makes neighbouring threads touch neighbouring addresses
// for any batch size. Every kernel walks its index space with a grid-stride loop, so any launch
// geometry covers any size. Per-lane reductions over a lane's rows give each lane one warp
// (CL_FOR_LANE_WARP: thread w of the warp takes rows w, w + 32, ..., then a butterfly of shuffles
// combines the 32 partial results); small per-cone factorizations use one thread per (cone, lane);
// the per-lane dense factorization uses one block per lane with shared memory. Each kernel has a Java
// twin in io.convexlayers.backend.cuda.KernelTwins that follows the same order of operations.
#pragma once

#define CL_KERNEL extern "C" __global__ void

// for (int t = first thread; t < total; t += all threads)
#define CL_FOR(t, total)                                                        \
    for (int t = (int)(blockIdx.x * blockDim.x + threadIdx.x); t < (total);   \
         t += (int)(blockDim.x * gridDim.x))

// max with Java's Math.max semantics for NaN (a NaN argument gives NaN), so that a broken lane shows
// up in the residual statistics exactly as on the CPU.
static __device__ __forceinline__ double cl_max(double a, double b) {
    return (a > b || a != a) ? a : b;
}

static __device__ __forceinline__ double cl_min(double a, double b) {
    return (a < b || a != a) ? a : b;
}

// Threads of a warp: a per-lane reduction runs on one warp per lane.
#define CL_WARP 32

// for (each lane l owned by this warp; w = this thread's index in the warp). Launched over lanes * 32
// threads with blocks of a multiple of 32, so all threads of a warp share l and leave the loop together
// (the shuffles below need the whole warp).
#define CL_FOR_LANE_WARP(l, w, lanes)                                                          \
    for (int cl_t_ = (int)(blockIdx.x * blockDim.x + threadIdx.x), l = cl_t_ / CL_WARP,       \
             w = cl_t_ % CL_WARP;                                                              \
         l < (lanes);                                                                          \
         cl_t_ += (int)(blockDim.x * gridDim.x), l = cl_t_ / CL_WARP, w = cl_t_ % CL_WARP)

// The sum of v over the warp, combined by a butterfly (offsets 16, 8, 4, 2, 1); every thread gets it.
static __device__ __forceinline__ double cl_warp_sum(double v) {
    for (int o = CL_WARP / 2; o > 0; o >>= 1) {
        v += __shfl_xor_sync(0xffffffffu, v, o);
    }
    return v;
}

// The maximum of v over the warp (NaN wins, as in cl_max); every thread gets it.
static __device__ __forceinline__ double cl_warp_max(double v) {
    for (int o = CL_WARP / 2; o > 0; o >>= 1) {
        v = cl_max(v, __shfl_xor_sync(0xffffffffu, v, o));
    }
    return v;
}

// A quiet NaN (the bit pattern of Java's Double.NaN), for results that must read as "failed".
#define CUDART_NAN_CL __longlong_as_double(0x7ff8000000000000LL)

// +infinity (the bit pattern of Java's Double.POSITIVE_INFINITY).
#define CL_INF __longlong_as_double(0x7ff0000000000000LL)

