// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.layer;

import io.convexlayers.diff.DerivativeSettings;
import io.convexlayers.dsl.Constraint;
import io.convexlayers.dsl.Variable;
import io.convexlayers.data.BatchConeProgram;
import io.convexlayers.solver.BatchSolution;
import io.convexlayers.solver.Solution;
import io.convexlayers.solver.SolverStatus;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * The result of one {@link ConvexLayer#forward} call: per-instance statuses, the outputs, and
 * everything the backward pass needs (the instantiated data and the solutions).
 *
 * <p><b>Layout.</b> An output with s entries per instance is returned as B·s values, instance b at
 * {@code [b·s, (b+1)·s)}, row-major within the instance. {@link #isBatched()} says whether the
 * arrays carry a batch dimension (any batched input, or a stated batch size; also for B = 1);
 * {@link #shape(int)} gives the full shape. Instances without a solution (possible only under
 * {@link FailurePolicy#RETURN}) have outputs filled with zeros; see {@link #status(int)}.
 *
 * <p><b>Backward.</b> {@link #backward} may be called any number of times, from any thread and in
 * any order relative to later forward calls: the result holds its own state (the data and
 * solutions of its own call) and is never modified, so every call differentiates at this result's
 * solutions and returns a fresh {@link Gradients}.
 */
public final class LayerResult {
    private final ConvexLayer layer;
    private final LayerInputs inputs;
    private final DataSharing sharing;
    private final Supplier<BatchConeProgram> data;
    private final BatchSolution solution;
    private final double[][] values;
    private final double[] objectives;
    private final int[] failed;
    private final double mapSeconds;
    private final double solveSeconds;
    private final boolean warmStarted;

    LayerResult(ConvexLayer layer, LayerInputs inputs, DataSharing sharing, Supplier<BatchConeProgram> data,
                BatchSolution solution, double[] offsets, double mapSeconds, double solveSeconds,
                boolean warmStarted) {
        this.layer = layer;
        this.inputs = inputs;
        this.sharing = sharing;
        this.data = data;
        this.solution = solution;
        this.mapSeconds = mapSeconds;
        this.solveSeconds = solveSeconds;
        this.warmStarted = warmStarted;
        int batch = inputs.batch();
        List<LayerOutput> outs = layer.outputs();
        values = new double[outs.size()][];
        for (int k = 0; k < outs.size(); k++) {
            values[k] = new double[batch * outs.get(k).size()];
        }
        objectives = new double[batch];
        List<Integer> bad = new ArrayList<>();
        double sign = layer.program().objectiveSign();
        // Outputs are gathered from the solver's batch-minor x and y straight into the row-major arrays.
        double[] x = solution.x().rawData();
        double[] y = solution.y().rawData();
        for (int b = 0; b < batch; b++) {
            SolverStatus st = solution.status(b);
            if (!st.hasSolution()) {
                bad.add(b);
                objectives[b] = switch (st) {
                    case INFEASIBLE, INFEASIBLE_INACCURATE -> sign * Double.POSITIVE_INFINITY;
                    case UNBOUNDED, UNBOUNDED_INACCURATE -> sign * Double.NEGATIVE_INFINITY;
                    default -> Double.NaN;
                };
                if (layer.isGeometric()) {
                    objectives[b] = Math.exp(objectives[b]);
                }
                continue;
            }
            objectives[b] = sign * (solution.objective(b) + offsets[b]);
            if (layer.isGeometric()) {
                objectives[b] = Math.exp(objectives[b]); // the log problem's optimum is log f*
            }
            for (int k = 0; k < outs.size(); k++) {
                LayerOutput o = outs.get(k);
                o.gather(x, y, batch, b, values[k], b * o.size());
            }
        }
        failed = bad.stream().mapToInt(Integer::intValue).toArray();
    }

    // ------------------------------------------------------------------ outputs

    /** The value of output {@code k} (layer output order): B·s entries, instance-major. */
    public double[] value(int k) {
        checkOutput(k);
        return values[k].clone();
    }

    /** The value of a variable output. */
    public double[] value(Variable v) {
        return value(indexOf(v));
    }

    /** The value of a dual output (signs as {@link io.convexlayers.dsl.ProblemSolution#dual}). */
    public double[] dual(Constraint c) {
        return value(indexOf(c));
    }

    /** One instance's value of output {@code k} (s entries). */
    public double[] value(int k, int instance) {
        checkOutput(k);
        checkInstance(instance);
        int s = layer.outputs().get(k).size();
        return java.util.Arrays.copyOfRange(values[k], instance * s, (instance + 1) * s);
    }

    /** One instance's value of a variable output. */
    public double[] value(Variable v, int instance) {
        return value(indexOf(v), instance);
    }

    /** The shape of output {@code k}'s array: (B, dims…) when batched, the output's own dims otherwise. */
    public int[] shape(int k) {
        checkOutput(k);
        int[] dims = layer.outputs().get(k).shape().dims();
        if (!inputs.batched()) {
            return dims;
        }
        int[] out = new int[dims.length + 1];
        out[0] = inputs.batch();
        System.arraycopy(dims, 0, out, 1, dims.length);
        return out;
    }

    /** The shape of a variable output's array. */
    public int[] shape(Variable v) {
        return shape(indexOf(v));
    }

    int indexOf(Object output) {
        List<LayerOutput> outs = layer.outputs();
        for (int k = 0; k < outs.size(); k++) {
            if (outs.get(k).is(output)) {
                return k;
            }
        }
        throw new LayerArgumentException(output + " is not an output of this layer (its outputs are " + outs + ")");
    }

    private void checkOutput(int k) {
        if (k < 0 || k >= values.length) {
            throw new LayerArgumentException("output index " + k + " is out of range: the layer has " + values.length
                    + " outputs " + layer.outputs());
        }
    }

    private void checkInstance(int b) {
        if (b < 0 || b >= inputs.batch()) {
            throw new LayerArgumentException("instance " + b + " is out of range: the batch has " + inputs.batch()
                    + " instances");
        }
    }

    // ------------------------------------------------------------------ statuses

    /** Number of instances (1 for an unbatched call). */
    public int batchSize() {
        return inputs.batch();
    }

    /** True when the outputs carry a leading batch dimension. */
    public boolean isBatched() {
        return inputs.batched();
    }

    /** The solver status of instance {@code b}. */
    public SolverStatus status(int b) {
        checkInstance(b);
        return solution.status(b);
    }

    /** Every instance's status, in batch order. */
    public List<SolverStatus> statuses() {
        List<SolverStatus> out = new ArrayList<>();
        for (int b = 0; b < inputs.batch(); b++) {
            out.add(solution.status(b));
        }
        return out;
    }

    /** The instances without a solution (empty unless the layer's policy is RETURN). */
    public int[] failedInstances() {
        return failed.clone();
    }

    /** True when every instance has a solution (possibly inaccurate). */
    public boolean allSolved() {
        return failed.length == 0;
    }

    /**
     * The optimal value of the user's objective for instance {@code b} (constant terms included;
     * +∞/−∞ for an infeasible/unbounded minimization, mirrored for a maximization; NaN on failure).
     * For a geometric program: exp of the log problem's value (so 0 where that is −∞).
     */
    public double objective(int b) {
        checkInstance(b);
        return objectives[b];
    }

    /** Solver iterations of instance {@code b}. */
    public int iterations(int b) {
        checkInstance(b);
        return solution.iterations(b);
    }

    /** Solver iterations summed over the batch. */
    public long totalIterations() {
        return solution.totalIterations();
    }

    /** The raw cone-solver result of instance {@code b} (x, y, s of the compiled program). */
    public Solution solution(int b) {
        checkInstance(b);
        return solution.get(b);
    }

    /** True when this call started from the layer's previous solution. */
    public boolean warmStarted() {
        return warmStarted;
    }

    /** Seconds spent validating the arrays and applying the parameter map. */
    public double mapSeconds() {
        return mapSeconds;
    }

    /** Seconds spent in the batched solve. */
    public double solveSeconds() {
        return solveSeconds;
    }

    /** The layer that produced this result. */
    public ConvexLayer layer() {
        return layer;
    }

    // ------------------------------------------------------------------ backward

    /**
     * Gradients of a scalar loss with respect to the layer's parameters, given its gradients with
     * respect to the outputs: one array per output in layer output order, shaped like the output's
     * value ({@code null} means zero). Uses the layer's derivative settings.
     *
     * @throws LayerArgumentException on a wrong number of arrays, a wrong size or a non-finite
     *                                entry of an instance that has a solution
     */
    public Gradients backward(double[]... dOutputs) {
        return backward(layer.derivativeSettings(), dOutputs);
    }

    /** {@link #backward(double[]...)} with derivative settings for this call. */
    public Gradients backward(DerivativeSettings settings, double[]... dOutputs) {
        if (settings == null) {
            throw new LayerArgumentException("derivative settings must not be null");
        }
        return BackwardPass.run(this, settings, dOutputs);
    }

    LayerInputs inputs() {
        return inputs;
    }

    /** Output k's values, not copied (the backward pass of a geometric program reads them). */
    double[] valuesView(int k) {
        return values[k];
    }

    DataSharing sharing() {
        return sharing;
    }

    /**
     * The instantiated data of this call, for the backward pass. After a forward on a device backend
     * ({@code ParametricSolver}) the data existed only on the device, whose buffers are gone once the
     * solve ends: the host copy is made here on the first call, once (the host parameter map on this
     * result's θ, the values the device computed), and kept.
     */
    BatchConeProgram data() {
        return data.get();
    }

    BatchSolution rawSolution() {
        return solution;
    }

    @Override
    public String toString() {
        return "LayerResult[batch " + inputs.batch() + (inputs.batched() ? "" : " (unbatched)") + ", "
                + (inputs.batch() - failed.length) + " solved, " + failed.length + " failed, "
                + solution.totalIterations() + " iterations]";
    }
}
