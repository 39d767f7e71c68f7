// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.layer;

import io.convexlayers.diff.DerivativeInfo;
import io.convexlayers.diff.DerivativeQuality;
import io.convexlayers.dsl.Parameter;

import java.util.List;

/**
 * The result of {@link LayerResult#backward}: the gradient of the loss with respect to each
 * parameter, shaped like the array that was passed for it — B·s entries (instance-major) for a
 * batched parameter, s entries summed over the batch for a broadcast one — and per-instance
 * diagnostics of the derivative solve. Instances without a solution contribute zero. Immutable.
 */
public final class Gradients {
    private final ConvexLayer layer;
    private final LayerInputs inputs;
    private final double[][] gradients;
    private final DerivativeInfo[] info;
    private final double seconds;

    Gradients(ConvexLayer layer, LayerInputs inputs, double[][] gradients, DerivativeInfo[] info, double seconds) {
        this.layer = layer;
        this.inputs = inputs;
        this.gradients = gradients;
        this.info = info;
        this.seconds = seconds;
    }

    /** The gradient with respect to {@code p}. */
    public double[] of(Parameter p) {
        return gradients[indexOf(p)].clone();
    }

    /** The gradient with respect to the k-th parameter (argument order). */
    public double[] of(int k) {
        if (k < 0 || k >= gradients.length) {
            throw new LayerArgumentException("parameter index " + k + " is out of range: the layer has "
                    + gradients.length + " parameters");
        }
        return gradients[k].clone();
    }

    /** The shape of {@link #of(Parameter)}: (B, dims…) for a batched parameter, its own dims otherwise. */
    public int[] shape(Parameter p) {
        int k = indexOf(p);
        int[] dims = p.shape().dims();
        if (!inputs.parameterBatched(k)) {
            return dims;
        }
        int[] out = new int[dims.length + 1];
        out[0] = inputs.batch();
        System.arraycopy(dims, 0, out, 1, dims.length);
        return out;
    }

    private int indexOf(Parameter p) {
        List<Parameter> params = layer.parameters();
        for (int k = 0; k < params.size(); k++) {
            if (params.get(k) == p) {
                return k;
            }
        }
        throw new LayerArgumentException("parameter " + (p == null ? "null" : p.name())
                + " is not a parameter of this layer (its parameters are " + LayerInputs.names(params) + ")");
    }

    /**
     * Diagnostics of instance {@code b}'s derivative: its quality and, when not accurate, the reason
     * ({@link DerivativeInfo#issue}: a kink, an inaccurate forward solution, the linear solve), the
     * estimated relative error the forward solution's inaccuracy puts into the gradient
     * ({@link DerivativeInfo#estimatedError}), the method that ran, iterations and residual.
     */
    public DerivativeInfo info(int b) {
        return info[b];
    }

    /** True when every instance with a solution got an accurate derivative. */
    public boolean allAccurate() {
        for (DerivativeInfo i : info) {
            if (i.quality() == DerivativeQuality.POOR) {
                return false;
            }
        }
        return true;
    }

    /** Seconds spent in this backward call. */
    public double seconds() {
        return seconds;
    }
}
