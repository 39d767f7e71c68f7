// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.dsl;

import io.convexlayers.solver.Solution;
import io.convexlayers.solver.SolverStatus;

/**
 * The result of {@link Problem#solve}: status, objective value in the user's sense (constant
 * offsets included; +∞ for an infeasible minimization, −∞ for an unbounded one, mirrored for a
 * maximization), variable values and constraint duals (row-major; NaN when the status carries no
 * solution), iterations, and the raw cone-solver {@link Solution}.
 */
public interface ProblemSolution {

    /** The solver's outcome. */
    SolverStatus status();

    /** The optimal value of the user's objective (see the interface comment for the other statuses). */
    double objective();

    /** Douglas–Rachford iterations used. */
    int iterations();

    /** The underlying cone-solver result (x, y, s of the compiled program). */
    Solution raw();

    /** The value of a variable (row-major); NaN entries when the status has no solution. */
    double[] value(Variable v);

    /** The value of any expression of the problem's variables at the solution. */
    double[] value(Expression e);

    /**
     * A constraint's dual value, row-major in the constraint's shape; NaN entries when the status has
     * no solution. Signs as in CVXPY: {@code lhs <= rhs} and {@code lhs >= rhs} give λ ≥ 0, entering the
     * Lagrangian as λ·(lhs − rhs) and λ·(rhs − lhs); {@code lhs == rhs} gives the ν of its term
     * ν·(lhs − rhs), so that
     * for min ½xᵀPx + qᵀx s.t. Gx ≤ h, Ax = b stationarity reads Px + q + Gᵀλ + Aᵀν = 0; a cone
     * constraint gives its dual y ∈ K* (in the cone's row order), X ⪰ 0 the symmetric matrix Z.
     */
    double[] dual(Constraint c);
}
