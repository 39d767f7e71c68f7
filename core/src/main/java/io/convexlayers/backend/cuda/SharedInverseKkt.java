// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.backend.cuda;

import io.convexlayers.data.SparsePattern;

/**
 * Strategy (a): P and A shared by the batch, so one reduced matrix serves every lane. It is formed
 * and inverted on the host (Cholesky, then the inverse from the factor) and uploaded once per scale;
 * each solve is then one dense n × n matrix times an n × lanes block on the device.
 */
final class SharedInverseKkt implements DeviceKkt {
    private final Device dev;
    private final DeviceMatrices mat;
    private final DeviceBuffer rhoY;
    private final double[] aValues;
    private final double[] pValues;
    private final DeviceBuffer inverse;
    private final DeviceBuffer rhs;
    private final DeviceBuffer tmpM;
    private final double[] work;

    /** @param aValues host copy of the shared scaled values of A; pValues likewise for P (or null) */
    SharedInverseKkt(BufferPool.Lease lease, DeviceMatrices mat, DeviceBuffer rhoY, double[] aValues,
                     double[] pValues) {
        this.dev = lease.device();
        this.mat = mat;
        this.rhoY = rhoY;
        this.aValues = aValues;
        this.pValues = pValues;
        this.inverse = lease.doubles(mat.n * mat.n);
        this.rhs = lease.doubles(Math.max(1, mat.n * mat.lanes));
        this.tmpM = lease.doubles(Math.max(1, mat.m * mat.lanes));
        this.work = new double[mat.n * mat.n];
    }

    @Override
    public void factor(double rhoX, double[] rhoYHost, boolean[] changed) {
        int n = mat.n;
        int lanes = mat.lanes;
        double[] k = work;
        java.util.Arrays.fill(k, 0);
        for (int j = 0; j < n; j++) {
            k[j * n + j] = rhoX;
        }
        SparsePattern pp = mat.pPattern();
        if (mat.hasP) {
            for (int j = 0; j < n; j++) {
                for (int q = pp.colStart(j); q < pp.colStart(j + 1); q++) {
                    int i = pp.rowIndex(q);
                    k[i * n + j] += pValues[q];
                    if (i != j) {
                        k[j * n + i] += pValues[q];
                    }
                }
            }
        }
        DeviceMatrices.Csr a = DeviceMatrices.Csr.ofTranspose(mat.aPattern());
        for (int r = 0; r < mat.m; r++) {
            double w = 1 / rhoYHost[r * lanes];
            for (int q1 = a.rowStart()[r]; q1 < a.rowStart()[r + 1]; q1++) {
                int i = a.colIdx()[q1];
                double ai = aValues[a.valIdx()[q1]] * w;
                for (int q2 = a.rowStart()[r]; q2 < a.rowStart()[r + 1]; q2++) {
                    k[i * n + a.colIdx()[q2]] += ai * aValues[a.valIdx()[q2]];
                }
            }
        }
        double[] inv;
        try {
            inv = HostDense.spdInverse(k, n);
        } catch (io.convexlayers.ConvexLayersException e) {
            // Not positive definite (an indefinite P): NaN solves make every lane FAILED at the next
            // check, as on the CPU, instead of an exception that would lose the whole batch.
            inv = new double[n * n];
            java.util.Arrays.fill(inv, Double.NaN);
        }
        dev.upload(inv, 0, inverse.ptr(), n * n);
    }

    @Override
    public void solve(DeviceVector v, boolean accurate) {
        DeviceKkt.reducedRhs(dev, mat, rhoY, v, tmpM, rhs.ptr());
        mat.gemmLive(mat.n, mat.n, inverse.ptr(), rhs.ptr(), v.ptr(), false);
        DeviceKkt.recoverY(dev, mat, rhoY, v, tmpM);
    }

    @Override
    public boolean sharedFactor() {
        return true;
    }

    @Override
    public String name() {
        return "cuda-shared-inverse";
    }
}
