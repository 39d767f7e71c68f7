// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.diff;

import io.convexlayers.cone.ConeProjector;
import io.convexlayers.diff.residual.ResidualMapOperator;

/**
 * Newton refinement of a tile's solutions before they are differentiated: the derivative of the
 * solution map is wanted at the exact solution, and a first-order solution at the default tolerance is
 * 1e-5 … 1e-4 away from it, which is the size of the error it leaves in the gradient. The step is the
 * one {@link ForwardError} already computes for its estimate — with τ held at 1, z* = ẑ − e where
 * M·e = R(ẑ) — so the refinement is the residual-map Newton method of Busseti, Moursi and Boyd
 * ("Solution refinement at regular points of conic problems", 2019), for every cone the derivative
 * supports, through whichever factorization the derivative's mode picked (the dense or sparse active
 * block: the null vector comes with it; LSQR otherwise).
 *
 * <p>The solution is read back from z* = (x, v, 1) as x, y = Π_{K*}(v) and s = y − v, so y and s lie in
 * their cones and are complementary by construction; only the residuals of the linear equations
 * remain, and on a fixed active set (LP, QP) the step removes them to rounding. A step is kept in a
 * lane only where it lowers that lane's relative residual ‖R(z)‖/‖z‖ (R(z) = M(z)·z, M
 * positively homogeneous); a lane whose step is refused keeps its point, so refinement never makes a
 * solution worse.
 */
final class SolutionRefinement {
    /**
     * Lanes whose estimated relative distance from the exact solution is above this are refined: about
     * the accuracy of the first-order method at eps 1e-10, which is differentiated as it is. The
     * interior-point method's solutions at eps 1e-8 are 1e-10 … 1e-7 away (medians 1.6e-10 at n = 10,
     * 4.9e-9 at n = 50 on the benchmark's small QPs): a quarter to most of them take one step, which
     * costs one more factorization of their active block (benchmarks/RESULTS.md, session 12).
     */
    static final double REFINE_ABOVE = 1e-9;
    /** Newton steps at most per lane (each one more factorization of the tile, or one more LSQR solve). */
    static final int MAX_STEPS = 3;
    /** Steps at most when polishing by {@link ConeFaceStep} with damping (each one dense factorization per lane). */
    static final int DAMPED_STEPS = 8;
    /** Halvings of a polishing step that did not lower the residual before it is refused. */
    static final int HALVINGS = 5;

    private SolutionRefinement() {
    }

    /** z = (x, y − s, 1) of the tile's lanes marked {@code valid}, zero elsewhere. */
    static double[] point(double[] x, double[] y, double[] s, int n, int m, boolean[] valid) {
        int lanes = valid.length;
        double[] z = new double[(n + m + 1) * lanes];
        int nl = n * lanes;
        System.arraycopy(x, 0, z, 0, nl);
        for (int k = 0; k < m * lanes; k++) {
            z[nl + k] = y[k] - s[k];
        }
        for (int l = 0; l < lanes; l++) {
            if (valid[l]) {
                z[(n + m) * lanes + l] = 1;
            } else {
                for (int i = 0; i < n + m; i++) {
                    z[i * lanes + l] = 0;
                }
            }
        }
        return z;
    }

    /** Per lane ‖R(z)‖/‖z‖, with R(z) = M·z for the M linearized at z. */
    static double[] relativeResidual(ResidualMapOperator op, double[] z) {
        int lanes = op.lanes();
        int len = op.rows();
        double[] r = new double[len * lanes];
        op.apply(z, r);
        double[] out = new double[lanes];
        for (int l = 0; l < lanes; l++) {
            double rr = 0;
            double zz = 0;
            for (int i = 0; i < len; i++) {
                int k = i * lanes + l;
                rr += r[k] * r[k];
                zz += z[k] * z[k];
            }
            double rel = Math.sqrt(rr / zz);
            out[l] = Double.isFinite(rel) ? rel : Double.POSITIVE_INFINITY;
        }
        return out;
    }

    /** x, y = Π_{K*}(v), s = y − v from z = (x, v, ·) for the lanes marked in {@code lanes}. */
    static void readBack(double[] z, ConeProjector dual, int n, int m, boolean[] lanes, double[] x, double[] y,
                         double[] s) {
        int count = lanes.length;
        int nl = n * count;
        double[] v = new double[m * count];
        System.arraycopy(z, nl, v, 0, m * count);
        double[] proj = v.clone();
        dual.projectDual(proj, 0);
        for (int l = 0; l < count; l++) {
            if (!lanes[l]) {
                continue;
            }
            for (int j = 0; j < n; j++) {
                x[j * count + l] = z[j * count + l];
            }
            for (int i = 0; i < m; i++) {
                int k = i * count + l;
                y[k] = proj[k];
                s[k] = proj[k] - v[k];
            }
        }
    }
}
