// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.backend.cuda;

import io.convexlayers.data.ConeDims;

/**
 * The derivative DΠ of the projection onto K or K* on the device (DESIGN §5), the device counterpart
 * of {@link io.convexlayers.cone.ConeDerivative} with the same contract: {@link #linearizeAt} records
 * the point (a copy of it for the nonnegative and second-order rows, eigendecompositions for the PSD
 * cones, 3×3 Jacobians for the exponential and power triples), then {@link #apply} and
 * {@link #applyTranspose} multiply directions without reading anything back. Which of K, K* each
 * block uses follows {@link DeviceCones}: for K* the zero rows are free (identity), an exponential
 * block uses K_exp*, a dual-exponential block K_exp, and power blocks the dual of their cone.
 */
final class DeviceConeDerivative {
    private final Device dev;
    private final ConeDims dims;
    private final int lanes;
    private final int m;
    private final DeviceBuffer point;
    private final DeviceBuffer socStart;
    private final DeviceBuffer socSize;
    private final DeviceBuffer psdStart;
    private final DeviceBuffer psdOrder;
    private final DeviceBuffer psdLinStart;
    private final DeviceBuffer psdLin;
    private final DeviceBuffer psdTmp;
    private final DeviceBuffer powAlpha;
    private final DeviceBuffer powAlphaNeg;
    private final DeviceBuffer jac;
    private final int triples;
    private boolean linearized;
    private boolean dual;

    DeviceConeDerivative(BufferPool.Lease lease, ConeDims dims, int lanes) {
        this.dev = lease.device();
        this.dims = dims;
        this.lanes = lanes;
        this.m = dims.rows();
        this.point = lease.doubles(Math.max(1, m * lanes));
        ConeTables t = ConeTables.of(dims);
        this.socStart = lease.upload(t.socStart());
        this.socSize = lease.upload(dims.soc());
        this.psdStart = lease.upload(t.psdStart());
        this.psdOrder = lease.upload(dims.psd());
        this.psdLinStart = lease.upload(t.psdScratch());
        this.psdLin = lease.doubles(Math.max(1, t.scratchPerLane() * lanes));
        this.psdTmp = lease.doubles(Math.max(1, t.scratchPerLane() * lanes));
        double[] alpha = dims.power();
        this.powAlpha = lease.upload(alpha);
        this.powAlphaNeg = lease.upload(t.negatedAlpha());
        this.triples = dims.exp() + dims.dualExp() + alpha.length;
        this.jac = lease.doubles(Math.max(1, 9 * triples * lanes));
    }

    /** The derivative of a chunk's cones on the CUDA backend's device. */
    public static DeviceConeDerivative on(CudaBackend backend, ConeDims dims, int lanes) {
        backend.bindToCurrentThread();
        return new DeviceConeDerivative(new BufferPool.Lease(backend.pool()), dims, lanes);
    }

    /** Records the point: rows [row, row + m) of {@code v}; {@code dual} selects DΠ_{K*}, else DΠ_K. */
    public void linearizeAt(DeviceVector v, int row, boolean dual) {
        this.dual = dual;
        this.linearized = true;
        dev.copy(v.row(row), point.ptr(), m * lanes);
        int psd = dims.psd().length * lanes;
        dev.launch(CudaKernel.PSD_LINEARIZE, psd, psd, lanes, psdStart, psdOrder, psdLinStart, psdLin, point);
        int exp = dims.exp() * lanes;
        dev.launch(CudaKernel.EXP_LINEARIZE, exp, exp, lanes, dual ? 1 : 0, point.at(dims.expStart() * lanes),
                jac);
        int dexp = dims.dualExp() * lanes;
        dev.launch(CudaKernel.EXP_LINEARIZE, dexp, dexp, lanes, dual ? 0 : 1, point.at(dims.dualExpStart() * lanes),
                jac.at(9 * dims.exp() * lanes));
        int pow = dims.power().length * lanes;
        dev.launch(CudaKernel.POW_LINEARIZE, pow, pow, lanes, dual ? powAlphaNeg : powAlpha,
                point.at(dims.powerStart() * lanes), jac.at(9 * (dims.exp() + dims.dualExp()) * lanes));
    }

    /** Whether the last linearization was for K*. */
    public boolean isDual() {
        return dual;
    }

    /** out (rows [outRow, outRow + m)) = DΠ·d (rows [dRow, dRow + m)); out must not overlap d. */
    public void apply(DeviceVector d, int dRow, DeviceVector out, int outRow) {
        run(d, dRow, out, outRow, false);
    }

    /** out = DΠᵀ·d (DΠ is symmetric; the stored triple Jacobians are applied transposed). */
    public void applyTranspose(DeviceVector d, int dRow, DeviceVector out, int outRow) {
        run(d, dRow, out, outRow, true);
    }

    private void run(DeviceVector d, int dRow, DeviceVector out, int outRow, boolean transpose) {
        if (!linearized) {
            throw new IllegalStateException("linearizeAt must be called before apply");
        }
        if (d.lanes() != lanes || out.lanes() != lanes) {
            throw new IllegalArgumentException("vectors must have " + lanes + " lanes");
        }
        int z = dims.zero() * lanes;
        if (dual) {
            dev.copy(d.row(dRow), out.row(outRow), z);
        } else {
            dev.launch(CudaKernel.FILL, z, z, out.row(outRow), 0.0);
        }
        int nn = dims.nonneg() * lanes;
        int nnRow = dims.nonnegStart();
        dev.launch(CudaKernel.DPROJ_NONNEG, nn, nn, point.at(nnRow * lanes), d.row(dRow + nnRow),
                out.row(outRow + nnRow));
        int soc = dims.soc().length * lanes;
        dev.launch(CudaKernel.DPROJ_SOC, soc, soc, lanes, socStart, socSize, point, d.row(dRow), out.row(outRow));
        int psd = dims.psd().length * lanes;
        dev.launch(CudaKernel.DPROJ_PSD, psd, psd, lanes, psdStart, psdOrder, psdLinStart, psdLin, psdTmp,
                d.row(dRow), out.row(outRow));
        int tr = triples * lanes;
        int tRow = dims.expStart();
        dev.launch(CudaKernel.DPROJ_TRIPLES, tr, tr, lanes, jac, transpose ? 1 : 0, d.row(dRow + tRow),
                out.row(outRow + tRow));
    }
}
