// SPDX-License-Identifier: Apache-2.0
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
 * {@code ConstraintDual}). Values are row-major in the output's {@link #shape()}. Immutable.
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
    private final boolean exponential;

    private LayerOutput(Variable variable, Constraint constraint, VariableSlice slice, ConstraintDual dual,
                        boolean exponential) {
        this.variable = variable;
        this.constraint = constraint;
        this.slice = slice;
        this.dual = dual;
        this.exponential = exponential;
    }

    static LayerOutput of(Variable v, ParametricConeProgram program) {
        return new LayerOutput(v, null, program.slice(v), null, false);
    }

    /** A positive variable of a geometric program, read as exp of its log variable's slice. */
    static LayerOutput exponentialOf(Variable v, Variable logVariable, ParametricConeProgram program) {
        return new LayerOutput(v, null, program.slice(logVariable), null, true);
    }

    static LayerOutput dualOf(Constraint c, ParametricConeProgram program) {
        return new LayerOutput(null, c, null, program.dual(c), false);
    }

    /** True when the value is exp of the program's entries (a geometric program's variable). */
    boolean exponential() {
        return exponential;
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

    /**
     * Instance b's value from a batch-minor solution of {@code batch} instances (x: n × batch,
     * y: m × batch), written row-major to {@code out[outOffset, outOffset + size())}.
     */
    void gather(double[] x, double[] y, int batch, int b, double[] out, int outOffset) {
        if (variable != null) {
            slice.gather(x, batch, b, out, outOffset);
            if (exponential) {
                for (int i = outOffset; i < outOffset + size(); i++) {
                    out[i] = Math.exp(out[i]);
                }
            }
        } else {
            dual.gather(y, batch, b, out, outOffset);
        }
    }

    /**
     * The adjoint of {@link #gather}: adds {@code g[gOffset, gOffset + size())} into instance b of the
     * batch-minor dx (variables) or dy (duals).
     */
    void scatterAdd(double[] g, int gOffset, double[] dx, double[] dy, int batch, int b) {
        if (variable != null) {
            slice.scatterAdd(g, gOffset, dx, batch, b);
        } else {
            dual.scatterAdd(g, gOffset, dy, batch, b);
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
