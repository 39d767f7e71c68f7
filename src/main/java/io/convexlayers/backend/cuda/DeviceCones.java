package io.convexlayers.backend.cuda;

import io.convexlayers.cone.ConeDims;

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
        int[] soc = dims.soc();
        int[] ss = new int[soc.length];
        int r = dims.socStart();
        for (int c = 0; c < soc.length; c++) {
            ss[c] = r;
            r += soc[c];
        }
        this.socStart = lease.upload(ss);
        this.socSize = lease.upload(soc);
        int[] psd = dims.psd();
        int[] ps = new int[psd.length];
        int[] scr = new int[psd.length];
        r = dims.psdStart();
        int scratch = 0;
        for (int c = 0; c < psd.length; c++) {
            ps[c] = r;
            scr[c] = scratch;
            r += ConeDims.svecLength(psd[c]);
            scratch += 2 * psd[c] * psd[c];
        }
        this.psdStart = lease.upload(ps);
        this.psdOrder = lease.upload(psd);
        this.psdScratchStart = lease.upload(scr);
        this.psdScratch = lease.doubles(Math.max(1, scratch * lanes));
        double[] alpha = dims.power();
        double[] neg = new double[alpha.length];
        for (int c = 0; c < alpha.length; c++) {
            neg[c] = -alpha[c];
        }
        this.powAlphaPrimal = lease.upload(alpha);
        this.powAlphaDual = lease.upload(neg);
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
