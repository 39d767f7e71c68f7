// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.backend.cuda;

import io.convexlayers.cone.ConeDerivative;
import io.convexlayers.data.ConeDims;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The device cone derivatives (through the emulated device, i.e. the kernels' twins) against the CPU
 * {@link ConeDerivative} and against central differences of the device projections, for every cone
 * family, for K and K*, at random points, applied and transposed.
 */
class ConeDerivativeKernelsTest {
    static final ConeDims CONES = ConeDims.builder().zero(2).nonneg(4).soc(1, 3, 5).psd(1, 2, 3).exp(4)
            .dualExp(3).power(0.3, -0.6, 0.75).build();
    static final int LANES = 6;

    /** Device under test; the GPU variant overrides it. */
    Device device() {
        return new EmulatedDevice(1L << 30);
    }

    private static double[] random(Random rnd, int n) {
        double[] v = new double[n];
        for (int k = 0; k < n; k++) {
            v[k] = (k % 4 == 0 ? 3 : 1) * rnd.nextGaussian();
        }
        return v;
    }

    @Test
    void matchesTheCpuConeDerivative() {
        Device dev = device();
        int m = CONES.rows();
        Random rnd = new Random(3);
        try (BufferPool.Lease lease = new BufferPool.Lease(new BufferPool(dev))) {
            DeviceConeDerivative gpu = new DeviceConeDerivative(lease, CONES, LANES);
            ConeDerivative cpu = new ConeDerivative(CONES, LANES);
            for (int round = 0; round < 40; round++) {
                for (boolean dual : new boolean[] {false, true}) {
                    double[] v = random(rnd, m * LANES);
                    double[] d = random(rnd, m * LANES);
                    DeviceVector vd = lease.vector(m + 1, LANES);
                    DeviceVector dd = lease.vector(m, LANES);
                    DeviceVector od = lease.vector(m + 2, LANES);
                    dev.upload(v, 0, vd.row(1), v.length);
                    dev.upload(d, 0, dd.ptr(), d.length);
                    gpu.linearizeAt(vd, 1, dual);
                    cpu.linearizeAt(v, 0, dual);
                    for (boolean transpose : new boolean[] {false, true}) {
                        dev.launch(CudaKernel.FILL, od.size(), od.size(), od, Double.NaN);
                        double[] want = new double[m * LANES];
                        if (transpose) {
                            gpu.applyTranspose(dd, 0, od, 2);
                            cpu.applyTranspose(d, 0, want, 0);
                        } else {
                            gpu.apply(dd, 0, od, 2);
                            cpu.apply(d, 0, want, 0);
                        }
                        double[] got = new double[m * LANES];
                        dev.download(od.row(2), got, 0, got.length);
                        for (int k = 0; k < got.length; k++) {
                            assertEquals(want[k], got[k], 1e-6 * Math.max(1, Math.abs(want[k])),
                                    "row " + k / LANES + " lane " + k % LANES + " dual=" + dual + " transpose="
                                            + transpose + " round " + round);
                        }
                    }
                }
            }
        }
    }

    @Test
    void matchesCentralDifferencesOfTheProjection() {
        Device dev = device();
        int m = CONES.rows();
        Random rnd = new Random(4);
        double h = 1e-6;
        try (BufferPool.Lease lease = new BufferPool.Lease(new BufferPool(dev))) {
            DeviceConeDerivative der = new DeviceConeDerivative(lease, CONES, LANES);
            DeviceCones proj = new DeviceCones(lease, CONES, LANES);
            for (boolean dual : new boolean[] {false, true}) {
                double[] v = random(rnd, m * LANES);
                double[] d = random(rnd, m * LANES);
                DeviceVector vd = lease.vector(m, LANES);
                DeviceVector dd = lease.vector(m, LANES);
                DeviceVector od = lease.vector(m, LANES);
                dev.upload(v, 0, vd.ptr(), v.length);
                dev.upload(d, 0, dd.ptr(), d.length);
                der.linearizeAt(vd, 0, dual);
                der.apply(dd, 0, od, 0);
                double[] got = new double[m * LANES];
                dev.download(od.ptr(), got, 0, got.length);
                double[] plus = new double[m * LANES];
                double[] minus = new double[m * LANES];
                for (int k = 0; k < v.length; k++) {
                    plus[k] = v[k] + h * d[k];
                    minus[k] = v[k] - h * d[k];
                }
                dev.upload(plus, 0, vd.ptr(), v.length);
                proj.project(vd, 0, !dual);
                dev.download(vd.ptr(), plus, 0, v.length);
                dev.upload(minus, 0, vd.ptr(), v.length);
                proj.project(vd, 0, !dual);
                dev.download(vd.ptr(), minus, 0, v.length);
                for (int k = 0; k < v.length; k++) {
                    double fd = (plus[k] - minus[k]) / (2 * h);
                    assertEquals(fd, got[k], 1e-4 * Math.max(1, Math.abs(fd)),
                            "row " + k / LANES + " lane " + k % LANES + " dual=" + dual);
                }
            }
        }
    }
}
