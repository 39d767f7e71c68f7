// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.backend.cuda;

import io.convexlayers.data.BatchConeProgram;
import io.convexlayers.data.ConeDims;
import io.convexlayers.data.SparsePattern;
import io.convexlayers.solver.device.AffineMap;
import io.convexlayers.solver.device.ParametricBatch;

/**
 * A {@link ChunkSource} that makes the data on the device from the parameters: {@link #open} makes the
 * maps T of A, P, b, c resident ({@link ResidentMaps}: a layer's next forward finds them there) and
 * uploads θ once: the entries that parts varying over the batch read, for every
 * instance ({@link #batchedColumns}; a broadcast matrix is not sent B times), and the first instance's
 * whole θ, from which each part the batch shares is computed once (one lane, as the layer's
 * {@code DataSharing} does on the host). A chunk then gets its per-lane parts as one
 * {@code cl_param_map_lanes} launch each over its lanes (θ read in place at the chunk's offset) and its
 * shared parts spread over its lanes. The only host copies are
 * those of shared matrices, which the host factors anyway (downloaded once per solve); the CPU
 * fallback and polishing use {@link ParametricBatch#hostProgram()}.
 */
final class MappedChunkSource implements ChunkSource {
    private final ParametricBatch batch;
    private BufferPool.Lease lease;
    private Device dev;
    private DeviceBuffer theta;
    private DeviceBuffer firstTheta;
    private int[] columnOf;
    private int batchedColumns;
    private Part a;
    private Part p;
    private Part b;
    private Part c;
    private double[] sharedA;
    private double[] sharedP;

    private final ResidentMaps resident;
    private final boolean ownsMaps;

    /** A source over {@code batch} whose maps live in {@code resident} (kept there for the next solve). */
    MappedChunkSource(ParametricBatch batch, ResidentMaps resident) {
        this(batch, resident, false);
    }

    /** A source that keeps nothing after {@link #close}. */
    MappedChunkSource(ParametricBatch batch) {
        this(batch, new ResidentMaps(), true);
    }

    private MappedChunkSource(ParametricBatch batch, ResidentMaps resident, boolean ownsMaps) {
        this.batch = batch;
        this.resident = resident;
        this.ownsMaps = ownsMaps;
    }

    /** One map on the device: its CSR arrays and, when the batch shares it, its one value. */
    private final class Part {
        final AffineMap map;
        final DeviceBuffer start;
        final DeviceBuffer col;
        final DeviceBuffer vals;
        final DeviceBuffer shared;

        Part(AffineMap map, DeviceBuffer[] csr) {
            this.map = map;
            this.start = csr[0];
            this.col = csr[1];
            this.vals = csr[2];
            if (map.varies()) {
                this.shared = null;
            } else {
                this.shared = lease.doubles(Math.max(1, map.rows()));
                if (map.rows() > 0) {
                    dev.launch(CudaKernel.PARAM_MAP_LANES, map.rows(), map.rows(), 1, 1, 0, start, col, vals,
                            map.thetaLength(), firstTheta, shared);
                }
            }
        }

        /** out (rows × lanes) = the part of lanes {@code [first, first + lanes)}. */
        void into(DeviceBuffer out, int first, int lanes) {
            int total = map.rows() * lanes;
            if (total == 0) {
                return;
            }
            if (shared == null) {
                dev.launch(CudaKernel.PARAM_MAP_LANES, total, total, lanes, batch.batch(), first, start, col, vals,
                        batchedColumns, theta, out);
            } else {
                dev.launch(CudaKernel.SPREAD_LANES, total, total, lanes, shared, out);
            }
        }

        double[] download() {
            double[] host = new double[map.rows()];
            dev.download(shared.ptr(), host, 0, host.length);
            return host;
        }
    }

    /** A map's column indices as the device reads them: a varying part's renumbered into θ's batched entries. */
    private int[] deviceColumns(AffineMap map) {
        if (!map.varies()) {
            return map.colIndex();
        }
        int[] cols = map.colIndex();
        int[] out = new int[cols.length];
        for (int q = 0; q < cols.length; q++) {
            out[q] = cols[q] == map.thetaLength() ? batchedColumns : columnOf[cols[q]];
        }
        return out;
    }

    /** The entries of θ that some varying part reads, in increasing order (sent for every instance). */
    static int[] batchedColumns(ParametricBatch batch) {
        boolean[] read = new boolean[batch.thetaLength()];
        for (AffineMap map : new AffineMap[] {batch.a(), batch.p(), batch.b(), batch.c()}) {
            if (map != null && map.varies()) {
                for (int c : map.colIndex()) {
                    if (c != map.thetaLength()) {
                        read[c] = true;
                    }
                }
            }
        }
        int count = 0;
        for (boolean r : read) {
            count += r ? 1 : 0;
        }
        int[] out = new int[count];
        int k = 0;
        for (int c = 0; c < read.length; c++) {
            if (read[c]) {
                out[k++] = c;
            }
        }
        return out;
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
            int[] cols = batchedColumns(batch);
            int length = batch.thetaLength();
            int total = batch.batch();
            columnOf = new int[length];
            java.util.Arrays.fill(columnOf, -1);
            double[] batched = new double[cols.length * total];
            for (int k = 0; k < cols.length; k++) {
                columnOf[cols[k]] = k;
                System.arraycopy(batch.theta(), cols[k] * total, batched, k * total, total);
            }
            batchedColumns = cols.length;
            double[] first = new double[length];
            for (int i = 0; i < length; i++) {
                first[i] = batch.theta()[i * total];
            }
            theta = lease.upload(batched);
            firstTheta = lease.upload(first);
            AffineMap[] maps = {batch.a(), batch.p(), batch.b(), batch.c()};
            DeviceBuffer[][] csr = resident.of(pool, maps, this::deviceColumns);
            a = new Part(maps[0], csr[0]);
            p = maps[1] == null ? null : new Part(maps[1], csr[1]);
            b = new Part(maps[2], csr[2]);
            c = new Part(maps[3], csr[3]);
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
        if (ownsMaps) {
            resident.release();
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
