// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.solver.ipm;

import io.convexlayers.data.BatchConeProgram;
import io.convexlayers.solver.Algorithm;
import io.convexlayers.solver.SolverSettings;

/**
 * Resolves {@link SolverSettings#algorithm()} for one batch. {@link Algorithm#AUTO} takes the
 * interior-point method when it supports the cones and the reduced Newton matrix (order n plus the
 * equality rows) is at most {@link #AUTO_MAX_ORDER}: there its iterations cost a dense
 * factorization each, and the measurements in {@code benchmarks/RESULTS.md} ("Interior point
 * versus first order") put it ahead of the first-order method on every small-QP batch, LP and SOCP
 * measured up to that order; larger programs go to the first-order method. An explicit
 * {@link Algorithm#INTERIOR_POINT} on unsupported cones falls back to the first-order method
 * (the caller announces it).
 */
public final class AlgorithmChoice {
    /** Largest reduced order AUTO gives to the interior-point method. */
    public static final int AUTO_MAX_ORDER = 400;

    private AlgorithmChoice() {
    }

    /** FIRST_ORDER or INTERIOR_POINT for this batch under these settings. */
    public static Algorithm resolve(BatchConeProgram batch, SolverSettings settings) {
        boolean supported = InteriorPointSolver.supports(batch.cones());
        return switch (settings.algorithm()) {
            case FIRST_ORDER -> Algorithm.FIRST_ORDER;
            case INTERIOR_POINT -> supported ? Algorithm.INTERIOR_POINT : Algorithm.FIRST_ORDER;
            case AUTO -> supported && batch.n() + batch.cones().zero() <= AUTO_MAX_ORDER
                    ? Algorithm.INTERIOR_POINT : Algorithm.FIRST_ORDER;
        };
    }
}
