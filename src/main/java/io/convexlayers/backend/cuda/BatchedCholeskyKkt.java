package io.convexlayers.backend.cuda;

import io.convexlayers.data.SparsePattern;

/**
 * Strategy (b): per-lane matrices of small order. Each lane's reduced matrix is assembled on the
 * device in packed lower-triangular storage (batch-minor), factored by a batched dense Cholesky and
 * applied by batched triangular solves; nothing leaves the device.
 */
final class BatchedCholeskyKkt implements DeviceKkt {
    private final Device dev;
    private final DeviceMatrices mat;
    private final DeviceBuffer rhoY;
    private final int pairs;
    private final DeviceBuffer pairI;
    private final DeviceBuffer pairJ;
    private final DeviceBuffer pairP;
    private final DeviceBuffer factor;
    private final DeviceBuffer info;
    private final DeviceBuffer tmpM;
    private double rhoX;

    BatchedCholeskyKkt(BufferPool.Lease lease, DeviceMatrices mat, DeviceBuffer rhoY) {
        this.dev = lease.device();
        this.mat = mat;
        this.rhoY = rhoY;
        int n = mat.n;
        this.pairs = n * (n + 1) / 2;
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
        this.info = lease.ints(mat.lanes);
        this.tmpM = lease.doubles(Math.max(1, mat.m * mat.lanes));
    }

    /** Device memory per lane for an order-n reduced matrix, in bytes. */
    static long bytesPerLane(int n) {
        return 8L * n * (n + 1) / 2;
    }

    @Override
    public void factor(double rhoX, double[] rhoYHost) {
        this.rhoX = rhoX;
        int lanes = mat.lanes;
        dev.launch(CudaKernel.DENSE_ASSEMBLE, pairs * lanes, pairs * lanes, lanes, pairI, pairJ, pairP,
                mat.aColStart, mat.aRowIdx, mat.aVals, mat.sharedFlag(), mat.pVals, mat.sharedFlag(), rhoX, rhoY,
                factor);
        dev.launch(CudaKernel.DENSE_CHOLESKY, lanes, lanes, mat.n, factor, info);
    }

    /** Per-lane Cholesky status of the last factorization: 0 = ok, j + 1 = failed at column j. */
    int[] info() {
        int[] out = new int[mat.lanes];
        dev.download(info.ptr(), out, 0, mat.lanes);
        return out;
    }

    @Override
    public void solve(DeviceVector v, boolean accurate) {
        DeviceKkt.reducedRhs(dev, mat, rhoY, v, tmpM, v.ptr());
        dev.launch(CudaKernel.DENSE_CHOL_SOLVE, mat.lanes, mat.lanes, mat.n, factor, v.ptr());
        DeviceKkt.recoverY(dev, mat, rhoY, v, tmpM);
    }

    @Override
    public boolean sharedFactor() {
        return false;
    }

    @Override
    public String name() {
        return "cuda-batched-cholesky";
    }

    double rhoX() {
        return rhoX;
    }
}
