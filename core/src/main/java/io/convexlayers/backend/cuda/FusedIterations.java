// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.backend.cuda;

import io.convexlayers.data.ConeDims;

/**
 * Runs of Douglas–Rachford iterations as one launch of {@code cl_hsde_fused} (cuda-kernels/fused.cu)
 * for the small-instance regime: per-lane matrices whose KKT inverse the batched Cholesky path forms
 * ({@link BatchedCholeskyKkt#usesInverse}) and only zero and nonnegative cones. The graph path pays one
 * graph launch (about nine kernels) per iteration; here a whole run between checks — and the check's
 * residual statistics — is one kernel, in which a thread block owns a few adjacent lanes and walks their
 * iterations phase by phase between barriers; for blocks of at most {@link #MAX_ROWS} rows. The
 * arithmetic is that of the separate kernels, row by
 * row and reduction by reduction, so the iterates are the same bits (tested on the emulated device).
 *
 * <p>Geometry: {@link #rowThreads} threads per lane (a multiple of 32 covering the longer of the x and
 * y blocks, at most {@link #MAX_ROW_THREADS}) and {@link #group} lanes per block (up to
 * {@link #MAX_BLOCK_THREADS} threads), so that the block's lanes share the 32-byte sectors of their
 * batch-minor rows. When the group's inverses fit in a block's shared memory they are loaded once per
 * launch and the iterations read K⁻¹ from there instead of from global memory.
 */
final class FusedIterations {
    /** Threads of one lane at most (rows beyond take turns). */
    static final int MAX_ROW_THREADS = 256;
    /** Threads of one block at most. */
    static final int MAX_BLOCK_THREADS = 256;
    /** Lanes of one block at most: eight adjacent doubles fill two 32-byte sectors of a row. */
    static final int MAX_GROUP = 8;
    /**
     * Rows of the longer block at most (n and m). Each row thread computes whole rows of A, Aᵀ and K⁻¹
     * serially, so a lane's critical path grows with the row lengths: by the cost model
     * ({@link H200CostModel}) the fused run wins while launches dominate (1 QP n = 10, m = 20: 3.8 ms
     * predicted against 8.0 ms for the graph path) and loses at n = 100 (qpth B = 128: 26 against 22 ms;
     * 1024 QPs with m = 200: 422 against 222 ms, where the graph path's one thread per (row, lane) keeps
     * the whole device busy). To be re-measured when a GPU is lent.
     */
    static final int MAX_ROWS = 64;
    /** System property that turns the fused runs off ({@code false}): every iteration then replays the graph. */
    static final String PROPERTY = "convexlayers.cuda.fused";

    private final Device dev;
    private final DeviceMatrices mat;
    private final DeviceBuffer rhoY;
    private final DeviceBuffer kinv;
    private final int n;
    private final int m;
    private final int lanes;
    private final int nnStart;
    private final int nnEnd;
    private final int rowThreads;
    private final int group;
    private final boolean kinvShared;
    private final DeviceBuffer rhsN;
    private final DeviceBuffer tmpM;
    private final DeviceBuffer[] structures;

    FusedIterations(BufferPool.Lease lease, DeviceMatrices mat, DeviceBuffer rhoY, BatchedCholeskyKkt kkt,
                    ConeDims cones) {
        this.dev = lease.device();
        this.mat = mat;
        this.rhoY = rhoY;
        this.kinv = kkt.inverse();
        this.n = mat.n;
        this.m = mat.m;
        this.lanes = mat.lanes;
        this.nnStart = n + cones.nonnegStart();
        this.nnEnd = nnStart + cones.nonneg();
        this.rowThreads = rowThreads(n, m);
        this.group = group(rowThreads, lanes);
        this.kinvShared = sharedBytes(group, n) <= dev.sharedBytesPerBlock();
        this.rhsN = lease.doubles(Math.max(1, n * lanes));
        this.tmpM = lease.doubles(Math.max(1, m * lanes));
        this.structures = mat.productStructures();
    }

    /**
     * True when a chunk can run fused: the per-lane inverse path, only zero and nonnegative cones, blocks
     * of at most {@link #MAX_ROWS} rows, and the property not set to {@code false}.
     */
    static boolean applies(DeviceKkt kkt, ConeDims cones, int n, int m) {
        if (Math.max(n, m) > MAX_ROWS) {
            return false;
        }
        boolean polyhedral = cones.soc().length == 0 && cones.psd().length == 0 && cones.exp() == 0
                && cones.dualExp() == 0 && cones.power().length == 0;
        return polyhedral && kkt instanceof BatchedCholeskyKkt b && b.usesInverse()
                && !"false".equalsIgnoreCase(System.getProperty(PROPERTY, "true"));
    }

    /** Threads per lane: the longer block's rows rounded up to a warp, between 32 and {@link #MAX_ROW_THREADS}. */
    static int rowThreads(int n, int m) {
        int rows = Math.max(n, m);
        int warps = (rows + LaunchGeometry.WARP - 1) / LaunchGeometry.WARP;
        return Math.min(MAX_ROW_THREADS, Math.max(1, warps) * LaunchGeometry.WARP);
    }

    /** Lanes per block: as many as {@link #MAX_BLOCK_THREADS} allows, at most {@link #MAX_GROUP} and the batch. */
    static int group(int rowThreads, int lanes) {
        return Math.max(1, Math.min(Math.min(MAX_GROUP, lanes), MAX_BLOCK_THREADS / rowThreads));
    }

    /** Dynamic shared memory for a group's inverses. */
    static long sharedBytes(int group, int n) {
        return 8L * group * n * n;
    }

    int rowThreads() {
        return rowThreads;
    }

    int group() {
        return group;
    }

    boolean inverseInSharedMemory() {
        return kinvShared;
    }

    /**
     * {@code iterations} iterations of every active lane, the last ending at a check when
     * {@code check}: then {@code rsk} holds R(v + u − 2ũ) and {@code statsDev} the residual statistics.
     */
    void run(int iterations, boolean check, double alpha, double rhoX, double tauWeight, DeviceVector g,
             DeviceVector v, DeviceVector u, DeviceVector uTilde, DeviceVector rsk, DeviceBuffer workM,
             DeviceBuffer workN, DeviceBuffer workN2, DeviceBuffer d, DeviceBuffer e, DeviceBuffer bHat,
             DeviceBuffer cHat, DeviceBuffer sigma, DeviceBuffer magnitudes, DeviceBuffer stats) {
        int groups = (lanes + group - 1) / group;
        int shared = kinvShared ? (int) sharedBytes(group, n) : 0;
        DeviceBuffer[] s = structures;
        dev.launchBlocks(CudaKernel.HSDE_FUSED, groups, group * rowThreads, shared, lanes, n, m, group, rowThreads,
                iterations, check ? 1 : 0, nnStart, nnEnd, mat.hasP ? 1 : 0, mat.sharedFlag(), kinvShared ? 1 : 0,
                s[0], s[1], s[2], s[3], s[4], s[5], s[6], s[7], s[8], alpha, rhoX, tauWeight, mat.aVals, mat.pVals,
                rhoY, kinv, g, v, u, uTilde, rsk, rhsN, tmpM, workM, workN, workN2, d, e, bHat, cHat, sigma, magnitudes,
                stats, mat.activeLanes());
    }
}
