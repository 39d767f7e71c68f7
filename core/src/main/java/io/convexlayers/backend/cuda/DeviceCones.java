// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.backend.cuda;

import io.convexlayers.data.ConeDims;

/**
 * Projections onto K or K* of the y block of a chunk (DESIGN §5), one launch per cone family:
 * nonnegative rows element-wise, SOC and PSD with one thread per (cone, lane), exponential and power
 * triples with one thread per (triple, lane). Dual projections: the zero cone's dual is free,
 * nonnegative/SOC/PSD are self-dual, K_exp* and the dual power cone go through Moreau inside the kernels.
 */
final class DeviceCones {
    private final Device dev;
    private final ConeDims dims;
    private final int lanes;
    private final DeviceBuffer socStart;
    private final DeviceBuffer socSize;
    private final DeviceBuffer psdStart;
    private final DeviceBuffer psdOrder;
    private final DeviceBuffer psdScratchStart;
    private final DeviceBuffer psdScratch;
    private final DeviceBuffer powAlphaPrimal;
    private final DeviceBuffer powAlphaDual;

    DeviceCones(BufferPool.Lease lease, ConeDims dims, int lanes) {
        this.dev = lease.device();
        this.dims = dims;
        this.lanes = lanes;
        ConeTables t = ConeTables.of(dims);
        this.socStart = lease.upload(t.socStart());
        this.socSize = lease.upload(dims.soc());
        this.psdStart = lease.upload(t.psdStart());
        this.psdOrder = lease.upload(dims.psd());
        this.psdScratchStart = lease.upload(t.psdScratch());
        this.psdScratch = lease.doubles(Math.max(1, t.scratchPerLane() * lanes));
        this.powAlphaPrimal = lease.upload(dims.power());
        this.powAlphaDual = lease.upload(t.negatedAlpha());
    }

    /** Device memory per lane for the PSD eigen work space, in bytes. */
    static long bytesPerLane(ConeDims dims) {
        long s = 0;
        for (int k : dims.psd()) {
            s += 2L * k * k;
        }
        return 8 * s;
    }

    /** Projects rows [yRow, yRow + m) of {@code v} onto K* (or K when {@code primal}). */
    void project(DeviceVector v, int yRow, boolean primal) {
        if (primal && dims.zero() > 0) {
            dev.launch(CudaKernel.FILL, dims.zero() * lanes, dims.zero() * lanes, v.row(yRow), 0.0);
        }
        int nonneg = dims.nonneg() * lanes;
        dev.launch(CudaKernel.PROJ_NONNEG, nonneg, nonneg, v.row(yRow + dims.nonnegStart()));
        int soc = dims.soc().length * lanes;
        dev.launch(CudaKernel.PROJ_SOC, soc, soc, lanes, socStart, socSize, v.row(yRow));
        int psd = dims.psd().length * lanes;
        dev.launch(CudaKernel.PROJ_PSD, psd, psd, lanes, psdStart, psdOrder, psdScratchStart, psdScratch,
                v.row(yRow));
        int exp = dims.exp() * lanes;
        dev.launch(CudaKernel.PROJ_EXP, exp, exp, lanes, primal ? 0 : 1, v.row(yRow + dims.expStart()));
        int dexp = dims.dualExp() * lanes;
        dev.launch(CudaKernel.PROJ_EXP, dexp, dexp, lanes, primal ? 1 : 0, v.row(yRow + dims.dualExpStart()));
        int pow = dims.power().length * lanes;
        dev.launch(CudaKernel.PROJ_POW, pow, pow, lanes, primal ? powAlphaPrimal : powAlphaDual,
                v.row(yRow + dims.powerStart()));
    }
}
