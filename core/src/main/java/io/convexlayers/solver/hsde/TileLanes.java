// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.solver.hsde;

import io.convexlayers.batch.LaneGather;
import io.convexlayers.solver.SolverSettings;

/**
 * The lanes of a tile while {@link HsdeIteration} runs: the kernels with their iterate vectors,
 * and per lane the instance it solves, whether it has finished, its scale record, acceleration
 * guard and polishing record. {@link #compact} moves the running lanes into a narrower tile, so
 * that finished lanes stop costing work; every running lane's state moves bit for bit, so its
 * iterates and result are unchanged.
 *
 * @param <V> the backend's vector handle
 */
final class TileLanes<V> {
    HsdeKernels<V> kernels;
    V v;
    V u;
    V uTilde;
    V rsk;
    V anchor;
    /** Instance of each lane. */
    int[] instance;
    boolean[] done;
    /** Residual statistics, {@link ResidualStats#WIDTH} per lane. */
    double[] stats;
    /** Per-lane fixed-point residuals (work space of the Anderson steps). */
    double[] fpr;
    /** Iteration of each lane's last early-polishing attempt. */
    int[] lastAttemptIters;
    ScaleController scale;
    AccelerationGuard guard;
    /** Halpern's bookkeeping when the iteration is anchored, else null. */
    HalpernRestarts halpern;
    /** Lanes not yet finished. */
    int running;

    /** Lanes {@code [0, live)} solve instances {@code first + l}; the others are padding, finished from the start. */
    TileLanes(HsdeKernels<V> kernels, int first, int live, SolverSettings settings) {
        this.kernels = kernels;
        int lanes = kernels.lanes();
        int len = kernels.n() + kernels.m() + 1;
        v = kernels.newVector(len);
        u = kernels.newVector(len);
        uTilde = kernels.newVector(len);
        rsk = kernels.newVector(len);
        anchor = kernels.newVector(len);
        instance = new int[lanes];
        done = new boolean[lanes];
        for (int l = 0; l < lanes; l++) {
            instance[l] = first + l;
            done[l] = l >= live;
        }
        stats = new double[lanes * ResidualStats.WIDTH];
        fpr = new double[lanes];
        lastAttemptIters = new int[lanes];
        scale = new ScaleController(lanes, kernels.sharedScale(), settings.scale());
        guard = new AccelerationGuard(lanes);
        running = live;
    }

    int lanes() {
        return kernels.lanes();
    }

    /**
     * The width to narrow to now: the smallest power of two holding the running lanes (4, 2 and 1
     * lanes have fast kernels; 8 is the default tile), or 0 when that is not narrower than the
     * tile or the kernels cannot compact.
     */
    int compactWidth() {
        if (running == 0 || !kernels.canCompact()) {
            return 0;
        }
        int width = Integer.highestOneBit(running);
        if (width < running) {
            width *= 2;
        }
        return width < lanes() && kernels.narrowingPays(width) ? width : 0;
    }

    /**
     * Narrows the tile to {@code width} lanes: the running ones, in their order, then finished ones
     * as padding (their results are already written; they are never read again).
     */
    void compact(int width) {
        int[] keep = new int[width];
        int k = 0;
        int padding = width - running;
        for (int l = 0; l < done.length; l++) {
            if (!done[l]) {
                keep[k++] = l;
            } else if (padding > 0) {
                keep[k++] = l;
                padding--;
            }
        }
        HsdeKernels<V> old = kernels;
        v = old.compactVector(v, keep);
        u = old.compactVector(u, keep);
        uTilde = old.compactVector(uTilde, keep);
        rsk = old.compactVector(rsk, keep);
        anchor = old.compactVector(anchor, keep);
        kernels = old.compact(keep);
        instance = LaneGather.gather(instance, keep);
        done = LaneGather.gather(done, keep);
        lastAttemptIters = LaneGather.gather(lastAttemptIters, keep);
        stats = new double[width * ResidualStats.WIDTH];
        fpr = new double[width];
        scale = scale.compact(keep);
        guard = guard.compact(keep);
        if (halpern != null) {
            halpern = halpern.compact(keep);
        }
        kernels.retire(done);
    }
}
