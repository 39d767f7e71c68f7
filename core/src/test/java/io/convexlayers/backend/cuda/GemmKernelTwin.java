// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.backend.cuda;

/**
 * The Java twin of {@code cl_gemm_lanes} (cuda-kernels/gemm.cu), emulated as the GPU runs it: tile by
 * tile, each chunk of the inner dimension in two phases between the kernel's barriers — every thread's
 * share of the loads into the two shared-memory tiles (arrays of exactly the kernel's sizes), then every
 * thread's four multiply-adds per k — with {@link FusedKernelTwin#reverseThreads} running a phase's
 * threads in the opposite order.
 */
final class GemmKernelTwin {
    private static final int TILE = 32;
    private static final int K = 16;
    private static final int THREADS = 256;

    private GemmKernelTwin() {
    }

    static void run(CudaKernel.TwinArgs a, LaunchGeometry geometry) {
        if (geometry == null || geometry.threadsPerBlock() != THREADS) {
            throw new IllegalArgumentException("cl_gemm_lanes needs blocks of " + THREADS + " threads");
        }
        int rows = a.i(0);
        int inner = a.i(1);
        int lanes = a.i(2);
        int live = a.i(3);
        IPtr laneIdx = a.q(4);
        DPtr mat = a.p(5);
        DPtr x = a.p(6);
        DPtr out = a.p(7);
        int accumulate = a.i(8);
        double[][] ms = new double[TILE][K + 1];
        double[][] xs = new double[K][TILE];
        double[][] acc = new double[THREADS][4];
        int tilesL = (live + TILE - 1) / TILE;
        int tiles = ((rows + TILE - 1) / TILE) * tilesL;
        for (int tile = 0; tile < tiles; tile++) {
            int r0 = (tile / tilesL) * TILE;
            int l0 = (tile % tilesL) * TILE;
            for (double[] s : acc) {
                java.util.Arrays.fill(s, 0);
            }
            for (int k0 = 0; k0 < inner; k0 += K) {
                final int kBase = k0;
                forThreads(t -> {
                    for (int q = t; q < TILE * K; q += THREADS) {
                        int rr = q / K;
                        int kk = q % K;
                        int r = r0 + rr;
                        int k = kBase + kk;
                        ms[rr][kk] = r < rows && k < inner ? mat.get(r * inner + k) : 0.0;
                        int kx = q / TILE;
                        int lx = q % TILE;
                        int k2 = kBase + kx;
                        int c = l0 + lx;
                        xs[kx][lx] = k2 < inner && c < live ? x.get(k2 * lanes + laneIdx.get(c)) : 0.0;
                    }
                });
                int kEnd = Math.min(K, inner - k0);
                forThreads(t -> {
                    int tx = t % 16;
                    int ty = t / 16;
                    double[] s = acc[t];
                    for (int kk = 0; kk < kEnd; kk++) {
                        double a0 = ms[ty][kk];
                        double a1 = ms[ty + 16][kk];
                        double b0 = xs[kk][tx];
                        double b1 = xs[kk][tx + 16];
                        s[0] += a0 * b0;
                        s[1] += a0 * b1;
                        s[2] += a1 * b0;
                        s[3] += a1 * b1;
                    }
                });
            }
            forThreads(t -> {
                int tx = t % 16;
                int ty = t / 16;
                for (int q = 0; q < 4; q++) {
                    int r = r0 + ty + 16 * (q / 2);
                    int c = l0 + tx + 16 * (q % 2);
                    if (r < rows && c < live) {
                        int o = r * lanes + laneIdx.get(c);
                        out.set(o, accumulate != 0 ? out.get(o) + acc[t][q] : acc[t][q]);
                    }
                }
            });
        }
    }

    private static void forThreads(java.util.function.IntConsumer body) {
        for (int k = 0; k < THREADS; k++) {
            body.accept(FusedKernelTwin.reverseThreads ? THREADS - 1 - k : k);
        }
    }
}
