// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.backend.cuda;

import io.convexlayers.data.CscMatrix;
import io.convexlayers.data.SparsePattern;

/**
 * The affine parameter map of DESIGN §1 on the device: data = T·[θ; 1] for every lane of a batch, and
 * its adjoint dθ = T[:, :p]ᵀ·g (the constant column has no gradient). T has one row per data entry
 * and p + 1 columns (the last stands for the constant 1); θ, data and g are batch-minor. Both
 * directions are one {@code cl_param_map_lanes} launch (the chunk map's kernel over the whole batch: no
 * constant column for the adjoint) with one thread per (row, lane) on a CSR structure
 * built once.
 */
final class CudaParamMap implements AutoCloseable {
    private final Device dev;
    private final BufferPool.Lease lease;
    private final int rows;
    private final int params;
    private final int lanes;
    private final DeviceBuffer fwdStart;
    private final DeviceBuffer fwdCol;
    private final DeviceBuffer fwdVal;
    private final DeviceBuffer adjStart;
    private final DeviceBuffer adjCol;
    private final DeviceBuffer adjVal;

    CudaParamMap(BufferPool pool, CscMatrix tensor, int lanes) {
        if (tensor.cols() < 1) {
            throw new IllegalArgumentException("the parameter tensor needs the constant column");
        }
        this.dev = pool.device();
        this.lease = new BufferPool.Lease(pool);
        this.rows = tensor.rows();
        this.params = tensor.cols() - 1;
        this.lanes = lanes;
        SparsePattern pat = tensor.pattern();
        DeviceMatrices.Csr csr = DeviceMatrices.Csr.ofTranspose(pat);
        double[] vals = new double[pat.nnz()];
        for (int q = 0; q < vals.length; q++) {
            vals[q] = tensor.value(csr.valIdx()[q]);
        }
        this.fwdStart = lease.upload(csr.rowStart());
        this.fwdCol = lease.upload(csr.colIdx());
        this.fwdVal = lease.upload(vals);
        // Adjoint: rows = parameter columns of T (CSC order), columns = data rows.
        int nnzParams = pat.colStart(params);
        this.adjStart = lease.upload(java.util.Arrays.copyOf(pat.colStartArray(), params + 1));
        this.adjCol = lease.upload(java.util.Arrays.copyOf(pat.rowIndexArray(), nnzParams));
        double[] adj = new double[nnzParams];
        for (int k = 0; k < nnzParams; k++) {
            adj[k] = tensor.value(k);
        }
        this.adjVal = lease.upload(adj);
    }

    /** The parameter map of {@code tensor} for batches of {@code lanes} on the CUDA backend's device. */
    public static CudaParamMap on(CudaBackend backend, CscMatrix tensor, int lanes) {
        backend.bindToCurrentThread();
        return new CudaParamMap(backend.pool(), tensor, lanes);
    }

    public int rows() {
        return rows;
    }

    public int params() {
        return params;
    }

    /** out (rows × lanes) = T·[θ; 1] with θ of {@link #params()} × lanes. */
    public void apply(DeviceVector theta, DeviceVector out) {
        check(theta, params, "theta");
        check(out, rows, "out");
        dev.launch(CudaKernel.PARAM_MAP_LANES, rows * lanes, rows * lanes, lanes, lanes, 0, fwdStart, fwdCol, fwdVal,
                params, theta, out);
    }

    /** dTheta (params × lanes) = T[:, :p]ᵀ·g with g of {@link #rows()} × lanes. */
    public void applyTranspose(DeviceVector g, DeviceVector dTheta) {
        check(g, rows, "g");
        check(dTheta, params, "dTheta");
        dev.launch(CudaKernel.PARAM_MAP_LANES, params * lanes, params * lanes, lanes, lanes, 0, adjStart, adjCol,
                adjVal, -1, g, dTheta);
    }

    private void check(DeviceVector v, int length, String name) {
        if (v.length() != length || v.lanes() != lanes) {
            throw new IllegalArgumentException(name + " must be " + length + " x " + lanes + ", got " + v);
        }
    }

    @Override
    public void close() {
        lease.close();
    }
}
