// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.backend.cuda;

import io.convexlayers.data.CscMatrix;
import io.convexlayers.data.SparsePattern;

import java.util.Random;

/**
 * Both ways {@link BatchedCholeskyKkt} applies its factor (explicit inverse, triangular sweeps) on the
 * same random per-lane reduced systems, on any device: their solutions must agree to roundoff. The GPU
 * suite runs it at an order whose shared memory needs the opt-in above 48 KiB.
 */
final class KktPaths {
    private KktPaths() {
    }

    /** The largest |inverse − triangular| over every row and lane, relative to the solution's size. */
    static double maxRelativeDifference(Device dev, int n, int m, int lanes, long seed) {
        Random rnd = new Random(seed);
        double[][] dense = CudaTestProblems.gaussian(m, n, rnd);
        SparsePattern a = CscMatrix.fromDense("A", dense).pattern();
        double[][] sym = new double[n][n];
        for (int i = 0; i < n; i++) {
            sym[i][i] = 1 + rnd.nextDouble();
        }
        CscMatrix pm = CscMatrix.upperTriangleOf("P", sym);
        double[] av = gaussian(a.nnz() * lanes, rnd);
        double[] pv = new double[pm.nnz() * lanes];
        for (int k = 0; k < pm.nnz(); k++) {
            for (int l = 0; l < lanes; l++) {
                pv[k * lanes + l] = pm.value(k) * (1 + 0.1 * (l % 7));
            }
        }
        double[] rhoY = new double[m * lanes];
        for (int k = 0; k < rhoY.length; k++) {
            rhoY[k] = 0.5 + rnd.nextDouble();
        }
        double[] rhs = gaussian((n + m) * lanes, rnd);
        double[][] sol = new double[2][];
        try (BufferPool.Lease lease = new BufferPool.Lease(new BufferPool(dev))) {
            DeviceMatrices mat = new DeviceMatrices(lease, a, av, pm.pattern(), pv, false, lanes);
            DeviceBuffer rhoDev = lease.upload(rhoY);
            for (int path = 0; path < 2; path++) {
                BatchedCholeskyKkt kkt = new BatchedCholeskyKkt(lease, mat, rhoDev, path == 0);
                kkt.factor(1e-3, rhoY, null);
                for (int s : kkt.info()) {
                    if (s != 0) {
                        throw new AssertionError("factorization failed at pivot " + s);
                    }
                }
                DeviceVector v = lease.vector(n + m, lanes);
                dev.upload(rhs, 0, v.ptr(), rhs.length);
                kkt.solve(v, true);
                sol[path] = new double[rhs.length];
                dev.download(v.ptr(), sol[path], 0, rhs.length);
            }
        }
        double diff = 0;
        double size = 1;
        for (int k = 0; k < rhs.length; k++) {
            diff = Math.max(diff, Math.abs(sol[0][k] - sol[1][k]));
            size = Math.max(size, Math.abs(sol[1][k]));
        }
        return diff / size;
    }

    private static double[] gaussian(int len, Random rnd) {
        double[] v = new double[len];
        for (int k = 0; k < len; k++) {
            v[k] = rnd.nextGaussian();
        }
        return v;
    }
}
