// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.dsl;

import io.convexlayers.ConvexLayersException;
import io.convexlayers.solver.Solution;
import io.convexlayers.solver.SolverStatus;

import java.util.IdentityHashMap;
import java.util.Map;

/**
 * A {@link ProblemSolution} of a DGP problem read back from the solution of its {@link LogLogForm}:
 * variables are exp(u), the objective exp of the log objective (0 for an unbounded minimization,
 * which drives the objective towards zero). Constraint duals are those of the log problem and are
 * not offered.
 */
final class LogLogSolution implements ProblemSolution {
    private final LogLogForm form;
    private final ProblemSolution inner;

    LogLogSolution(LogLogForm form, ProblemSolution inner) {
        this.form = form;
        this.inner = inner;
    }

    @Override
    public SolverStatus status() {
        return inner.status();
    }

    @Override
    public double objective() {
        return Math.exp(inner.objective());
    }

    @Override
    public int iterations() {
        return inner.iterations();
    }

    /** The cone-solver result of the log problem (x holds logarithms). */
    @Override
    public Solution raw() {
        return inner.raw();
    }

    @Override
    public double[] value(Variable v) {
        double[] u = inner.value(form.logOf(v));
        double[] x = new double[u.length];
        for (int i = 0; i < u.length; i++) {
            x[i] = Math.exp(u[i]);
        }
        return x;
    }

    @Override
    public double[] value(Expression e) {
        Map<Variable, double[]> vals = new IdentityHashMap<>();
        for (Variable v : form.source().variables()) {
            vals.put(v, value(v));
        }
        return e.value(vals);
    }

    /** Not offered for geometric programs (the log problem's duals answer a different question). */
    @Override
    public double[] dual(Constraint c) {
        throw new ConvexLayersException("constraint duals are not available for a geometric program (" + c + ")");
    }

    @Override
    public String toString() {
        return "ProblemSolution[DGP, " + status() + ", objective=" + objective() + ", iterations=" + iterations() + "]";
    }
}
