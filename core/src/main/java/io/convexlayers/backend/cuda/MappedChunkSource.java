// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.backend.cuda;

import io.convexlayers.data.BatchConeProgram;
import io.convexlayers.data.ConeDims;
import io.convexlayers.data.SparsePattern;
import io.convexlayers.solver.device.AffineMap;
import io.convexlayers.solver.device.ParametricBatch;

/**
 * A {@link ChunkSource} that makes the data on the device from the parameters: {@link #open} uploads
 * θ (the whole batch, once) and the maps T of A, P, b, c, and computes each part the batch shares once
 * (one lane, from the first instance's θ, as the layer's {@code DataSharing} does on the host); a chunk
 * then gets its per-lane parts as one {@code cl_param_map_lanes} launch each over its lanes (θ read in
 * place at the chunk's offset) and its shared parts spread over its lanes. The only host copies are
 * those of shared matrices, which the host factors anyway (downloaded once per solve); the CPU
 * fallback and polishing use {@link ParametricBatch#hostProgram()}.
 */
final class MappedChunkSource implements ChunkSource {
    private final ParametricBatch batch;
    private BufferPool.Lease lease;
    private Device dev;
    private DeviceBuffer theta;
    private Part a;
    private Part p;
    private Part b;
    private Part c;
    private double[] sharedA;
    private double[] sharedP;

    MappedChunkSource(ParametricBatch batch) {
        this.batch = batch;
    }

    /** One map on the device: its CSR arrays and, when the batch shares it, its one value. */
    private final class Part {
        final AffineMap map;
        final DeviceBuffer start;
        final DeviceBuffer col;
        final DeviceBuffer vals;
        final DeviceBuffer shared;

        Part(AffineMap map) {
            this.map = map;
            this.start = lease.upload(map.rowStart());
            this.col = lease.upload(map.colIndex());
            this.vals = lease.upload(map.values());
            if (map.varies()) {
                this.shared = null;
            } else {
                this.shared = lease.doubles(Math.max(1, map.rows()));
                apply(shared, 0, 1);
            }
        }

        /** out (rows × lanes) = the part of lanes {@code [first, first + lanes)}. */
        void into(DeviceBuffer out, int first, int lanes) {
            int total = map.rows() * lanes;
            if (total == 0) {
                return;
            }
            if (shared == null) {
                apply(out, first, lanes);
            } else {
                dev.launch(CudaKernel.SPREAD_LANES, total, total, lanes, shared, out);
            }
        }

        private void apply(DeviceBuffer out, int first, int lanes) {
            int total = map.rows() * lanes;
            if (total > 0) {
                dev.launch(CudaKernel.PARAM_MAP_LANES, total, total, lanes, batch.batch(), first, start, col, vals,
                        map.thetaLength(), theta, out);
            }
        }

        double[] download() {
            double[] host = new double[map.rows()];
            dev.download(shared.ptr(), host, 0, host.length);
            return host;
        }
    }

    @Override
    public int batch() {
        return batch.batch();
    }

    @Override
    public int n() {
        return batch.n();
    }

    @Override
    public int m() {
        return batch.m();
    }

    @Override
    public SparsePattern aPattern() {
        return batch.aPattern();
    }

    @Override
    public SparsePattern pPattern() {
        return batch.pPattern();
    }

    @Override
    public ConeDims cones() {
        return batch.cones();
    }

    @Override
    public boolean matricesShared() {
        return batch.matricesShared();
    }

    @Override
    public void open(BufferPool pool) {
        lease = new BufferPool.Lease(pool);
        dev = pool.device();
        try {
            theta = lease.upload(batch.theta());
            a = new Part(batch.a());
            p = batch.p() == null ? null : new Part(batch.p());
            b = new Part(batch.b());
            c = new Part(batch.c());
        } catch (RuntimeException | Error e) {
            close();
            throw e;
        }
    }

    @Override
    public void close() {
        if (lease != null) {
            lease.close();
            lease = null;
        }
    }

    @Override
    public void sharedMatrices(int first, double[] aVals, double[] pVals) {
        if (sharedA == null) {
            sharedA = a.download();
            sharedP = p == null ? null : p.download();
        }
        System.arraycopy(sharedA, 0, aVals, 0, aVals.length);
        if (pVals != null) {
            System.arraycopy(sharedP, 0, pVals, 0, pVals.length);
        }
    }

    @Override
    public DeviceBuffer laneA(BufferPool.Lease chunk, int first, int lanes) {
        DeviceBuffer out = chunk.doubles(Math.max(1, a.map.rows() * lanes));
        a.into(out, first, lanes);
        return out;
    }

    @Override
    public DeviceBuffer laneP(BufferPool.Lease chunk, int first, int lanes) {
        DeviceBuffer out = chunk.doubles(Math.max(1, p.map.rows() * lanes));
        p.into(out, first, lanes);
        return out;
    }

    @Override
    public void laneVectors(int first, int lanes, DeviceBuffer bOut, DeviceBuffer cOut) {
        b.into(bOut, first, lanes);
        c.into(cOut, first, lanes);
    }

    @Override
    public BatchConeProgram host() {
        return batch.hostProgram();
    }
}
