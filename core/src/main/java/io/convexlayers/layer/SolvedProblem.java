// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.layer;

import io.convexlayers.dsl.Constraint;
import io.convexlayers.dsl.Expression;
import io.convexlayers.dsl.ProblemSolution;
import io.convexlayers.dsl.Variable;
import io.convexlayers.canon.ParametricConeProgram;
import io.convexlayers.solver.Solution;
import io.convexlayers.solver.SolverStatus;

import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.Map;

/** A {@link ProblemSolution}: a cone-solver solution read back through its compiled program. */
final class SolvedProblem implements ProblemSolution {
    private final ParametricConeProgram program;
    private final Solution raw;
    private final double objective;

    /** Wraps a cone-solver solution of {@code program} instantiated with offset {@code offset}. */
    SolvedProblem(ParametricConeProgram program, Solution raw, double offset) {
        this.program = program;
        this.raw = raw;
        double sign = program.objectiveSign();
        SolverStatus st = raw.status();
        if (st.hasSolution()) {
            objective = sign * (raw.objective() + offset);
        } else if (st == SolverStatus.INFEASIBLE || st == SolverStatus.INFEASIBLE_INACCURATE) {
            objective = sign * Double.POSITIVE_INFINITY;
        } else if (st == SolverStatus.UNBOUNDED || st == SolverStatus.UNBOUNDED_INACCURATE) {
            objective = sign * Double.NEGATIVE_INFINITY;
        } else {
            objective = Double.NaN;
        }
    }

    @Override
    public SolverStatus status() {
        return raw.status();
    }

    /** The optimal value of the user's objective (see the class comment for the other statuses). */
    @Override
    public double objective() {
        return objective;
    }

    @Override
    public int iterations() {
        return raw.iterations();
    }

    /** The underlying cone-solver result (x, y, s of the compiled program). */
    @Override
    public Solution raw() {
        return raw;
    }

    /** The value of a variable (row-major); NaN entries when the status has no solution. */
    @Override
    public double[] value(Variable v) {
        double[] out = program.slice(v).extract(raw.x());
        if (!raw.status().hasSolution()) {
            Arrays.fill(out, Double.NaN);
        }
        return out;
    }

    /** The value of any expression of the problem's variables at the solution. */
    @Override
    public double[] value(Expression e) {
        Map<Variable, double[]> vals = new IdentityHashMap<>();
        for (Variable v : program.variables()) {
            vals.put(v, value(v));
        }
        return e.value(vals);
    }

    /** A constraint's dual value (conventions in {@code io.convexlayers.canon.ConstraintDual}). */
    @Override
    public double[] dual(Constraint c) {
        double[] out = program.dual(c).extract(raw.y());
        if (!raw.status().hasSolution()) {
            Arrays.fill(out, Double.NaN);
        }
        return out;
    }

    @Override
    public String toString() {
        return "ProblemSolution[" + status() + ", objective=" + objective + ", iterations=" + iterations() + "]";
    }
}
