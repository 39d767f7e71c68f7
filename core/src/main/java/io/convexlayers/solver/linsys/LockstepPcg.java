// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.solver.linsys;

import java.util.Arrays;

/**
 * Jacobi-preconditioned conjugate gradients for a tile: one CG per lane on M_l·x_l = b_l (M_l
 * symmetric positive definite), all lanes in lock-step, each stopping on its own when
 * ‖b − M·x‖² ≤ threshold. When the recurrence says a lane has converged, the true residual is
 * recomputed and CG restarted from x if it disagrees (at most {@value #MAX_RESTARTS} times), so
 * that rounding in the recurrence cannot end a solve early. Vectors are batch-minor ({@code size}
 * rows of {@code lanes} lanes); all workspace is allocated by the constructor.
 */
public final class LockstepPcg {
    /** Restarts from the true residual after the recurrence reports convergence. */
    static final int MAX_RESTARTS = 3;

    /** The matrices M_l of every lane applied at once. */
    @FunctionalInterface
    public interface Operator {
        /** out = M·v (batch-minor); out does not overlap v. */
        void apply(double[] v, double[] out);
    }

    private final int size;
    private final int lanes;
    private final double[] r;
    private final double[] z;
    private final double[] p;
    private final double[] q;
    private final double[] rz;
    private final double[] alpha;
    private final double[] acc;
    private final boolean[] active;
    private final boolean[] stopped;

    public LockstepPcg(int size, int lanes) {
        this.size = size;
        this.lanes = lanes;
        int len = size * lanes;
        r = new double[len];
        z = new double[len];
        p = new double[len];
        q = new double[len];
        rz = new double[lanes];
        alpha = new double[lanes];
        acc = new double[lanes];
        active = new boolean[lanes];
        stopped = new boolean[lanes];
    }

    /**
     * Runs CG from x (updated in place).
     *
     * @param invDiag     the Jacobi preconditioner D⁻¹ (batch-minor)
     * @param thresholdSq per lane, the squared residual norm at which the lane stops
     * @return the iterations used (the most over the lanes)
     */
    public int solve(Operator op, double[] invDiag, double[] b, double[] x, double[] thresholdSq, int maxIterations) {
        Arrays.fill(active, true);
        int it = 0;
        for (int restart = 0; restart <= MAX_RESTARTS && it < maxIterations; restart++) {
            if (!start(op, invDiag, b, x, thresholdSq)) {
                break;
            }
            it = iterate(op, invDiag, x, thresholdSq, it, maxIterations);
        }
        return it;
    }

    /**
     * r = b − M·x, z = D⁻¹·r, p = z for the lanes still active; a lane whose true residual passes
     * the test is retired. Returns whether any lane remains.
     */
    private boolean start(Operator op, double[] invDiag, double[] b, double[] x, double[] thresholdSq) {
        int len = size * lanes;
        op.apply(x, q);
        for (int t = 0; t < len; t++) {
            double ri = b[t] - q[t];
            r[t] = ri;
            z[t] = ri * invDiag[t];
        }
        System.arraycopy(z, 0, p, 0, len);
        dot(r, z, rz);
        dot(r, r, acc);
        boolean any = false;
        for (int l = 0; l < lanes; l++) {
            active[l] = active[l] && acc[l] > thresholdSq[l];
            any |= active[l];
        }
        return any;
    }

    /** CG iterations until every active lane's recurrence residual passes; returns the total count. */
    private int iterate(Operator op, double[] invDiag, double[] x, double[] thresholdSq, int it, int maxIterations) {
        boolean any = true;
        // lanes that the recurrence retires stay "active" for the true-residual check in start()
        for (int l = 0; l < lanes; l++) {
            stopped[l] = !active[l];
        }
        while (any && it < maxIterations) {
            it++;
            op.apply(p, q);
            dot(p, q, acc);
            for (int l = 0; l < lanes; l++) {
                double a = rz[l] / acc[l];
                if (stopped[l] || !(acc[l] > 0) || !Double.isFinite(a)) {
                    stopped[l] = true;
                    a = 0;
                }
                alpha[l] = a;
            }
            for (int i = 0; i < size; i++) {
                int o = i * lanes;
                for (int l = 0; l < lanes; l++) {
                    x[o + l] += alpha[l] * p[o + l];
                    double ri = r[o + l] - alpha[l] * q[o + l];
                    r[o + l] = ri;
                    z[o + l] = ri * invDiag[o + l];
                }
            }
            dot(r, r, acc);
            any = false;
            for (int l = 0; l < lanes; l++) {
                stopped[l] |= !(acc[l] > thresholdSq[l]);
                any |= !stopped[l];
            }
            dot(r, z, acc);
            for (int l = 0; l < lanes; l++) {
                // beta; a stopped lane keeps its p (its alpha is 0 from now on)
                alpha[l] = stopped[l] ? 0 : acc[l] / rz[l];
                if (!stopped[l]) {
                    rz[l] = acc[l];
                }
            }
            for (int i = 0; i < size; i++) {
                int o = i * lanes;
                for (int l = 0; l < lanes; l++) {
                    p[o + l] = stopped[l] ? p[o + l] : z[o + l] + alpha[l] * p[o + l];
                }
            }
        }
        return it;
    }

    /** Per-lane inner products of u and v. */
    private void dot(double[] u, double[] v, double[] out) {
        Arrays.fill(out, 0.0);
        for (int i = 0; i < size; i++) {
            int o = i * lanes;
            for (int l = 0; l < lanes; l++) {
                out[l] += u[o + l] * v[o + l];
            }
        }
    }
}
