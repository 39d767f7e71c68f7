// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.backend.cuda;

import io.convexlayers.batch.BatchOperator;
import io.convexlayers.batch.BatchVectors;
import io.convexlayers.data.BatchConeProgram;
import io.convexlayers.data.CscMatrix;
import io.convexlayers.data.SparsePattern;
import io.convexlayers.diff.kernels.DerivativeKernels;
import io.convexlayers.solver.BatchSolution;

import java.util.Arrays;

/**
 * {@link DerivativeKernels} on the CUDA device, the whole batch as lanes: M and Mᵀ (DESIGN §6) as
 * sparse products of A, Aᵀ and P ({@link DeviceMatrices}), the cone derivative
 * ({@link DeviceConeDerivative}) and lane-wise vector kernels; the data cotangent by
 * {@code cl_vjp_data} and dθ by the stacked parameter map's adjoint ({@link CudaParamMap}). Nothing
 * is read back inside M, so each product is replayed as one CUDA graph launch once LSQR repeats it on
 * the same vectors ({@link Device#replayable}); the host sees the per-lane scalars of LSQR and, at the
 * end, dθ.
 */
final class CudaDerivativeKernels implements DerivativeKernels<DeviceVector> {
    private final Device dev;
    private final BufferPool.Lease lease;
    private final CudaBatchVectors vectors;
    private final CudaParamMap paramMap;
    private final DerivativeDeviceData data;
    private final DeviceConeDerivative cone;
    private final int n;
    private final int m;
    private final int lanes;
    private final int nnzA;
    private final DeviceBuffer entryRow;
    private final DeviceBuffer entryCol;
    /** (c + 2Px; b), n + m rows: the τ row of DQ. */
    private final DeviceVector border;
    private final DeviceBuffer xPx;
    private final DeviceBuffer ones;
    private final DeviceBuffer minusOnes;
    private final DeviceBuffer laneTmp;
    private final DeviceBuffer negTau;
    private final DeviceVector t;
    private final DeviceVector q;
    private final DeviceVector masked;
    private final DeviceVector g;
    private final DeviceVector cotangent;
    private final DeviceVector dTheta;
    private DeviceVector zeros;
    /** One graph slot per product (M, Mᵀ, with τ fixed or not): LSQR repeats each on the same vectors. */
    private final LaunchGraph[] graphs = new LaunchGraph[4];

    /**
     * @param tensor the stacked parameter map: rows dA (A's pattern order), db, dc, dP (P's pattern
     *               order), columns θ and the constant
     */
    CudaDerivativeKernels(BufferPool pool, BatchConeProgram program, BatchSolution solution, boolean[] valid,
                          CscMatrix tensor) {
        this.dev = pool.device();
        this.lease = new BufferPool.Lease(pool);
        this.lanes = program.batch();
        this.n = program.n();
        this.m = program.m();
        SparsePattern ap = program.aPattern();
        SparsePattern pp = program.pPattern();
        this.nnzA = ap.nnz();
        int nnzP = pp == null ? 0 : pp.nnz();
        if (tensor.rows() != nnzA + m + n + nnzP) {
            throw new IllegalArgumentException("the stacked parameter map has " + tensor.rows() + " rows, expected "
                    + (nnzA + m + n + nnzP));
        }
        this.vectors = new CudaBatchVectors(pool, lanes);
        this.paramMap = new CudaParamMap(pool, tensor, lanes);
        this.data = DerivativeDeviceData.upload(lease, program, solution, valid);
        int[] rows = new int[nnzA + nnzP];
        int[] cols = new int[nnzA + nnzP];
        for (int j = 0; j < n; j++) {
            for (int k = ap.colStart(j); k < ap.colStart(j + 1); k++) {
                rows[k] = ap.rowIndex(k);
                cols[k] = j;
            }
            for (int k = pp == null ? 0 : pp.colStart(j); pp != null && k < pp.colStart(j + 1); k++) {
                rows[nnzA + k] = pp.rowIndex(k);
                cols[nnzA + k] = j;
            }
        }
        this.entryRow = lease.upload(rows);
        this.entryCol = lease.upload(cols);
        double[] laneOnes = new double[lanes];
        Arrays.fill(laneOnes, 1);
        this.ones = lease.upload(laneOnes);
        Arrays.fill(laneOnes, -1);
        this.minusOnes = lease.upload(laneOnes);
        this.laneTmp = lease.doubles(lanes);
        this.negTau = lease.doubles(lanes);
        this.xPx = lease.doubles(lanes);
        int len = n + m + 1;
        this.t = lease.vector(len, lanes);
        this.q = lease.vector(len, lanes);
        this.masked = lease.vector(len, lanes);
        this.g = lease.vector(len, lanes);
        this.cotangent = lease.vector(tensor.rows(), lanes);
        this.dTheta = lease.vector(paramMap.params(), lanes);
        this.border = lease.vector(n + m, lanes);
        // Px into border's x rows, xᵀPx per lane, then c + 2Px; b copied below it.
        data.mats.mulP(data.sol.row(0), border.row(0), false);
        dev.launch(CudaKernel.LANE_DOT, lanes * LaunchGeometry.WARP, lanes, n, data.sol, border, xPx);
        double[] twos = new double[lanes];
        Arrays.fill(twos, 2);
        DeviceBuffer two = lease.upload(twos);
        dev.launch(CudaKernel.LANE_AXPBY, n * lanes, n * lanes, lanes, ones, data.cb, two, border);
        dev.copy(data.cb.row(n), border.row(n), m * lanes);
        this.cone = new DeviceConeDerivative(lease, program.cones(), lanes);
        cone.linearizeAt(data.z, n, true);
    }

    /** Kernels for the derivative of {@code program} at {@code solution} on the CUDA backend's device. */
    static CudaDerivativeKernels on(CudaBackend backend, BatchConeProgram program, BatchSolution solution,
                                    boolean[] valid, CscMatrix tensor) {
        backend.bindToCurrentThread();
        return new CudaDerivativeKernels(backend.pool(), program, solution, valid, tensor);
    }

    @Override
    public int n() {
        return n;
    }

    @Override
    public int m() {
        return m;
    }

    @Override
    public BatchVectors<DeviceVector> vectors() {
        return vectors;
    }

    @Override
    public BatchOperator<DeviceVector> residualMap(boolean fixedTau) {
        return new BatchOperator<>() {
            @Override
            public int rows() {
                return n + m + 1;
            }

            @Override
            public int cols() {
                return n + m + 1;
            }

            @Override
            public void apply(DeviceVector in, DeviceVector out) {
                dev.replayable(graph(fixedTau, false), () -> {
                    if (fixedTau) {
                        dev.copy(in.ptr(), masked.ptr(), in.size());
                        dev.launch(CudaKernel.FILL, lanes, lanes, masked.row(n + m), 0.0);
                        applyM(masked, out);
                    } else {
                        applyM(in, out);
                    }
                });
            }

            @Override
            public void applyTranspose(DeviceVector in, DeviceVector out) {
                dev.replayable(graph(fixedTau, true), () -> {
                    applyMT(in, out);
                    if (fixedTau) {
                        dev.launch(CudaKernel.FILL, lanes, lanes, out.row(n + m), 0.0);
                    }
                });
            }
        };
    }

    private LaunchGraph graph(boolean fixedTau, boolean transpose) {
        int k = (fixedTau ? 2 : 0) + (transpose ? 1 : 0);
        if (graphs[k] == null) {
            graphs[k] = new LaunchGraph(dev);
        }
        return graphs[k];
    }

    /** out = q − t + in with t = DΠ·in, q = DQ·t. */
    private void applyM(DeviceVector in, DeviceVector out) {
        projectDerivative(in, t, false);
        int nl = n * lanes;
        int ml = m * lanes;
        // x rows: P t_x + Aᵀ t_y + c t_w
        data.mats.mulP(t.row(0), q.row(0), false);
        data.mats.mulAT(t.row(n), q.row(0), true);
        dev.launch(CudaKernel.LANE_AXPBY, nl, nl, lanes, t.row(n + m), data.cb.row(0), ones, q.row(0));
        // y rows: b t_w − A t_x
        data.mats.mulA(t.row(0), q.row(n), false);
        dev.launch(CudaKernel.LANE_AXPBY, ml, ml, lanes, t.row(n + m), data.cb.row(n), minusOnes, q.row(n));
        // τ row: xᵀPx t_w − (c + 2Px)ᵀ t_x − bᵀ t_y
        tauRow(border, t, q, minusOnes);
        combine(in, q, t, out, minusOnes);
    }

    /** out = t + in with t = DΠᵀ·(q − in), q = DQᵀ·in. */
    private void applyMT(DeviceVector in, DeviceVector out) {
        int nl = n * lanes;
        int ml = m * lanes;
        // x rows: P in_x − Aᵀ in_y − (c + 2Px) in_w
        data.mats.mulAT(in.row(n), q.row(0), false);
        dev.launch(CudaKernel.LANE_AXPBY, nl, nl, lanes, in.row(n + m), border.row(0), ones, q.row(0));
        dev.launch(CudaKernel.LANE_SCALE, nl, nl, lanes, q.row(0), minusOnes);
        data.mats.mulP(in.row(0), q.row(0), true);
        // y rows: A in_x − b in_w
        data.mats.mulA(in.row(0), q.row(n), false);
        dev.copy(in.row(n + m), negTau.ptr(), lanes);
        dev.launch(CudaKernel.LANE_SCALE, lanes, lanes, lanes, negTau, minusOnes);
        dev.launch(CudaKernel.LANE_AXPBY, ml, ml, lanes, negTau, data.cb.row(n), ones, q.row(n));
        // τ row: cᵀ in_x + bᵀ in_y + xᵀPx in_w
        tauRow(data.cb, in, q, ones);
        int all = (n + m + 1) * lanes;
        dev.launch(CudaKernel.LANE_AXPBY, all, all, lanes, minusOnes, in, ones, q);
        projectDerivative(q, t, true);
        dev.copy(in.ptr(), out.ptr(), all);
        dev.launch(CudaKernel.LANE_AXPBY, all, all, lanes, ones, t, ones, out);
    }

    /** out's τ row = xᵀPx·v_w + sign·⟨coef, v⟩ over the n + m rows above it. */
    private void tauRow(DeviceVector coef, DeviceVector v, DeviceVector out, DeviceBuffer sign) {
        dev.launch(CudaKernel.LANE_DOT, lanes * LaunchGeometry.WARP, lanes, n + m, coef, v, laneTmp);
        dev.copy(v.row(n + m), out.row(n + m), lanes);
        dev.launch(CudaKernel.LANE_SCALE, lanes, lanes, lanes, out.row(n + m), xPx);
        dev.launch(CudaKernel.LANE_AXPBY, lanes, lanes, lanes, sign, laneTmp, ones, out.row(n + m));
    }

    /** out = a + sign·b + c (whole vectors). */
    private void combine(DeviceVector c, DeviceVector a, DeviceVector b, DeviceVector out, DeviceBuffer sign) {
        int all = (n + m + 1) * lanes;
        dev.copy(c.ptr(), out.ptr(), all);
        dev.launch(CudaKernel.LANE_AXPBY, all, all, lanes, ones, a, ones, out);
        dev.launch(CudaKernel.LANE_AXPBY, all, all, lanes, sign, b, ones, out);
    }

    /** out = DΠ(z)·in: identity on the x and τ rows, DΠ_{K*} (or its transpose) on the y rows. */
    private void projectDerivative(DeviceVector in, DeviceVector out, boolean transpose) {
        dev.copy(in.ptr(), out.ptr(), n * lanes);
        if (transpose) {
            cone.applyTranspose(in, n, out, n);
        } else {
            cone.apply(in, n, out, n);
        }
        dev.copy(in.row(n + m), out.row(n + m), lanes);
    }

    @Override
    public void point(DeviceVector out) {
        dev.copy(data.z.ptr(), out.ptr(), out.size());
    }

    @Override
    public void vjpRightHandSide(double[] dx, double[] dy, DeviceVector out) {
        int all = (n + m + 1) * lanes;
        dev.launch(CudaKernel.FILL, all, all, g, 0.0);
        dev.upload(dx, 0, g.ptr(), n * lanes);
        if (dy != null) {
            dev.upload(dy, 0, g.row(n), m * lanes);
        }
        dev.copy(g.ptr(), out.ptr(), n * lanes);
        cone.applyTranspose(g, n, out, n);
        // τ row: −(xᵀdx + yᵀdy)
        dev.launch(CudaKernel.LANE_DOT, lanes * LaunchGeometry.WARP, lanes, n + m, data.sol, g, out.row(n + m));
        dev.launch(CudaKernel.LANE_SCALE, lanes, lanes, lanes, out.row(n + m), minusOnes);
        // Lanes without a solution: the caller's gradients there are ignored.
        dev.launch(CudaKernel.LANE_SCALE, all, all, lanes, out, data.valid);
    }

    @Override
    public void zeroLanes(DeviceVector v, boolean[] which) {
        int[] mask = new int[lanes];
        boolean any = false;
        for (int l = 0; l < lanes; l++) {
            mask[l] = which[l] ? 1 : 0;
            any |= which[l];
        }
        if (!any) {
            return;
        }
        if (zeros == null) {
            zeros = lease.vector(v.length(), lanes);
            dev.launch(CudaKernel.FILL, zeros.size(), zeros.size(), zeros, 0.0);
        }
        DeviceBuffer flags = lease.upload(mask);
        dev.launch(CudaKernel.MASKED_COPY, v.size(), v.size(), lanes, flags, zeros, v);
    }

    @Override
    public double[] parameterGradient(DeviceVector r) {
        int total = cotangent.size();
        dev.launch(CudaKernel.VJP_DATA, total, total, lanes, n, m, nnzA, entryRow, entryCol, data.sol, r, cotangent);
        paramMap.applyTranspose(cotangent, dTheta);
        double[] out = new double[dTheta.size()];
        dev.download(dTheta.ptr(), out, 0, out.length);
        return out;
    }

    @Override
    public void close() {
        for (LaunchGraph g : graphs) {
            if (g != null) {
                g.close();
            }
        }
        paramMap.close();
        vectors.close();
        lease.close();
    }
}
