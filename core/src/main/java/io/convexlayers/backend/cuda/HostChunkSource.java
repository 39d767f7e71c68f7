// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.backend.cuda;

import io.convexlayers.data.BatchArray;
import io.convexlayers.data.BatchConeProgram;
import io.convexlayers.data.ConeDims;
import io.convexlayers.data.SparsePattern;

/**
 * A {@link ChunkSource} over an instantiated batch on the host ({@code CudaBackend.solve} of a
 * {@link BatchConeProgram}: the command line, plain solves): every chunk uploads its lanes' values.
 */
final class HostChunkSource implements ChunkSource {
    private final BatchConeProgram batch;
    private Device dev;

    HostChunkSource(BatchConeProgram batch) {
        this.batch = batch;
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
        dev = pool.device();
    }

    @Override
    public void close() {
        dev = null;
    }

    @Override
    public void sharedMatrices(int first, double[] a, double[] p) {
        batch.aValues().copyTile(first, 1, a);
        if (p != null) {
            batch.pValues().copyTile(first, 1, p);
        }
    }

    @Override
    public DeviceBuffer laneA(BufferPool.Lease lease, int first, int lanes) {
        return lease.upload(tile(batch.aValues(), first, lanes));
    }

    @Override
    public DeviceBuffer laneP(BufferPool.Lease lease, int first, int lanes) {
        return lease.upload(tile(batch.pValues(), first, lanes));
    }

    @Override
    public void laneVectors(int first, int lanes, DeviceBuffer b, DeviceBuffer c) {
        double[] bt = tile(batch.b(), first, lanes);
        double[] ct = tile(batch.c(), first, lanes);
        dev.upload(bt, 0, b.ptr(), batch.m() * lanes);
        dev.upload(ct, 0, c.ptr(), batch.n() * lanes);
    }

    @Override
    public BatchConeProgram host() {
        return batch;
    }

    /**
     * The batch-minor values of instances {@code [first, first + lanes)}: the batch's own storage when
     * the chunk is the whole batch (read only: it is uploaded, never written), else a copy.
     */
    private static double[] tile(BatchArray values, int first, int lanes) {
        if (!values.isShared() && first == 0 && lanes == values.batch()) {
            return values.rawData();
        }
        double[] t = new double[values.length() * lanes];
        values.copyTile(first, lanes, t);
        return t;
    }
}
