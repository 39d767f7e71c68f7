// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.backend.cuda;

import io.convexlayers.data.SparsePattern;

/**
 * Strategy (b): per-lane matrices of small order. Each lane's reduced matrix is assembled on the
 * device in packed lower-triangular storage (batch-minor) and factored by Cholesky; nothing leaves the
 * device. Two ways to apply the factor, chosen by order:
 * <ul>
 *   <li><b>inverse</b> (n ≤ {@link #inverseMaxOrder}): one thread block per lane factors in shared
 *       memory and forms K⁻¹ ({@code cl_dense_factor_inverse}); a solve is then one product with n ×
 *       lanes independent rows ({@code cl_dense_mv_lanes}). Measured on an H200 (1024 lanes, n = 100)
 *       the triangular sweeps cost 1.46 ms per solve with one thread per lane: n dependent steps each,
 *       and only 1024 threads on a device that holds 270 000;</li>
 *   <li><b>triangular</b> (larger n, where two packed matrices exceed a block's shared memory): the
 *       one-thread-per-lane Cholesky and forward/back substitution.</li>
 * </ul>
 * The inverse costs n² doubles per lane beside the packed factor; a refactorization (a scale change) is
 * rare, a solve happens every iteration.
 */
final class BatchedCholeskyKkt implements DeviceKkt {
    /** Threads of one factor-inverse block: enough rows of a column in flight, few idle at small n. */
    static final int FACTOR_BLOCK = 128;

    private final Device dev;
    private final DeviceMatrices mat;
    private final DeviceBuffer rhoY;
    private final int pairs;
    private final boolean inverse;
    private final DeviceBuffer pairI;
    private final DeviceBuffer pairJ;
    private final DeviceBuffer pairP;
    private final DeviceBuffer factor;
    private final DeviceBuffer kinv;
    private final DeviceBuffer rhsN;
    private final DeviceBuffer info;
    private final DeviceBuffer tmpM;
    private final DeviceBuffer laneMask;
    private final int[] maskHost;
    private double rhoX = Double.NaN;

    BatchedCholeskyKkt(BufferPool.Lease lease, DeviceMatrices mat, DeviceBuffer rhoY) {
        this(lease, mat, rhoY, mat.n <= inverseMaxOrder(lease.device().sharedBytesPerBlock()));
    }

    /** As above with the way of applying the factor chosen by the caller (tests use both). */
    BatchedCholeskyKkt(BufferPool.Lease lease, DeviceMatrices mat, DeviceBuffer rhoY, boolean inverse) {
        if (inverse && mat.n > inverseMaxOrder(lease.device().sharedBytesPerBlock())) {
            throw new IllegalArgumentException("order " + mat.n + " exceeds the inverse path's "
                    + inverseMaxOrder(lease.device().sharedBytesPerBlock()));
        }
        this.dev = lease.device();
        this.mat = mat;
        this.rhoY = rhoY;
        int n = mat.n;
        this.pairs = n * (n + 1) / 2;
        this.inverse = inverse;
        int[] pi = new int[pairs];
        int[] pj = new int[pairs];
        int[] pp = new int[pairs];
        SparsePattern p = mat.pPattern();
        for (int i = 0; i < n; i++) {
            for (int j = 0; j <= i; j++) {
                int q = i * (i + 1) / 2 + j;
                pi[q] = i;
                pj[q] = j;
                // P stores its upper triangle: entry (j, i) with j <= i sits in column i.
                pp[q] = mat.hasP ? p.find(j, i) : -1;
            }
        }
        this.pairI = lease.upload(pi);
        this.pairJ = lease.upload(pj);
        this.pairP = lease.upload(pp);
        this.factor = lease.doubles(Math.max(1, pairs * mat.lanes));
        this.kinv = inverse ? lease.doubles(Math.max(1, n * n * mat.lanes)) : null;
        this.rhsN = inverse ? lease.doubles(Math.max(1, n * mat.lanes)) : null;
        this.info = lease.ints(mat.lanes);
        this.tmpM = lease.doubles(Math.max(1, mat.m * mat.lanes));
        this.laneMask = lease.ints(mat.lanes);
        this.maskHost = new int[mat.lanes];
    }

    /**
     * The largest order whose packed factor and packed inverse fit together in {@code sharedBytes} of a
     * block's shared memory (n = 169 on Hopper's 227 KiB).
     */
    static int inverseMaxOrder(int sharedBytes) {
        int n = 0;
        while (sharedBytesFor(n + 1) <= sharedBytes) {
            n++;
        }
        return n;
    }

    private static long sharedBytesFor(int n) {
        return 2L * 8 * n * (n + 1) / 2;
    }

    /** Device memory per lane for an order-n reduced matrix, in bytes (the inverse path's at most). */
    static long bytesPerLane(int n) {
        long packed = 8L * n * (n + 1) / 2;
        return n <= inverseMaxOrder(Device.MAX_SHARED_BYTES) ? packed + 8L * n * n + 8L * n : packed;
    }

    /** The per-lane inverses (entry (i, j) of lane l at (i n + j) lanes + l); null on the triangular path. */
    DeviceBuffer inverse() {
        return kinv;
    }

    /** True when solves apply the explicit inverse. */
    boolean usesInverse() {
        return inverse;
    }

    @Override
    public void factor(double rhoX, double[] rhoYHost, boolean[] changed) {
        if (rhoX != this.rhoX) {
            changed = null; // ρ_x enters every lane's matrix
        }
        this.rhoX = rhoX;
        int lanes = mat.lanes;
        for (int l = 0; l < lanes; l++) {
            maskHost[l] = changed == null || changed[l] ? 1 : 0;
        }
        dev.upload(maskHost, 0, laneMask.ptr(), lanes);
        dev.launch(CudaKernel.DENSE_ASSEMBLE, pairs * lanes, pairs * lanes, lanes, pairI, pairJ, pairP,
                mat.aColStart, mat.aRowIdx, mat.aVals, mat.sharedFlag(), mat.pVals, mat.sharedFlag(), rhoX, rhoY,
                factor, laneMask);
        if (inverse) {
            dev.launchBlocks(CudaKernel.DENSE_FACTOR_INVERSE, lanes, FACTOR_BLOCK, (int) sharedBytesFor(mat.n), lanes,
                    mat.n, factor, kinv, info, laneMask);
        } else {
            dev.launch(CudaKernel.DENSE_CHOLESKY, lanes, lanes, mat.n, factor, info, laneMask);
        }
    }

    /** Per-lane Cholesky status of the last factorization: 0 = ok, j + 1 = failed at column j. */
    int[] info() {
        int[] out = new int[mat.lanes];
        dev.download(info.ptr(), out, 0, mat.lanes);
        return out;
    }

    @Override
    public void solve(DeviceVector v, boolean accurate) {
        if (inverse) {
            DeviceKkt.reducedRhs(dev, mat, rhoY, v, tmpM, rhsN.ptr());
            int nl = mat.n * mat.lanes;
            dev.launch(CudaKernel.DENSE_MV_LANES, nl, nl, mat.lanes, mat.n, kinv, rhsN, v.ptr(), mat.activeLanes());
        } else {
            DeviceKkt.reducedRhs(dev, mat, rhoY, v, tmpM, v.ptr());
            dev.launch(CudaKernel.DENSE_CHOL_SOLVE, mat.lanes, mat.lanes, mat.n, factor, v.ptr());
        }
        DeviceKkt.recoverY(dev, mat, rhoY, v, tmpM);
    }

    @Override
    public boolean sharedFactor() {
        return false;
    }

    @Override
    public String name() {
        return inverse ? "cuda-batched-inverse" : "cuda-batched-cholesky";
    }

    double rhoX() {
        return rhoX;
    }
}
