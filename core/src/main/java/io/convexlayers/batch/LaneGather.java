// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.batch;

/**
 * Copies chosen lanes of batch-minor arrays (entry i of lane l at {@code i * lanes + l}) into a
 * narrower array holding only those lanes, in the order given: how a tile hands its running lanes'
 * state to a narrower tile. Plain copies, so the values move bit for bit.
 */
public final class LaneGather {
    private LaneGather() {
    }

    /**
     * The lanes {@code keep} of {@code src}, which holds {@code src.length / lanes} rows of
     * {@code lanes} lanes: row i of lane {@code keep[j]} lands at {@code i * keep.length + j}.
     */
    public static double[] gather(double[] src, int lanes, int[] keep) {
        double[] out = new double[src.length / lanes * keep.length];
        gatherInto(src, lanes, keep, out);
        return out;
    }

    /** The entries {@code keep} of a per-lane array (one entry per lane). */
    public static int[] gather(int[] src, int[] keep) {
        int[] out = new int[keep.length];
        for (int j = 0; j < keep.length; j++) {
            out[j] = src[keep[j]];
        }
        return out;
    }

    /** The entries {@code keep} of a per-lane array (one entry per lane). */
    public static boolean[] gather(boolean[] src, int[] keep) {
        boolean[] out = new boolean[keep.length];
        for (int j = 0; j < keep.length; j++) {
            out[j] = src[keep[j]];
        }
        return out;
    }

    /** Copies the lanes {@code keep} of {@code src} into {@code dst}, an array of {@code keep.length} lanes. */
    public static void gatherInto(double[] src, int lanes, int[] keep, double[] dst) {
        int rows = src.length / lanes;
        int k = keep.length;
        // Lane by lane: the long loop over rows is compiled at once (a short inner loop over the
        // kept lanes ran ~10x slower until the JIT had seen hundreds of calls).
        for (int j = 0; j < k; j++) {
            int from = keep[j];
            for (int i = 0; i < rows; i++) {
                dst[i * k + j] = src[i * lanes + from];
            }
        }
    }
}
