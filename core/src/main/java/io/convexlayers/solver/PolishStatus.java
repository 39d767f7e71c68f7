// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.solver;

/**
 * What solution polishing ({@link SolverSettings#polishing()}) did for one instance after the first-order
 * solve. With zero and nonnegative cones only, the active constraints are guessed from (y, s), the KKT
 * system of that guess is solved exactly and the resulting point replaces the solver's when its
 * residuals are smaller. With other cones, Newton steps on the residual map move the point towards
 * the exact solution, each kept only where it lowers the residual ({@code diff.ResidualMapPolisher}).
 */
public enum PolishStatus {
    /** Not attempted: polishing off, no solution to polish, or (other cones) the point already within 1e-9 of exact. */
    NOT_RUN,
    /** The polished point had smaller residuals and replaced the solver's point. */
    SUCCEEDED,
    /** The polished point was no better (a wrong active-set guess, a singular system); the solver's point is kept. */
    REJECTED
}
