// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.backend.cuda;

import io.convexlayers.data.BatchArray;
import io.convexlayers.data.BatchConeProgram;
import io.convexlayers.solver.BatchSolution;

/**
 * The device data the derivative reads: the unscaled P and A ({@link DeviceMatrices}), b and c, the
 * point (x; y) and ẑ = (x, y − s, 1), batch-minor over the whole batch, zero on lanes without a
 * solution. Made in one place, {@link #upload}, from the host program and solution (one upload per
 * backward, through the pool); a forward pass that keeps its results on the device can supply these
 * buffers instead.
 */
final class DerivativeDeviceData {
    final DeviceMatrices mats;
    /** (c; b), n + m rows. */
    final DeviceVector cb;
    /** (x; y), n + m rows. */
    final DeviceVector sol;
    /** ẑ = (x, y − s, 1), n + m + 1 rows. */
    final DeviceVector z;
    /** 1 on lanes with a solution, 0 elsewhere. */
    final DeviceBuffer valid;

    private DerivativeDeviceData(DeviceMatrices mats, DeviceVector cb, DeviceVector sol, DeviceVector z,
                                 DeviceBuffer valid) {
        this.mats = mats;
        this.cb = cb;
        this.sol = sol;
        this.z = z;
        this.valid = valid;
    }

    /** Uploads the batch's data and solution (lanes without a solution as zeros). */
    static DerivativeDeviceData upload(BufferPool.Lease lease, BatchConeProgram program, BatchSolution solution,
                                       boolean[] validLanes) {
        Device dev = lease.device();
        int lanes = program.batch();
        int n = program.n();
        int m = program.m();
        BatchArray av = program.aValues();
        BatchArray pv = program.pValues();
        // DeviceMatrices takes one storage for both: shared only when both are.
        boolean shared = av.isShared() && (pv == null || pv.isShared());
        DeviceMatrices mats = new DeviceMatrices(lease, program.aPattern(), values(av, shared),
                program.pPattern(), pv == null ? null : values(pv, shared), shared, lanes);
        double[] host = new double[(n + m + 1) * lanes];
        program.c().copyTile(0, lanes, host);
        double[] b = new double[m * lanes];
        program.b().copyTile(0, lanes, b);
        System.arraycopy(b, 0, host, n * lanes, b.length);
        DeviceVector cb = lease.vector(n + m, lanes);
        dev.upload(host, 0, cb.ptr(), (n + m) * lanes);

        double[] x = solution.x().rawData();
        double[] y = solution.y().rawData();
        double[] s = solution.s().rawData();
        java.util.Arrays.fill(host, 0);
        double[] point = new double[(n + m + 1) * lanes];
        double[] flags = new double[lanes];
        for (int l = 0; l < lanes; l++) {
            if (!validLanes[l]) {
                continue;
            }
            flags[l] = 1;
            for (int j = 0; j < n; j++) {
                host[j * lanes + l] = x[j * lanes + l];
                point[j * lanes + l] = x[j * lanes + l];
            }
            for (int i = 0; i < m; i++) {
                int k = (n + i) * lanes + l;
                host[k] = y[i * lanes + l];
                point[k] = y[i * lanes + l] - s[i * lanes + l];
            }
            point[(n + m) * lanes + l] = 1;
        }
        DeviceVector sol = lease.vector(n + m, lanes);
        dev.upload(host, 0, sol.ptr(), (n + m) * lanes);
        DeviceVector z = lease.vector(n + m + 1, lanes);
        dev.upload(point, 0, z.ptr(), point.length);
        return new DerivativeDeviceData(mats, cb, sol, z, lease.upload(flags));
    }

    /** The values as DeviceMatrices stores them: as they are when shared, else batch-minor. */
    private static double[] values(BatchArray arr, boolean shared) {
        if (shared) {
            return arr.rawData();
        }
        double[] out = new double[arr.length() * arr.batch()];
        arr.copyTile(0, arr.batch(), out);
        return out;
    }
}
