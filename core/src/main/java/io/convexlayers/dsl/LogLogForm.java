// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.dsl;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * A DGP problem rewritten as a DCP problem in logarithms (the log-log transform of Agrawal, Xu and
 * Boyd 2019): each positive variable x becomes a free variable u = log x, each positive parameter θ
 * a parameter φ = log θ, and minimizing f becomes minimizing log f, a convex function of (u, φ)
 * built from affine maps, log-sum-exps (exponential cones) and maxima. The DCP problem is compiled
 * and differentiated like any other; the layer maps θ to log θ going in, u to exp u coming out, and
 * chains the gradients (dL/du = x ⊙ dL/dx, dL/dθ = (dL/dφ) / θ).
 *
 * <p>Made by {@link Problem#logLogForm()} (parametric, cached on the problem) or
 * {@link #withValues(Problem)} (the parameters' current values folded in). Immutable, except that
 * {@link Problem#solveGp} sets the values of the log parameters it owns.
 */
public final class LogLogForm {
    private final Problem source;
    private final Problem problem;
    private final Map<Variable, Variable> variables;
    private final Map<Parameter, Parameter> parameters;

    private LogLogForm(Problem source, Problem problem, Map<Variable, Variable> variables,
                       Map<Parameter, Parameter> parameters) {
        this.source = source;
        this.problem = problem;
        this.variables = variables;
        this.parameters = parameters;
    }

    /** The parametric log form (parameters enter as φ = log θ); the problem must be DGP under DPP rules. */
    static LogLogForm parametric(Problem p) {
        DgpDiagnosis d = p.diagnoseDgp(Rules.DPP);
        if (d != null) {
            throw d.toException();
        }
        return build(p, false);
    }

    /**
     * The log form with the parameters' current values folded in as constants (for a problem that is
     * DGP but not DPP under the DGP rules).
     *
     * @throws DgpException when the problem is not DGP
     * @throws ParameterValueException when a parameter has no value
     */
    public static LogLogForm withValues(Problem p) {
        DgpDiagnosis d = p.diagnoseDgp(Rules.DCP);
        if (d != null) {
            throw d.toException();
        }
        return build(p, true);
    }

    private static LogLogForm build(Problem p, boolean constants) {
        LogLogRewriter rw = new LogLogRewriter(constants);
        Expression objective = rw.log(p.objective());
        List<Constraint> cons = new ArrayList<>();
        for (Constraint c : p.constraints()) {
            Expression lhs = rw.log(c.args().get(0));
            Expression rhs = rw.log(c.args().get(1));
            cons.add(c.kind() == Constraint.Kind.EQUALITY ? lhs.eq(rhs) : lhs.le(rhs));
        }
        cons.addAll(rw.constraints());
        Problem logProblem = p.sense() == Problem.Sense.MINIMIZE ? Problem.minimize(objective, cons)
                : Problem.maximize(objective, cons);
        Map<Variable, Variable> vars = new IdentityHashMap<>();
        for (Variable v : p.variables()) {
            Variable u = rw.variables().get(v);
            if (u == null) {
                // a variable folded away (it appears only with exponent 0): any positive value is optimal
                u = Variable.of("log_" + v.name(), v.shape());
            }
            vars.put(v, u);
        }
        return new LogLogForm(p, logProblem, Collections.unmodifiableMap(vars),
                Collections.unmodifiableMap(new IdentityHashMap<>(rw.parameters())));
    }

    /** The DGP problem this form was made from. */
    public Problem source() {
        return source;
    }

    /** The DCP problem in the logarithms (DPP for the parametric form). */
    public Problem problem() {
        return problem;
    }

    /** The log variable u = log x of a variable of the source problem. */
    public Variable logOf(Variable x) {
        Variable u = variables.get(x);
        if (u == null) {
            throw new io.convexlayers.ConvexLayersException("variable " + x.name() + " is not a variable of " + source);
        }
        return u;
    }

    /**
     * The log parameter φ = log θ of a parameter of the source problem (parametric form only).
     *
     * @throws io.convexlayers.ConvexLayersException for a parameter the form does not hold
     */
    public Parameter logOf(Parameter theta) {
        Parameter phi = parameters.get(theta);
        if (phi == null) {
            throw new io.convexlayers.ConvexLayersException("parameter " + theta.name() + " has no log parameter in "
                    + "this form (the form was made with the parameters' values folded in, or it is not a "
                    + "parameter of the problem)");
        }
        return phi;
    }

    /** Sets each log parameter to the log of its parameter's current value. */
    void setLogValues() {
        for (Map.Entry<Parameter, Parameter> e : parameters.entrySet()) {
            double[] v = e.getKey().getValue();
            double[] l = new double[v.length];
            for (int i = 0; i < v.length; i++) {
                l[i] = Math.log(v[i]);
            }
            e.getValue().setValue(l);
        }
    }

    @Override
    public String toString() {
        return "LogLogForm[" + problem + "]";
    }
}
