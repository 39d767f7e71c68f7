// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.solver.ipm;

import io.convexlayers.data.BatchConeProgram;
import io.convexlayers.solver.Algorithm;
import io.convexlayers.solver.SolverSettings;

/**
 * Resolves {@link SolverSettings#algorithm()} for one batch. {@link Algorithm#AUTO} takes the
 * interior-point method for LPs and QPs (zero and nonnegative cones) whose reduced Newton matrix
 * (order n plus the equality rows) is at most {@link #AUTO_MAX_ORDER}: there an iteration costs a
 * dense factorization, and the measurements in {@code benchmarks/RESULTS.md} ("Interior point
 * versus first order") put it ahead of the first-order method on every small-QP batch and the LP
 * measured (and n + m at most 2000, so that the full Newton system, the fallback where the reduction
 * loses accuracy, stays dense too). Second-order cones are solved by the interior-point method only on request for now:
 * on some SOCPs its last Newton systems lose accuracy and it stops near 1e-8 where the first-order
 * method reaches 1e-9. Larger programs and warm-started solves (an interior-point method cannot use
 * a previous solution as its start) go to the first-order method. An explicit
 * {@link Algorithm#INTERIOR_POINT} on unsupported cones falls back to the first-order method (the
 * caller announces it).
 */
public final class AlgorithmChoice {
    /** Largest reduced order AUTO gives to the interior-point method. */
    public static final int AUTO_MAX_ORDER = 400;

    private AlgorithmChoice() {
    }

    /** FIRST_ORDER or INTERIOR_POINT for this batch under these settings, solved cold. */
    public static Algorithm resolve(BatchConeProgram batch, SolverSettings settings) {
        return resolve(batch, settings, false);
    }

    /** FIRST_ORDER or INTERIOR_POINT for this batch; {@code warm}: a warm start is given. */
    public static Algorithm resolve(BatchConeProgram batch, SolverSettings settings, boolean warm) {
        boolean supported = InteriorPointSolver.supports(batch);
        return switch (settings.algorithm()) {
            case FIRST_ORDER -> Algorithm.FIRST_ORDER;
            case INTERIOR_POINT -> supported ? Algorithm.INTERIOR_POINT : Algorithm.FIRST_ORDER;
            case AUTO -> supported && batch.cones().soc().length == 0 && !warm
                    && InteriorPointSolver.hasFullFallback(batch) && batch.n() + batch.cones().zero() <= AUTO_MAX_ORDER
                    ? Algorithm.INTERIOR_POINT : Algorithm.FIRST_ORDER;
        };
    }
}
