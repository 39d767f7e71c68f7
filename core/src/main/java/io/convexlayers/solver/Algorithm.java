// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.solver;

/**
 * Which method solves the cone programs ({@link SolverSettings#algorithm()}); a result says which
 * one ran ({@link BatchSolution#algorithm()}, {@link Solution#algorithm()}).
 */
public enum Algorithm {
    /**
     * Chosen per batch from measured crossover points: the interior-point method for small
     * instances whose cones it supports, the first-order method otherwise (README, "Choosing the
     * algorithm").
     */
    AUTO,
    /** Douglas–Rachford splitting on the homogeneous self-dual embedding (SCS-style), DESIGN §4. */
    FIRST_ORDER,
    /**
     * A primal–dual interior-point method on the homogeneous self-dual embedding with Mehrotra's
     * predictor–corrector (zero, nonnegative and second-order cones; programs with other cones are
     * solved by the first-order method, announced in the log and visible in the result).
     */
    INTERIOR_POINT
}
