package io.convexlayers.dsl;

import io.convexlayers.canon.ParametricConeProgram;
import io.convexlayers.solver.Solution;
import io.convexlayers.solver.SolverStatus;

import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * The result of {@link Problem#solve}: status, objective value in the user's sense (constant
 * offsets included; +∞ for an infeasible minimization, −∞ for an unbounded one, mirrored for a
 * maximization), variable values and constraint duals (row-major; NaN when the status carries no
 * solution), iterations, and the raw cone-solver {@link Solution}.
 */
public final class ProblemSolution {
    private final ParametricConeProgram program;
    private final Solution raw;
    private final double objective;

    /** Wraps a cone-solver solution of {@code program} instantiated with offset {@code offset}. */
    public ProblemSolution(ParametricConeProgram program, Solution raw, double offset) {
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

    public SolverStatus status() {
        return raw.status();
    }

    /** The optimal value of the user's objective (see the class comment for the other statuses). */
    public double objective() {
        return objective;
    }

    public int iterations() {
        return raw.iterations();
    }

    /** The underlying cone-solver result (x, y, s of the compiled program). */
    public Solution raw() {
        return raw;
    }

    /** The compiled program that was solved. */
    public ParametricConeProgram program() {
        return program;
    }

    /** The value of a variable (row-major); NaN entries when the status has no solution. */
    public double[] value(Variable v) {
        double[] out = program.slice(v).extract(raw.x());
        if (!raw.status().hasSolution()) {
            Arrays.fill(out, Double.NaN);
        }
        return out;
    }

    /** The value of any expression of the problem's variables at the solution. */
    public double[] value(Expression e) {
        Map<Variable, double[]> vals = new IdentityHashMap<>();
        for (Variable v : program.variables()) {
            vals.put(v, value(v));
        }
        return e.value(vals);
    }

    /** A constraint's dual value (conventions in {@link io.convexlayers.canon.ConstraintDual}). */
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
