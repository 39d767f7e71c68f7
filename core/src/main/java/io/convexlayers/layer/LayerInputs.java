// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.layer;

import io.convexlayers.canon.ParametricConeProgram;
import io.convexlayers.dsl.Parameter;
import io.convexlayers.dsl.ParameterValueException;
import io.convexlayers.dsl.Shape;

import java.util.List;
import java.util.OptionalInt;

/**
 * The validated arguments of one forward call: the batch size B, which parameters were batched,
 * and θ for the whole batch laid out batch-minor ({@code theta[i * B + b]}, θ in the compiled
 * program's parameter order; DESIGN §2).
 *
 * <p>An array for a parameter with s entries is read row-major; it is <em>unbatched</em> (one
 * instance, broadcast to the whole batch) when it has s entries and <em>batched</em> when it has
 * B·s entries, instance b occupying {@code [b·s, (b+1)·s)}. Without a stated batch size, B is
 * inferred from the batched arrays and a call whose arrays are all unbatched is itself unbatched
 * (B = 1 without a batch dimension).
 */
final class LayerInputs {
    private final int batch;
    private final boolean batched;
    private final boolean[] parameterBatched;
    private final double[] theta;

    private LayerInputs(int batch, boolean batched, boolean[] parameterBatched, double[] theta) {
        this.batch = batch;
        this.batched = batched;
        this.parameterBatched = parameterBatched;
        this.theta = theta;
    }

    /**
     * Checks the arrays against the parameters (in the layer's argument order) and builds θ.
     *
     * @throws LayerArgumentException naming the parameter, the expected and the actual size
     */
    static LayerInputs bind(ParametricConeProgram program, List<Parameter> parameters, double[][] values,
                            OptionalInt statedBatch) {
        return bind(program, parameters, parameters, false, values, statedBatch);
    }

    /**
     * As {@link #bind(ParametricConeProgram, List, double[][], OptionalInt)}, with the arrays checked
     * against {@code parameters} but laid out in θ at the slots of {@code slots} (same order and
     * sizes) — for a geometric program, the log parameters — and stored as their logarithms when
     * {@code logValues} (the parameters are then declared positive, which the checks enforce per
     * instance).
     */
    static LayerInputs bind(ParametricConeProgram program, List<Parameter> parameters, List<Parameter> slots,
                            boolean logValues, double[][] values, OptionalInt statedBatch) {
        int count = parameters.size();
        if (values == null || values.length != count) {
            throw new LayerArgumentException("the layer takes " + count + (count == 1 ? " array" : " arrays")
                    + ", one per parameter in the order " + names(parameters) + ", but "
                    + (values == null ? "null" : String.valueOf(values.length)) + " were given");
        }
        if (statedBatch.isPresent() && statedBatch.getAsInt() < 1) {
            throw new LayerArgumentException("the batch size must be at least 1, but " + statedBatch.getAsInt()
                    + " was stated");
        }
        int batch = statedBatch.orElse(-1);
        int batchSource = -1;
        boolean[] isBatched = new boolean[count];
        for (int k = 0; k < count; k++) {
            Parameter p = parameters.get(k);
            double[] v = values[k];
            int s = p.size();
            if (v == null) {
                throw new LayerArgumentException("the array for parameter " + describe(p) + " is null");
            }
            int len = v.length;
            if (len == s) {
                continue; // one instance, broadcast
            }
            if (len == 0) {
                throw new LayerArgumentException("the array for parameter " + describe(p) + " is empty: a batch "
                        + "must hold at least one instance (B = 0 is not allowed)");
            }
            if (len % s != 0) {
                throw new LayerArgumentException("parameter " + describe(p) + " expects " + s + " entries (one "
                        + "instance, broadcast) or B·" + s + " entries (a batch of B instances), but the array has "
                        + len + " entries");
            }
            int b = len / s;
            if (batch == -1) {
                batch = b;
                batchSource = k;
            } else if (b != batch) {
                String first = statedBatch.isPresent() ? "the stated batch size is " + batch
                        : "parameter " + parameters.get(batchSource).name() + " has a batch of " + batch;
                throw new LayerArgumentException("inconsistent batch sizes: " + first + ", but parameter "
                        + describe(p) + " has a batch of " + b + " (" + len + " entries = " + b + " × " + s + ")");
            }
            isBatched[k] = true;
        }
        boolean anyBatched = statedBatch.isPresent() || batch != -1;
        if (batch == -1) {
            batch = 1;
        }
        double[] theta = new double[program.thetaLength() * batch];
        for (int k = 0; k < count; k++) {
            Parameter p = parameters.get(k);
            int s = p.size();
            int off = program.parameterOffset(slots.get(k));
            double[] v = logValues ? logOf(values[k]) : values[k];
            int instances = isBatched[k] ? batch : 1;
            for (int b = 0; b < instances; b++) {
                checkInstance(p, values[k], b * s, isBatched[k] ? b : -1);
            }
            for (int i = 0; i < s; i++) {
                int row = (off + i) * batch;
                if (isBatched[k]) {
                    for (int b = 0; b < batch; b++) {
                        theta[row + b] = v[b * s + i];
                    }
                } else {
                    java.util.Arrays.fill(theta, row, row + batch, v[i]);
                }
            }
        }
        return new LayerInputs(batch, anyBatched, isBatched, theta);
    }

    private static double[] logOf(double[] v) {
        double[] out = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = Math.log(v[i]);
        }
        return out;
    }

    /** Finite entries and the parameter's declared attributes, for one instance. */
    private static void checkInstance(Parameter p, double[] v, int from, int instance) {
        int s = p.size();
        for (int i = 0; i < s; i++) {
            double e = v[from + i];
            if (!Double.isFinite(e)) {
                throw new LayerArgumentException("parameter " + p.name() + (instance < 0 ? "" : ", instance " + instance)
                        + ", entry " + position(p.shape(), i) + " is " + e + ": values must be finite");
            }
        }
        if (!p.attributes().isEmpty()) {
            double[] one = java.util.Arrays.copyOfRange(v, from, from + s);
            try {
                p.checkValue(one);
            } catch (ParameterValueException e) {
                throw new LayerArgumentException((instance < 0 ? "" : "instance " + instance + ": ") + e.getMessage(), e);
            }
        }
    }

    static String position(Shape shape, int i) {
        if (shape.ndim() == 2) {
            int c = shape.dim(1);
            return i + " (row " + (i / c) + ", column " + (i % c) + ")";
        }
        return String.valueOf(i);
    }

    static String describe(Parameter p) {
        return p.name() + " (shape " + p.shape() + ")";
    }

    static String names(List<Parameter> parameters) {
        StringBuilder sb = new StringBuilder("(");
        for (int k = 0; k < parameters.size(); k++) {
            sb.append(k == 0 ? "" : ", ").append(parameters.get(k).name());
        }
        return sb.append(')').toString();
    }

    /** Instances in the call (1 for an unbatched call). */
    int batch() {
        return batch;
    }

    /** True when the outputs carry a batch dimension. */
    boolean batched() {
        return batched;
    }

    /** Whether the k-th parameter (layer argument order) was given per instance. */
    boolean parameterBatched(int k) {
        return parameterBatched[k];
    }

    /** θ of the batch, batch-minor. Do not modify. */
    double[] theta() {
        return theta;
    }
}
