// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.backend.cuda;

import io.convexlayers.canon.Compiler;
import io.convexlayers.canon.ParameterMap;
import io.convexlayers.canon.ParametricConeProgram;
import io.convexlayers.data.BatchConeProgram;
import io.convexlayers.dsl.Parameter;
import io.convexlayers.dsl.Problem;
import io.convexlayers.dsl.Variable;
import io.convexlayers.solver.device.AffineMap;
import io.convexlayers.solver.device.ParametricBatch;
import io.convexlayers.solver.hsde.Equilibration;
import io.convexlayers.testing.RandomQps;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static io.convexlayers.dsl.Atoms.sumSquares;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The data a chunk makes on the device against the host code it stands in for, bit for bit: the
 * parameter map of a chunk of lanes ({@link MappedChunkSource}: varying parts over the batched entries
 * of θ, shared parts once from the first instance) against the compiler's {@link ParameterMap}, and the
 * scaling of b and c ({@link DeviceScaling}) against {@link Equilibration#scaleVectors}. Emulated
 * device here; the GPU suite overrides {@link #device()}.
 */
class DeviceDataKernelsTest {
    Device dev;

    @BeforeEach
    void setUp() {
        dev = device();
    }

    /** The device under test. */
    Device device() {
        return new EmulatedDevice(1L << 30);
    }

    @Test
    void chunkParameterMapIsTheHostMapBitForBit() {
        int n = 5;
        int k = 9;
        Variable x = Variable.vector("x", n);
        Parameter g = Parameter.matrix("G", k, n);
        Parameter h = Parameter.vector("h", k);
        Parameter q = Parameter.vector("q", n);
        Problem problem = Problem.minimize(sumSquares(x).plus(q.dot(x)), g.matmul(x).le(h));
        ParametricConeProgram program = Compiler.compile(problem);
        int batch = 7;
        Random rnd = new Random(3);
        double[] theta = new double[program.thetaLength() * batch];
        for (int i = 0; i < theta.length; i++) {
            theta[i] = rnd.nextGaussian() * Math.exp(4 * rnd.nextGaussian()); // wide magnitudes: rounding shows
        }
        // A and c vary (G and q batched); b is declared shared: it is computed from instance 0's θ.
        ParametricBatch pb = new ParametricBatch(batch, theta, program.pPattern(), affine(program.tensorP(), false),
                program.aPattern(), affine(program.tensorA(), true), affine(program.tensorB(), false),
                affine(program.tensorC(), true), program.cones(), () -> {
                    throw new AssertionError("no host data needed");
                });
        double[] first = new double[program.thetaLength()];
        for (int i = 0; i < first.length; i++) {
            first[i] = theta[i * batch];
        }
        double[] wantA = program.tensorA().applyBatch(theta, batch);
        double[] wantC = program.tensorC().applyBatch(theta, batch);
        double[] wantB = program.tensorB().apply(first);
        int from = 2;
        int lanes = 4;
        BufferPool pool = new BufferPool(dev);
        MappedChunkSource src = new MappedChunkSource(pb);
        src.open(pool);
        try (BufferPool.Lease lease = new BufferPool.Lease(pool)) {
            int m = program.aPattern().rows();
            DeviceBuffer a = src.laneA(lease, from, lanes);
            DeviceBuffer b = lease.doubles(m * lanes);
            DeviceBuffer c = lease.doubles(n * lanes);
            src.laneVectors(from, lanes, b, c);
            assertLanes(wantA, batch, from, read(a, wantA.length / batch * lanes), lanes, "A");
            assertLanes(wantC, batch, from, read(c, n * lanes), lanes, "c");
            double[] gotB = read(b, m * lanes);
            for (int i = 0; i < m; i++) {
                for (int l = 0; l < lanes; l++) {
                    assertEquals(Double.doubleToLongBits(wantB[i]), Double.doubleToLongBits(gotB[i * lanes + l]),
                            "b[" + i + "] lane " + l);
                }
            }
        } finally {
            src.close();
        }
    }

    /** The layer's conversion (DataSharing.affine), restated for the test. */
    static AffineMap affine(ParameterMap t, boolean varies) {
        int[] start = new int[t.rows() + 1];
        for (int r = 0; r <= t.rows(); r++) {
            start[r] = t.rowStart(r);
        }
        int[] col = new int[t.nnz()];
        double[] val = new double[t.nnz()];
        for (int q = 0; q < t.nnz(); q++) {
            col[q] = t.colIndex(q);
            val[q] = t.value(q);
        }
        return new AffineMap(t.rows(), t.constantColumn(), start, col, val, varies);
    }

    private double[] read(DeviceBuffer buf, int count) {
        double[] out = new double[count];
        dev.download(buf.ptr(), out, 0, count);
        return out;
    }

    private static void assertLanes(double[] want, int batch, int from, double[] got, int lanes, String what) {
        int rows = want.length / batch;
        for (int i = 0; i < rows; i++) {
            for (int l = 0; l < lanes; l++) {
                assertEquals(Double.doubleToLongBits(want[i * batch + from + l]),
                        Double.doubleToLongBits(got[i * lanes + l]), what + "[" + i + "] lane " + l);
            }
        }
    }

    @Test
    void scalingIsTheHostScalingBitForBit() {
        for (int lanes : new int[] {1, 37}) {
            BatchConeProgram batch = RandomQps.batch(7, 13, lanes, false, 50 + lanes);
            int m = batch.m();
            int n = batch.n();
            Random rnd = new Random(lanes);
            double[] d = new double[m * lanes];
            double[] e = new double[n * lanes];
            for (int i = 0; i < d.length; i++) {
                // Factors from 1e-6 to 1e6: some lanes' σ lands on the clamps.
                d[i] = Math.exp(14 * (rnd.nextDouble() - 0.5)) * (1 + (i % lanes) % 3 * 1e5 * (i % 2));
            }
            for (int i = 0; i < e.length; i++) {
                e[i] = Math.exp(14 * (rnd.nextDouble() - 0.5));
            }
            Equilibration.ScaledVectors want = Equilibration.scaleVectors(batch, 0, lanes, d, e);
            try (BufferPool.Lease lease = new BufferPool.Lease(new BufferPool(dev))) {
                double[] bt = new double[m * lanes];
                double[] ct = new double[n * lanes];
                batch.b().copyTile(0, lanes, bt);
                batch.c().copyTile(0, lanes, ct);
                DeviceBuffer b = lease.upload(bt);
                DeviceBuffer c = lease.upload(ct);
                DeviceBuffer sigma = lease.doubles(lanes);
                DeviceScaling.scaleVectors(dev, lanes, m, n, b, c, lease.upload(d), lease.upload(e), sigma);
                assertArrayEquals(want.b(), read(b, m * lanes), 0.0, "b̂, lanes " + lanes);
                assertArrayEquals(want.c(), read(c, n * lanes), 0.0, "ĉ, lanes " + lanes);
                assertArrayEquals(want.sigma(), read(sigma, lanes), 0.0, "σ, lanes " + lanes);
            }
        }
    }
}
