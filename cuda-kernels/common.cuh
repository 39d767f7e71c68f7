// Shared conventions of the convexlayers kernels (DESIGN §2, §7).
//
// Every batched vector is batch-minor: entry i of lane l lives at i * lanes + l, so one flat thread
// index t -> (i = t / lanes, l = t % lanes) makes neighbouring threads touch neighbouring addresses
// for any batch size. Every kernel walks its index space with a grid-stride loop, so any launch
// geometry covers any size. Kernels that need a per-lane reduction or a small per-lane factorization
// use one thread per lane (or per cone and lane) and loop inside it; there is no shared memory and no
// barrier, which keeps each kernel a line-by-line match of its Java twin in
// io.convexlayers.backend.cuda.KernelTwins.
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
