// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.dsl;

import io.convexlayers.solver.SolverSettings;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * A convex optimization problem: minimize or maximize a scalar objective subject to constraints.
 *
 * <pre>{@code
 * Problem problem = Problem.minimize(sumSquares(A.times(x).minus(b)), x.ge(0));
 * problem.isDpp();                       // compiles once, solves for any parameter values
 * ProblemSolution s = problem.solve();   // with the parameters' current values
 * s.value(x); s.objective(); s.status();
 * }</pre>
 *
 * The compiler turns a DPP problem into the parametric cone program a layer evaluates in batches,
 * once per set of options, and keeps it in the problem's {@link #memo memo}. Immutable apart from
 * that cache.
 */
public final class Problem {

    /** Minimize or maximize. */
    public enum Sense {
        MINIMIZE, MAXIMIZE
    }

    private final Sense sense;
    private final Expression objective;
    private final List<Constraint> constraints;
    private final List<Variable> variables;
    private final List<Parameter> parameters;
    private final Map<Object, Object> memo = new ConcurrentHashMap<>();

    private Problem(Sense sense, Expression objective, List<Constraint> constraints) {
        if (objective.size() != 1) {
            throw new ShapeException("the objective must be a scalar, but " + objective + " has shape "
                    + objective.shape());
        }
        this.sense = sense;
        this.objective = objective;
        this.constraints = List.copyOf(constraints);
        List<Variable> vars = new ArrayList<>();
        List<Parameter> params = new ArrayList<>();
        Set<Expression> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        collectLeaves(objective, seen, vars, params);
        for (Constraint c : this.constraints) {
            for (Expression a : c.args()) {
                collectLeaves(a, seen, vars, params);
            }
        }
        this.variables = List.copyOf(vars);
        this.parameters = List.copyOf(params);
    }

    private static void collectLeaves(Expression root, Set<Expression> seen, List<Variable> vars,
                                      List<Parameter> params) {
        Deque<Expression> stack = new ArrayDeque<>();
        stack.push(root);
        while (!stack.isEmpty()) {
            Expression e = stack.pop();
            if (!seen.add(e)) {
                continue;
            }
            if (e instanceof Variable v) {
                vars.add(v);
            } else if (e instanceof Parameter p) {
                params.add(p);
            }
            List<Expression> args = e.args();
            for (int i = args.size() - 1; i >= 0; i--) {
                stack.push(args.get(i));
            }
        }
    }

    public static Problem minimize(Expression objective, Constraint... constraints) {
        return new Problem(Sense.MINIMIZE, objective, List.of(constraints));
    }

    public static Problem minimize(Expression objective, List<Constraint> constraints) {
        return new Problem(Sense.MINIMIZE, objective, constraints);
    }

    public static Problem maximize(Expression objective, Constraint... constraints) {
        return new Problem(Sense.MAXIMIZE, objective, List.of(constraints));
    }

    public static Problem maximize(Expression objective, List<Constraint> constraints) {
        return new Problem(Sense.MAXIMIZE, objective, constraints);
    }

    public Sense sense() {
        return sense;
    }

    public Expression objective() {
        return objective;
    }

    public List<Constraint> constraints() {
        return constraints;
    }

    /** The variables in order of first appearance (objective, then constraints; depth first). */
    public List<Variable> variables() {
        return variables;
    }

    /** The parameters in order of first appearance: the θ order of the compiled program. */
    public List<Parameter> parameters() {
        return parameters;
    }

    // ------------------------------------------------------------------ rules

    /** The first violation of the rules, or {@code null}; DPP assumes the native quadratic objective. */
    public Diagnosis diagnose(Rules rules) {
        return diagnose(rules, true);
    }

    /**
     * The first violation of the rules, or {@code null}. Under DPP, {@code nativeQuadratic} says
     * whether quadForm with a parameter matrix may become the solver's P.
     */
    public Diagnosis diagnose(Rules rules, boolean nativeQuadratic) {
        if (rules == Rules.DPP) {
            Diagnosis d = DcpChecker.diagnose(this, Rules.DCP, nativeQuadratic);
            if (d != null) {
                return d;
            }
        }
        return DcpChecker.diagnose(this, rules, nativeQuadratic);
    }

    /** True when the DCP rules certify the problem convex (parameters as constants). */
    public boolean isDcp() {
        return diagnose(Rules.DCP) == null;
    }

    /** True when the problem is DPP: compilable once for all parameter values. */
    public boolean isDpp() {
        return diagnose(Rules.DPP) == null;
    }

    /** Why the problem is not DCP, naming the smallest offending sub-expression; or that it is DCP. */
    public String explainDcp() {
        Diagnosis d = diagnose(Rules.DCP);
        return d == null ? "The problem is DCP." : d.explain();
    }

    /** Why the problem is not DPP (with a suggested rewrite where one exists); or that it is DPP. */
    public String explainDpp() {
        Diagnosis d = diagnose(Rules.DPP);
        return d == null ? "The problem is DPP." : d.explain();
    }

    /** @throws DcpException naming the offending sub-expression when the problem is not DCP */
    public void requireDcp() {
        Diagnosis d = diagnose(Rules.DCP);
        if (d != null) {
            throw d.toException();
        }
    }

    /** @throws DcpException or {@link DppException} when the problem is not DPP */
    public void requireDpp() {
        Diagnosis d = diagnose(Rules.DPP);
        if (d != null) {
            throw d.toException();
        }
    }

    // ------------------------------------------------------------------ geometric programming

    /**
     * The first violation of the DGP rules, or {@code null}: under {@link Rules#DCP} the parameters
     * are positive constants (the problem for fixed values); under {@link Rules#DPP} they are log-log
     * affine, which a layer needs (compiled once, parameters entering through their logarithms).
     */
    public DgpDiagnosis diagnoseDgp(Rules rules) {
        if (rules == Rules.DPP) {
            DgpDiagnosis d = DgpChecker.diagnose(this, Rules.DCP);
            if (d != null) {
                return d;
            }
        }
        return DgpChecker.diagnose(this, rules);
    }

    /**
     * True when the problem is a disciplined geometric program for fixed parameter values: positive
     * variables, parameters and constants; a log-log convex objective to minimize (log-log concave to
     * maximize); inequalities with a log-log convex smaller side and a log-log concave larger side;
     * equalities between monomials.
     */
    public boolean isDgp() {
        return diagnoseDgp(Rules.DCP) == null;
    }

    /** True when the problem is DGP under the given rules ({@link Rules#DPP}: compilable once for a layer). */
    public boolean isDgp(Rules rules) {
        return diagnoseDgp(rules) == null;
    }

    /** Why the problem is not DGP under DPP rules, naming the smallest offending sub-expression; or that it is. */
    public String explainDgp() {
        DgpDiagnosis d = diagnoseDgp(Rules.DPP);
        return d == null ? "The problem is DGP (and DPP under the DGP rules)." : d.explain();
    }

    /** @throws DgpException naming the offending sub-expression when the problem is not DGP under {@code rules} */
    public void requireDgp(Rules rules) {
        DgpDiagnosis d = diagnoseDgp(rules);
        if (d != null) {
            throw d.toException();
        }
    }

    /**
     * The problem rewritten in logarithms as a DPP problem (computed once and cached).
     *
     * @throws DgpException when the problem is not DGP under DPP rules
     */
    public LogLogForm logLogForm() {
        return memo(LogLogForm.class, LogLogForm.class, LogLogForm::parametric);
    }

    /** Solves as a geometric program with the parameters' current values and default settings. */
    public ProblemSolution solveGp() {
        return solveGp(SolverSettings.defaults());
    }

    /**
     * Solves as a geometric program (through its {@link LogLogForm}) with the parameters' current
     * values. Variable values and the objective are in the original, positive, units.
     *
     * @throws DgpException when the problem is not DGP
     * @throws ParameterValueException when a parameter has no value
     */
    public ProblemSolution solveGp(SolverSettings settings) {
        requireDgp(Rules.DCP);
        if (isDgp(Rules.DPP)) {
            LogLogForm form = logLogForm();
            synchronized (form) { // the form's log parameters are shared by every solve of this problem
                form.setLogValues();
                return new LogLogSolution(form, ProblemSolver.installed().solve(form.problem(), settings,
                        CompileOptions.defaults()));
            }
        }
        LogLogForm form = LogLogForm.withValues(this);
        return new LogLogSolution(form, ProblemSolver.installed().solve(form.problem(), settings,
                CompileOptions.defaults()));
    }

    // ------------------------------------------------------------------ compile and solve

    /**
     * The value {@code compute} gives for this problem under {@code key}, computed once and kept:
     * the compiler caches its parametric programs here, so layers over one problem share them. A
     * problem is immutable, so such values never go stale; {@code compute} must depend only on the
     * problem and the key.
     */
    public <T> T memo(Object key, Class<T> type, Function<Problem, T> compute) {
        return type.cast(memo.computeIfAbsent(key, k -> compute.apply(this)));
    }

    /** Solves with the parameters' current values and default solver settings. */
    public ProblemSolution solve() {
        return solve(SolverSettings.defaults());
    }

    /** Solves with the parameters' current values. */
    public ProblemSolution solve(SolverSettings settings) {
        return solve(settings, CompileOptions.defaults());
    }

    /**
     * Solves with the parameters' current values, on the CPU. A DPP problem uses its cached
     * parametric program; a problem that is DCP but not DPP is compiled with the current values as
     * constants. A problem that is not DCP but DGP is solved as a geometric program
     * ({@link #solveGp(SolverSettings)}). The compiler and solver sit above the modeling package;
     * they are reached through the {@link ProblemSolver} service the library registers.
     *
     * @throws DcpException when the problem is not DCP
     * @throws ParameterValueException when a parameter has no value
     */
    public ProblemSolution solve(SolverSettings settings, CompileOptions options) {
        if (!isDcp() && isDgp()) {
            return solveGp(settings);
        }
        requireDcp();
        return ProblemSolver.installed().solve(this, settings, options);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(sense == Sense.MINIMIZE ? "minimize " : "maximize ").append(objective);
        if (!constraints.isEmpty()) {
            sb.append("\nsubject to");
            for (Constraint c : constraints) {
                sb.append("\n  ").append(c);
            }
        }
        return sb.toString();
    }
}
