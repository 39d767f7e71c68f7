package io.convexlayers.layer;

import io.convexlayers.canon.ConstraintDual;
import io.convexlayers.canon.ParametricConeProgram;
import io.convexlayers.canon.VariableSlice;
import io.convexlayers.dsl.Constraint;
import io.convexlayers.dsl.Shape;
import io.convexlayers.dsl.Variable;

/**
 * One output of a layer: the optimal value of a problem variable (a slice of the cone program's x)
 * or the optimal dual value of one of its constraints (rows of y, conventions as in
 * {@link ConstraintDual}). Values are row-major in the output's {@link #shape()}. Immutable.
 */
public final class LayerOutput {

    /** Where the output comes from. */
    public enum Kind {
        /** A primal variable. */
        VARIABLE,
        /** The dual variable of a constraint. */
        DUAL
    }

    private final Variable variable;
    private final Constraint constraint;
    private final VariableSlice slice;
    private final ConstraintDual dual;

    private LayerOutput(Variable variable, Constraint constraint, VariableSlice slice, ConstraintDual dual) {
        this.variable = variable;
        this.constraint = constraint;
        this.slice = slice;
        this.dual = dual;
    }

    static LayerOutput of(Variable v, ParametricConeProgram program) {
        return new LayerOutput(v, null, program.slice(v), null);
    }

    static LayerOutput dualOf(Constraint c, ParametricConeProgram program) {
        return new LayerOutput(null, c, null, program.dual(c));
    }

    public Kind kind() {
        return variable != null ? Kind.VARIABLE : Kind.DUAL;
    }

    /** The variable, or {@code null} for a dual output. */
    public Variable variable() {
        return variable;
    }

    /** The constraint, or {@code null} for a variable output. */
    public Constraint constraint() {
        return constraint;
    }

    /** The shape of one instance's value. */
    public Shape shape() {
        return variable != null ? slice.shape() : dual.shape();
    }

    /** Entries of one instance's value. */
    public int size() {
        return shape().size();
    }

    /** True when this output is {@code o} (a {@link Variable} or a {@link Constraint}, by identity). */
    boolean is(Object o) {
        return o == variable || o == constraint;
    }

    /** Instance value from a cone-program solution (x, y). */
    double[] extract(double[] x, double[] y) {
        return variable != null ? slice.extract(x) : dual.extract(y);
    }

    /**
     * Adds the adjoint of {@link #extract} applied to {@code g} into dx (variables) or dy (duals).
     */
    void scatterAdd(double[] g, double[] dx, double[] dy) {
        if (variable != null) {
            slice.scatterAdd(g, dx);
            return;
        }
        if (dual.transform() == ConstraintDual.Transform.IDENTITY) {
            for (int i = 0; i < g.length; i++) {
                dy[dual.offset() + i] += g[i];
            }
            return;
        }
        // extract: Z_ii = y_r, Z_ij = Z_ji = y_r/√2 (svec order: lower triangle, column-major)
        int k = dual.shape().rows();
        double h = Math.sqrt(0.5);
        int r = dual.offset();
        for (int j = 0; j < k; j++) {
            for (int i = j; i < k; i++) {
                dy[r++] += i == j ? g[i * k + i] : h * (g[i * k + j] + g[j * k + i]);
            }
        }
    }

    /** True for a dual output (its gradient flows into dy). */
    boolean isDual() {
        return variable == null;
    }

    @Override
    public String toString() {
        return variable != null ? variable.name() : "dual(" + constraint + ")";
    }
}
