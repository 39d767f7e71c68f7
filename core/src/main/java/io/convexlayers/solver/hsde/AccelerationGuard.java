// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.solver.hsde;

import java.util.Arrays;

/**
 * Host-side safeguard of Anderson acceleration, per lane. At every acceleration point it compares
 * the fixed-point residual of the block just run with that of the block before: a block that
 * started from an accelerated point and made less progress is undone. Each rejection doubles a
 * back-off during which the lane runs plain Douglas–Rachford blocks (1, 3, 7, … up to
 * {@link #MAX_BACKOFF} blocks); an accepted accelerated block halves it again. On instances where
 * extrapolation keeps failing (badly scaled LPs such as NETLIB kb2) this lets the plain iteration,
 * which does converge, do its work.
 */
final class AccelerationGuard {
    static final int MAX_BACKOFF = 63;

    private final double[] lastResidual;
    private final boolean[] accelerated;
    private final int[] backoff;
    private final int[] skip;
    private final boolean[] reject;
    private final boolean[] apply;

    AccelerationGuard(int lanes) {
        lastResidual = new double[lanes];
        accelerated = new boolean[lanes];
        backoff = new int[lanes];
        skip = new int[lanes];
        reject = new boolean[lanes];
        apply = new boolean[lanes];
        Arrays.fill(lastResidual, Double.POSITIVE_INFINITY);
    }

    /** The guard of lanes {@code keep} only, their records carried over. */
    AccelerationGuard compact(int[] keep) {
        AccelerationGuard out = new AccelerationGuard(keep.length);
        for (int j = 0; j < keep.length; j++) {
            int l = keep[j];
            out.lastResidual[j] = lastResidual[l];
            out.accelerated[j] = accelerated[l];
            out.backoff[j] = backoff[l];
            out.skip[j] = skip[l];
            out.reject[j] = reject[l];
            out.apply[j] = apply[l];
        }
        return out;
    }

    /** Decides, from the block residuals {@code fpr}, which lanes to undo; returns null when none. */
    boolean[] rejections(double[] fpr, boolean[] done) {
        boolean any = false;
        for (int l = 0; l < fpr.length; l++) {
            reject[l] = !done[l] && accelerated[l] && !(fpr[l] <= lastResidual[l]);
            if (reject[l]) {
                backoff[l] = Math.min(2 * backoff[l] + 1, MAX_BACKOFF);
                skip[l] = backoff[l];
                any = true;
            } else if (accelerated[l]) {
                backoff[l] /= 2;
            }
        }
        return any ? reject : null;
    }

    /** Which lanes take an accelerated step now (call after {@link #rejections}). */
    boolean[] applications(double[] fpr, boolean[] done) {
        for (int l = 0; l < fpr.length; l++) {
            boolean wait = skip[l] > 0 && !reject[l];
            if (wait) {
                skip[l]--;
            }
            apply[l] = !done[l] && !reject[l] && !wait;
            accelerated[l] = apply[l];
            if (!reject[l]) {
                lastResidual[l] = fpr[l];
            }
        }
        return apply;
    }

    /** Forgets the comparison point of the lanes whose map changed (a new scale). */
    void reset(boolean[] changed) {
        for (int l = 0; l < changed.length; l++) {
            if (changed[l]) {
                lastResidual[l] = Double.POSITIVE_INFINITY;
                accelerated[l] = false;
            }
        }
    }
}
