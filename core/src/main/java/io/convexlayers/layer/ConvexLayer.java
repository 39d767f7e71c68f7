// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.layer;

import io.convexlayers.canon.Compiler;
import io.convexlayers.backend.Backends;
import io.convexlayers.solver.Backend;
import io.convexlayers.canon.ParametricConeProgram;
import io.convexlayers.diff.DerivativeSettings;
import io.convexlayers.dsl.Attribute;
import io.convexlayers.dsl.Constraint;
import io.convexlayers.dsl.LogLogForm;
import io.convexlayers.dsl.Parameter;
import io.convexlayers.dsl.Problem;
import io.convexlayers.dsl.Rules;
import io.convexlayers.dsl.Variable;
import io.convexlayers.solver.BatchSolution;
import io.convexlayers.solver.ExecutionSettings;
import io.convexlayers.solver.SolverSettings;
import io.convexlayers.solver.WarmStart;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A differentiable convex optimization layer (Agrawal et al. 2019): the map from parameter values θ
 * to the solution of a DPP problem, evaluated for a batch of θ at once, and its adjoint.
 *
 * <pre>{@code
 * ConvexLayer layer = ConvexLayer.builder(problem)
 *         .parameters(q, G, h)             // exactly the problem's parameters, in argument order
 *         .outputs(x)                      // variables (and, with duals(...), constraint duals)
 *         .build();
 * LayerResult out = layer.forward(qBatch, gShared, hBatch);
 * Gradients g = out.backward(dLossDx);
 * }</pre>
 *
 * <p><b>Arrays</b> are row-major with a leading batch dimension when batched (DESIGN §2): a
 * parameter with s entries takes s values (broadcast to every instance) or B·s values (B
 * instances). Outputs carry the batch dimension whenever the call was batched, also for B = 1 (see
 * {@link ForwardOptions#batch(int)}); the gradient of a broadcast parameter is the sum over the
 * batch.
 *
 * <p><b>Compilation</b> happens once, in {@link Builder#build()} ({@code Compiler.compile(Problem)}, which
 * the problem caches: the compiled program is immutable, so layers over the same problem share it
 * safely). A layer never sets a parameter's value, so parameters may be shared between layers.
 *
 * <p><b>Geometric programs</b> (DGP): a problem with positive variables that is log-log convex
 * ({@link Problem#isDgp()}) is solved through its log-log form ({@link LogLogForm}): the layer
 * takes positive parameter values θ, solves for log x with log θ as its parameters, returns
 * x = exp(log x), and its gradients are with respect to θ. {@link Builder#geometric} states the
 * choice; unset, a problem that is not DPP but DGP is geometric.
 *
 * <p><b>Warm start</b> (off by default): each call starts every instance from the layer's last
 * solution when the batch size matches (the training-loop case). It changes the number of
 * iterations, not the answer beyond the solver's tolerance.
 *
 * <p><b>Execution</b>: one {@link ExecutionSettings} (worker threads, CPU tile width; default
 * {@link ExecutionSettings#defaults()}) serves both the forward solve and the backward pass.
 *
 * <p><b>Thread safety:</b> a layer may be used from several threads at once. Each call keeps its
 * state in its own {@link LayerResult}; the only shared mutable state is the warm-start cache, an
 * atomic reference to the last complete batch solution (concurrent calls may warm start from each
 * other's solutions, which again affects only iteration counts).
 */
public final class ConvexLayer {
    private final Problem problem;
    private final ParametricConeProgram program;
    private final List<Parameter> parameters;
    private final List<Parameter> programParameters;
    private final LogLogForm logLogForm;
    private final List<LayerOutput> outputs;
    private final SolverSettings settings;
    private final DerivativeSettings derivativeSettings;
    private final ExecutionSettings execution;
    private final Backend backend;
    private final FailurePolicy failurePolicy;
    private final boolean warmStart;
    private final AtomicReference<BatchSolution> lastSolution = new AtomicReference<>();
    private final Map<BitSet, DataSharing> sharingPlans = new ConcurrentHashMap<>();

    private ConvexLayer(Builder b, ParametricConeProgram program, List<Parameter> parameters,
                        List<Parameter> programParameters, LogLogForm logLogForm, List<LayerOutput> outputs) {
        this.problem = b.problem;
        this.program = program;
        this.parameters = Collections.unmodifiableList(parameters);
        this.programParameters = Collections.unmodifiableList(programParameters);
        this.logLogForm = logLogForm;
        this.outputs = Collections.unmodifiableList(outputs);
        this.settings = b.settings;
        this.derivativeSettings = b.derivativeSettings;
        this.execution = b.execution;
        this.backend = b.backend;
        this.failurePolicy = b.failurePolicy;
        this.warmStart = b.warmStart;
    }

    /** Starts building a layer over a DPP problem. */
    public static Builder builder(Problem problem) {
        return new Builder(problem);
    }

    // ------------------------------------------------------------------ evaluation

    /**
     * Solves the problem for every instance of a batch.
     *
     * @param values one row-major array per parameter, in {@link #parameters()} order: s entries
     *               (broadcast) or B·s entries (batched)
     * @throws LayerArgumentException on a wrong number of arrays, a wrong size, inconsistent batch
     *                                sizes, an empty batch, a non-finite entry or a violated
     *                                parameter attribute
     * @throws LayerSolveException    under {@link FailurePolicy#THROW} when an instance has no
     *                                solution
     */
    public LayerResult forward(double[]... values) {
        return forward(ForwardOptions.defaults(), values);
    }

    /** {@link #forward(double[]...)} with per-call options (stated batch size, settings, warm start). */
    public LayerResult forward(ForwardOptions options, double[]... values) {
        if (options == null) {
            throw new LayerArgumentException("options must not be null (use ForwardOptions.defaults())");
        }
        return ForwardPass.run(this, options, values);
    }

    /** Forgets the last solution, so that the next call starts cold. */
    public void clearWarmStart() {
        lastSolution.set(null);
    }

    WarmStart warmStartFor(int batch) {
        BatchSolution last = lastSolution.get();
        return last == null || last.batch() != batch ? null : WarmStart.from(last);
    }

    void remember(BatchSolution solution) {
        lastSolution.set(solution);
    }

    DataSharing sharing(LayerInputs inputs) {
        BitSet key = new BitSet(parameters.size());
        boolean[] flags = new boolean[parameters.size()];
        for (int k = 0; k < flags.length; k++) {
            flags[k] = inputs.parameterBatched(k);
            key.set(k, flags[k]);
        }
        return sharingPlans.computeIfAbsent(key, unused -> DataSharing.plan(program, programParameters, flags));
    }

    // ------------------------------------------------------------------ description

    /** The problem this layer solves. */
    public Problem problem() {
        return problem;
    }

    /** The compiled program (θ layout, tensors, slices); internal to the layer. */
    ParametricConeProgram program() {
        return program;
    }

    /** The parameters in argument order. */
    public List<Parameter> parameters() {
        return parameters;
    }

    /** The parameters whose slots θ holds, in argument order: the log parameters of a geometric program. */
    List<Parameter> programParameters() {
        return programParameters;
    }

    /**
     * True when the layer solves its problem as a geometric program: through its {@link LogLogForm},
     * positive parameters in, positive variables out, gradients with respect to the parameters
     * themselves.
     */
    public boolean isGeometric() {
        return logLogForm != null;
    }

    /** The outputs in order. */
    public List<LayerOutput> outputs() {
        return outputs;
    }

    /** The layer's default solver settings. */
    public SolverSettings settings() {
        return settings;
    }

    /** The layer's default derivative settings. */
    public DerivativeSettings derivativeSettings() {
        return derivativeSettings;
    }

    /** Threads and tile width of both the forward solve and the backward pass. */
    public ExecutionSettings execution() {
        return execution;
    }

    public Backend backend() {
        return backend;
    }

    public FailurePolicy failurePolicy() {
        return failurePolicy;
    }

    /** True when calls warm start from the layer's last solution by default. */
    public boolean warmStart() {
        return warmStart;
    }

    @Override
    public String toString() {
        return "ConvexLayer[parameters " + LayerInputs.names(parameters) + " -> outputs " + outputs + ", backend "
                + backend.name() + ", " + program + "]";
    }

    /**
     * Configures a {@link ConvexLayer}. Defaults: the problem's parameters in
     * {@link Problem#parameters()} order, {@link SolverSettings#defaults()},
     * {@link DerivativeSettings#defaults()}, {@link ExecutionSettings#defaults()},
     * {@link Backends#cpu()}, {@link FailurePolicy#THROW}, no warm start. At least one output is
     * required.
     */
    public static final class Builder {
        private final Problem problem;
        private List<Parameter> parameters;
        private final List<Object> outputs = new ArrayList<>();
        private SolverSettings settings = SolverSettings.defaults();
        private DerivativeSettings derivativeSettings = DerivativeSettings.defaults();
        private ExecutionSettings execution = ExecutionSettings.defaults();
        private Backend backend = Backends.cpu();
        private FailurePolicy failurePolicy = FailurePolicy.THROW;
        private boolean warmStart;
        private Boolean geometric;

        private Builder(Problem problem) {
            if (problem == null) {
                throw new LayerDefinitionException("problem must not be null");
            }
            this.problem = problem;
        }

        /** The layer's arguments: exactly the problem's parameters, in the order forward takes them. */
        public Builder parameters(Parameter... params) {
            this.parameters = params == null ? null : List.of(nonNull("parameters", params));
            return this;
        }

        /** Adds variables of the problem as outputs (in this order, after earlier outputs). */
        public Builder outputs(Variable... variables) {
            Collections.addAll(outputs, (Object[]) nonNull("outputs", variables));
            return this;
        }

        /** Adds the dual variables of constraints of the problem as outputs. */
        public Builder duals(Constraint... constraints) {
            Collections.addAll(outputs, (Object[]) nonNull("duals", constraints));
            return this;
        }

        public Builder settings(SolverSettings s) {
            this.settings = nonNull("settings", s);
            return this;
        }

        public Builder derivativeSettings(DerivativeSettings s) {
            this.derivativeSettings = nonNull("derivativeSettings", s);
            return this;
        }

        /**
         * Worker threads and CPU tile width, shared by the forward solve and the backward pass
         * (default {@link ExecutionSettings#defaults()}).
         */
        public Builder execution(ExecutionSettings e) {
            this.execution = nonNull("execution", e);
            return this;
        }

        /** Where the batched solves run (default {@link Backends#cpu()}). */
        public Builder backend(Backend b) {
            this.backend = nonNull("backend", b);
            return this;
        }

        public Builder failurePolicy(FailurePolicy p) {
            this.failurePolicy = nonNull("failurePolicy", p);
            return this;
        }

        /**
         * Solve the problem as a geometric program (true) or as a convex one (false), as
         * cvxpylayers' {@code gp=True}. Unset, a problem that is DPP is convex, and one that is not
         * but is DGP is geometric (one that is not even DCP and declares positive variables is
         * checked, and rejected, by the DGP rules).
         */
        public Builder geometric(boolean on) {
            this.geometric = on;
            return this;
        }

        /** Start each call from the layer's last solution when the batch size matches. */
        public Builder warmStart(boolean on) {
            this.warmStart = on;
            return this;
        }

        private static <T> T nonNull(String what, T v) {
            if (v == null) {
                throw new LayerDefinitionException(what + " must not be null");
            }
            if (v instanceof Object[] arr) {
                for (int i = 0; i < arr.length; i++) {
                    if (arr[i] == null) {
                        throw new LayerDefinitionException(what + "[" + i + "] is null");
                    }
                }
            }
            return v;
        }

        /**
         * Checks the definition and compiles the problem.
         *
         * @throws io.convexlayers.dsl.DppException when the problem is not DPP (the message names
         *                                          the offending sub-expression and a rewrite)
         * @throws io.convexlayers.dsl.DcpException when it is not even DCP
         * @throws io.convexlayers.dsl.DgpException when it is to be solved as a geometric program
         *                                          (see {@link #geometric}) but is not DGP under DPP
         *                                          rules
         * @throws LayerDefinitionException         when the parameters do not match the problem's,
         *                                          or an output is not part of the problem
         */
        public ConvexLayer build() {
            LogLogForm form = geometricForm();
            if (form == null) {
                problem.requireDpp();
            }
            List<Parameter> params = checkParameters();
            if (outputs.isEmpty()) {
                throw new LayerDefinitionException("a layer needs at least one output: call outputs(...) with "
                        + "variables of the problem (or duals(...) with its constraints)");
            }
            List<Parameter> slots = params;
            if (form != null) {
                slots = new ArrayList<>();
                for (Parameter p : params) {
                    slots.add(form.logOf(p));
                }
            }
            ParametricConeProgram program = Compiler.compile(form == null ? problem : form.problem());
            List<LayerOutput> outs = new ArrayList<>();
            Set<Object> seen = Collections.newSetFromMap(new IdentityHashMap<>());
            Set<Variable> vars = Collections.newSetFromMap(new IdentityHashMap<>());
            vars.addAll(problem.variables());
            Set<Constraint> cons = Collections.newSetFromMap(new IdentityHashMap<>());
            cons.addAll(problem.constraints());
            for (Object o : outputs) {
                if (!seen.add(o)) {
                    throw new LayerDefinitionException("output " + label(o) + " is listed twice");
                }
                if (o instanceof Variable v) {
                    if (!vars.contains(v)) {
                        throw new LayerDefinitionException("output " + v.name() + " is not a variable of the problem "
                                + "(its variables are " + variableNames() + ")");
                    }
                    outs.add(form == null ? LayerOutput.of(v, program)
                            : LayerOutput.exponentialOf(v, form.logOf(v), program));
                } else {
                    Constraint c = (Constraint) o;
                    if (form != null) {
                        throw new LayerDefinitionException("dual output " + c + ": constraint duals are not "
                                + "available for a geometric program");
                    }
                    if (!cons.contains(c)) {
                        throw new LayerDefinitionException("dual output " + c + " is not a constraint of the problem");
                    }
                    outs.add(LayerOutput.dualOf(c, program));
                }
            }
            return new ConvexLayer(this, program, params, slots, form, outs);
        }

        /** The log-log form when the layer is geometric (see {@link #geometric}), else null. */
        private LogLogForm geometricForm() {
            boolean gp;
            if (geometric != null) {
                gp = geometric;
            } else {
                // not DPP but DGP; or neither, not even DCP, with positive variables: the DGP diagnosis
                // then says more than the DCP one (a DCP problem keeps its DPP diagnosis)
                gp = !problem.isDpp() && (problem.isDgp() || (!problem.isDcp() && declaresPositiveVariables()));
            }
            if (!gp) {
                return null;
            }
            problem.requireDgp(Rules.DPP);
            return problem.logLogForm();
        }

        private boolean declaresPositiveVariables() {
            for (Variable v : problem.variables()) {
                if (v.has(Attribute.POS)) {
                    return true;
                }
            }
            return false;
        }

        private static String label(Object o) {
            return o instanceof Variable v ? v.name() : "dual(" + o + ")";
        }

        private String variableNames() {
            List<String> names = new ArrayList<>();
            for (Variable v : problem.variables()) {
                names.add(v.name());
            }
            return names.toString();
        }

        private List<Parameter> checkParameters() {
            List<Parameter> theirs = problem.parameters();
            if (parameters == null) {
                return theirs;
            }
            Set<Parameter> known = Collections.newSetFromMap(new IdentityHashMap<>());
            known.addAll(theirs);
            Set<Parameter> given = Collections.newSetFromMap(new IdentityHashMap<>());
            for (Parameter p : parameters) {
                if (!known.contains(p)) {
                    throw new LayerDefinitionException("parameter " + p.name() + " is not a parameter of the problem; "
                            + "the problem's parameters are " + LayerInputs.names(theirs));
                }
                if (!given.add(p)) {
                    throw new LayerDefinitionException("parameter " + p.name() + " is listed twice in parameters(...)");
                }
            }
            List<String> missing = new ArrayList<>();
            for (Parameter p : theirs) {
                if (!given.contains(p)) {
                    missing.add(p.name());
                }
            }
            if (!missing.isEmpty()) {
                throw new LayerDefinitionException("parameters(...) must list every parameter of the problem; missing: "
                        + String.join(", ", missing) + " (the problem's parameters are " + LayerInputs.names(theirs)
                        + ")");
            }
            return parameters;
        }
    }
}
