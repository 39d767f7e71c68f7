// Products of one matrix shared by the batch with a batch-minor block: out (rows x lanes) = M X, where M
// is rows x inner, row-major, and X is inner x lanes (batch-minor: entry k of lane l at k * lanes + l,
// i.e. X row-major). GEMM-shaped, so the matrix is read once per 32 lanes from shared memory instead of
// once per (row, lane) thread: the shared-matrix regime's products (the shared inverse, and A, A^T and P
// when their patterns are full).
#include "common.cuh"

#define CL_GEMM_TILE 32
#define CL_GEMM_K 16

// One block of 256 threads computes a 32 x 32 tile of out (rows r0.., lanes l0..); thread (ty, tx) =
// (t / 16, t % 16) owns the outputs (r0 + ty + 16 a, l0 + tx + 16 b), a, b in {0, 1}. The inner dimension
// is walked in chunks of 16 through shared memory (phases between barriers: load the M and X chunks,
// then multiply-add). Every output accumulates its products in ascending k from 0, the order of
// a plain dot product and of cl_csr_mv over a full row, so the two give the same sums. Only the live
// lanes are computed: column c < live of the product is lane laneIdx[c], so a batch whose lanes have
// finished costs what its running lanes need (the other lanes' outputs are left as they are).
// Blocks take tiles in turn.
CL_KERNEL cl_gemm_lanes(int rows, int inner, int lanes, int live, const int* laneIdx, const double* mat,
                        const double* x, double* out, int accumulate) {
    __shared__ double ms[CL_GEMM_TILE][CL_GEMM_K + 1];
    __shared__ double xs[CL_GEMM_K][CL_GEMM_TILE];
    const int t = (int)threadIdx.x;
    const int tx = t % 16;
    const int ty = t / 16;
    const int tilesL = (live + CL_GEMM_TILE - 1) / CL_GEMM_TILE;
    const int tiles = ((rows + CL_GEMM_TILE - 1) / CL_GEMM_TILE) * tilesL;
    for (int tile = (int)blockIdx.x; tile < tiles; tile += (int)gridDim.x) {
        const int r0 = (tile / tilesL) * CL_GEMM_TILE;
        const int l0 = (tile % tilesL) * CL_GEMM_TILE;
        double s00 = 0, s01 = 0, s10 = 0, s11 = 0;
        for (int k0 = 0; k0 < inner; k0 += CL_GEMM_K) {
            // load
            for (int q = t; q < CL_GEMM_TILE * CL_GEMM_K; q += 256) {
                int rr = q / CL_GEMM_K;
                int kk = q % CL_GEMM_K;
                int r = r0 + rr;
                int k = k0 + kk;
                ms[rr][kk] = (r < rows && k < inner) ? mat[(size_t)r * inner + k] : 0.0;
                int kx = q / CL_GEMM_TILE;
                int lx = q % CL_GEMM_TILE;
                int k2 = k0 + kx;
                int c = l0 + lx;
                xs[kx][lx] = (k2 < inner && c < live) ? x[(size_t)k2 * lanes + laneIdx[c]] : 0.0;
            }
            __syncthreads();
            // multiply-add
            int kEnd = inner - k0 < CL_GEMM_K ? inner - k0 : CL_GEMM_K;
            for (int kk = 0; kk < kEnd; kk++) {
                double a0 = ms[ty][kk];
                double a1 = ms[ty + 16][kk];
                double b0 = xs[kk][tx];
                double b1 = xs[kk][tx + 16];
                s00 += a0 * b0;
                s01 += a0 * b1;
                s10 += a1 * b0;
                s11 += a1 * b1;
            }
            __syncthreads();
        }
        double s[4] = {s00, s01, s10, s11};
        for (int q = 0; q < 4; q++) {
            int r = r0 + ty + 16 * (q / 2);
            int c = l0 + tx + 16 * (q % 2);
            if (r < rows && c < live) {
                size_t o = (size_t)r * lanes + laneIdx[c];
                out[o] = accumulate != 0 ? out[o] + s[q] : s[q];
            }
        }
    }
}
