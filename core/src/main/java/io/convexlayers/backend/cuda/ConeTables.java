// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.backend.cuda;

import io.convexlayers.data.ConeDims;

/**
 * Per-cone index tables the cone kernels read: the first row of every SOC and PSD block, each PSD
 * block's offset into a per-lane scratch of 2·k² + 4k doubles (a work matrix, the eigenvectors and
 * four work vectors of the eigendecomposition), and the power cones' α with its negation (the dual
 * family's parameter).
 *
 * @param socStart      first row of each second-order cone
 * @param psdStart      first row of each PSD block (svec)
 * @param psdScratch    offset of each PSD block in the per-lane scratch
 * @param scratchPerLane total scratch doubles per lane
 * @param negatedAlpha  −α of each power cone
 */
record ConeTables(int[] socStart, int[] psdStart, int[] psdScratch, int scratchPerLane, double[] negatedAlpha) {

    static ConeTables of(ConeDims dims) {
        int[] soc = dims.soc();
        int[] ss = new int[soc.length];
        int r = dims.socStart();
        for (int c = 0; c < soc.length; c++) {
            ss[c] = r;
            r += soc[c];
        }
        int[] psd = dims.psd();
        int[] ps = new int[psd.length];
        int[] scr = new int[psd.length];
        r = dims.psdStart();
        int scratch = 0;
        for (int c = 0; c < psd.length; c++) {
            ps[c] = r;
            scr[c] = scratch;
            r += ConeDims.svecLength(psd[c]);
            scratch += eigenScratch(psd[c]);
        }
        double[] alpha = dims.power();
        double[] neg = new double[alpha.length];
        for (int c = 0; c < alpha.length; c++) {
            neg[c] = -alpha[c];
        }
        return new ConeTables(ss, ps, scr, scratch, neg);
    }

    /** Scratch entries of one eigendecomposition of order k (CL_EIGEN_SCRATCH in cones.cuh). */
    static int eigenScratch(int k) {
        return 2 * k * k + 4 * k;
    }
}
