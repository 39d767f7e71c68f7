// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.backend.cuda;

/**
 * Strategy (c): large sparse per-lane matrices. The reduced system is solved matrix-free by
 * Jacobi-preconditioned conjugate gradients, all lanes in lock-step with per-lane step sizes and
 * per-lane stopping kept on the device (a finished lane's step is zero). Iteration solves start from
 * the previous solution and stop at a relative residual that shrinks like k^-1.5 with the solve count
 * k (summable, so the outer iteration still converges); the solve for the cached g runs to full
 * precision from zero. Every {@link #CHECK_EVERY} CG steps one int (is any lane still active?) is
 * read back to stop early.
 */
final class JacobiCgKkt implements DeviceKkt {
    static final int CHECK_EVERY = 5;
    static final double BASE_TOL = 1e-6;
    static final double BEST_TOL = 1e-12;

    private final Device dev;
    private final DeviceMatrices mat;
    private final DeviceBuffer rhoY;
    private final int nl;
    private final int lanes;
    private final DeviceBuffer diag;
    private final DeviceBuffer xWarm;
    private final DeviceBuffer xAccurate;
    private final DeviceBuffer b;
    private final DeviceBuffer r;
    private final DeviceBuffer z;
    private final DeviceBuffer p;
    private final DeviceBuffer kp;
    private final DeviceBuffer tmpM;
    private final DeviceBuffer tmpN;
    private final DeviceBuffer tmpN2;
    private final DeviceBuffer rz;
    private final DeviceBuffer rzNew;
    private final DeviceBuffer pkp;
    private final DeviceBuffer rr;
    private final DeviceBuffer bb;
    private final DeviceBuffer beta;
    private final DeviceBuffer active;
    private final DeviceBuffer anyActive;
    private final int[] anyHost = new int[1];
    private double rhoX;
    private int solves;
    private long totalSteps;

    JacobiCgKkt(BufferPool.Lease lease, DeviceMatrices mat, DeviceBuffer rhoY) {
        this.dev = lease.device();
        this.mat = mat;
        this.rhoY = rhoY;
        this.lanes = mat.lanes;
        this.nl = Math.max(1, mat.n * lanes);
        this.diag = lease.doubles(nl);
        this.xWarm = lease.doubles(nl);
        this.xAccurate = lease.doubles(nl);
        this.b = lease.doubles(nl);
        this.r = lease.doubles(nl);
        this.z = lease.doubles(nl);
        this.p = lease.doubles(nl);
        this.kp = lease.doubles(nl);
        this.tmpM = lease.doubles(Math.max(1, mat.m * lanes));
        this.tmpN = lease.doubles(nl);
        this.tmpN2 = lease.doubles(nl);
        this.rz = lease.doubles(lanes);
        this.rzNew = lease.doubles(lanes);
        this.pkp = lease.doubles(lanes);
        this.rr = lease.doubles(lanes);
        this.bb = lease.doubles(lanes);
        this.beta = lease.doubles(lanes);
        this.active = lease.ints(lanes);
        this.anyActive = lease.ints(1);
        dev.launch(CudaKernel.FILL, nl, nl, xWarm, 0.0);
    }

    /** Device memory per lane for n columns and m rows, in bytes. */
    static long bytesPerLane(int n, int m) {
        return 8L * (12L * n + m + 6);
    }

    @Override
    public void factor(double rhoX, double[] rhoYHost, boolean[] changed) {
        this.rhoX = rhoX;
        int total = mat.n * lanes;
        dev.launch(CudaKernel.CG_DIAG, total, total, lanes, mat.aColStart, mat.aRowIdx, mat.aVals,
                mat.sharedFlag(), mat.pDiag, mat.pVals, mat.sharedFlag(), rhoX, rhoY, diag);
    }

    /** kp = (ρ_x I + P̂ + Âᵀ diag(ρ_y)⁻¹ Â) x. */
    private void applyReduced(DeviceBuffer x, DeviceBuffer out) {
        int ml = mat.m * lanes;
        int total = mat.n * lanes;
        mat.mulA(x.ptr(), tmpM.ptr(), false);
        dev.launch(CudaKernel.KKT_DIV_ROWS, ml, ml, tmpM, rhoY, tmpM);
        mat.mulAT(tmpM.ptr(), tmpN.ptr(), false);
        mat.mulP(x.ptr(), tmpN2.ptr(), false);
        dev.launch(CudaKernel.CG_COMBINE, total, total, rhoX, x, tmpN2, tmpN, out);
    }

    @Override
    public void solve(DeviceVector v, boolean accurate) {
        int total = mat.n * lanes;
        DeviceKkt.reducedRhs(dev, mat, rhoY, v, tmpM, b.ptr());
        DeviceBuffer x = accurate ? xAccurate : xWarm;
        double tol;
        int maxSteps;
        if (accurate) {
            dev.launch(CudaKernel.FILL, total, total, x, 0.0);
            tol = BEST_TOL;
            maxSteps = Math.max(100, 10 * mat.n);
        } else {
            solves++;
            tol = Math.max(BEST_TOL, BASE_TOL / Math.pow(solves, 1.5));
            maxSteps = Math.max(25, Math.min(mat.n, 500));
        }
        run(x, tol * tol, maxSteps);
        dev.copy(x.ptr(), v.ptr(), total);
        DeviceKkt.recoverY(dev, mat, rhoY, v, tmpM);
    }

    private void run(DeviceBuffer x, double tol2, int maxSteps) {
        int total = mat.n * lanes;
        int n = mat.n;
        applyReduced(x, kp);
        dev.launch(CudaKernel.CG_START, total, total, b, kp, diag, r, z, p);
        dev.launch(CudaKernel.LANE_DOT, lanes * LaunchGeometry.WARP, lanes, n, r, z, rzNew);
        dev.launch(CudaKernel.LANE_DOT, lanes * LaunchGeometry.WARP, lanes, n, r, r, rr);
        dev.launch(CudaKernel.LANE_DOT, lanes * LaunchGeometry.WARP, lanes, n, b, b, bb);
        dev.launch(CudaKernel.FILL, lanes, lanes, rz, 1.0);
        dev.launch(CudaKernel.FILL_INT, lanes, lanes, active, 1);
        dev.launch(CudaKernel.FILL_INT, 1, 1, anyActive, 0);
        dev.launch(CudaKernel.CG_SCALARS, lanes, lanes, rzNew, rr, bb, tol2, rz, beta, active, anyActive);
        for (int step = 0; step < maxSteps; step++) {
            if (step % CHECK_EVERY == 0) {
                dev.download(anyActive.ptr(), anyHost, 0, 1);
                if (anyHost[0] == 0) {
                    break;
                }
            }
            applyReduced(p, kp);
            dev.launch(CudaKernel.LANE_DOT, lanes * LaunchGeometry.WARP, lanes, n, p, kp, pkp);
            dev.launch(CudaKernel.CG_STEP, total, total, lanes, rz, pkp, active, x, r, z, p, kp, diag);
            dev.launch(CudaKernel.LANE_DOT, lanes * LaunchGeometry.WARP, lanes, n, r, z, rzNew);
            dev.launch(CudaKernel.LANE_DOT, lanes * LaunchGeometry.WARP, lanes, n, r, r, rr);
            dev.launch(CudaKernel.FILL_INT, 1, 1, anyActive, 0);
            dev.launch(CudaKernel.CG_SCALARS, lanes, lanes, rzNew, rr, bb, tol2, rz, beta, active, anyActive);
            dev.launch(CudaKernel.CG_DIRECTION, total, total, lanes, beta, active, z, p);
            totalSteps++;
        }
    }

    /** CG steps taken so far (all solves). */
    long totalSteps() {
        return totalSteps;
    }

    @Override
    public boolean sharedFactor() {
        return false;
    }

    @Override
    public String name() {
        return "cuda-jacobi-cg";
    }
}
