// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.backend.cuda;

import io.convexlayers.data.CscMatrix;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/** The device parameter map and its adjoint against dense arithmetic (emulated device). */
class CudaParamMapTest {
    Device dev;

    @org.junit.jupiter.api.BeforeEach
    void setUp() {
        dev = device();
    }

    /** The device under test; the GPU suite overrides it. */
    Device device() {
        return new EmulatedDevice(1L << 30);
    }

    @Test
    void forwardAndAdjointMatchDenseProducts() {
        for (int lanes : new int[] {1, 33}) {
            Random rnd = new Random(lanes);
            int rows = 17;
            int params = 6;
            double[][] t = new double[rows][params + 1];
            for (int i = 0; i < rows; i++) {
                for (int j = 0; j <= params; j++) {
                    t[i][j] = rnd.nextDouble() < 0.35 ? rnd.nextGaussian() : 0;
                }
            }
            CscMatrix tensor = CscMatrix.fromDense("T", t);
            double[] theta = new double[params * lanes];
            double[] g = new double[rows * lanes];
            for (int k = 0; k < theta.length; k++) {
                theta[k] = rnd.nextGaussian();
            }
            for (int k = 0; k < g.length; k++) {
                g[k] = rnd.nextGaussian();
            }
            double[] want = new double[rows * lanes];
            double[] wantAdj = new double[params * lanes];
            for (int l = 0; l < lanes; l++) {
                for (int i = 0; i < rows; i++) {
                    double s = t[i][params];
                    for (int j = 0; j < params; j++) {
                        s += t[i][j] * theta[j * lanes + l];
                        wantAdj[j * lanes + l] += t[i][j] * g[i * lanes + l];
                    }
                    want[i * lanes + l] = s;
                }
            }
            try (BufferPool.Lease lease = new BufferPool.Lease(new BufferPool(dev));
                 CudaParamMap map = new CudaParamMap(new BufferPool(dev), tensor, lanes)) {
                DeviceVector th = lease.vector(params, lanes);
                DeviceVector out = lease.vector(rows, lanes);
                DeviceVector gd = lease.vector(rows, lanes);
                DeviceVector dth = lease.vector(params, lanes);
                dev.upload(theta, 0, th.ptr(), theta.length);
                dev.upload(g, 0, gd.ptr(), g.length);
                dev.launch(CudaKernel.FILL, out.size(), out.size(), out, Double.NaN);
                dev.launch(CudaKernel.FILL, dth.size(), dth.size(), dth, Double.NaN);
                map.apply(th, out);
                map.applyTranspose(gd, dth);
                double[] got = new double[rows * lanes];
                double[] gotAdj = new double[params * lanes];
                dev.download(out.ptr(), got, 0, got.length);
                dev.download(dth.ptr(), gotAdj, 0, gotAdj.length);
                assertArrayEquals(want, got, 1e-12, "lanes " + lanes);
                assertArrayEquals(wantAdj, gotAdj, 1e-12, "lanes " + lanes);
            }
        }
    }
}
