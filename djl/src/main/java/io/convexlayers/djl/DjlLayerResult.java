// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.GradientCollector;
import io.convexlayers.dsl.Variable;
import io.convexlayers.layer.Gradients;
import io.convexlayers.layer.LayerArgumentException;
import io.convexlayers.layer.LayerOutput;
import io.convexlayers.layer.LayerResult;
import io.convexlayers.solver.SolverStatus;

import java.util.List;

/**
 * The outcome of {@link DjlConvexLayer#forward}: the outputs as DJL arrays, each instance's status,
 * and the way back.
 *
 * <p><b>Gradients.</b> DJL (0.36) has no user-defined autograd functions, so the layer's adjoint
 * enters the network's graph through a surrogate. The outputs are leaves of their own graph that
 * record gradients. {@link #backward(GradientCollector, NDArray)} first back-propagates the loss L
 * to them (∂L/∂x), then runs the core layer's backward pass (∂L/∂θ = (∂x/∂θ)ᵀ ∂L/∂x, the
 * residual-map derivative) and finally back-propagates the scalar
 * <pre>
 *   S = Σ_k ⟨θ_k, stopgrad(∂L/∂θ_k)⟩
 * </pre>
 * through the arrays θ_k the caller passed in. Since ∂S/∂θ_k = ∂L/∂θ_k, every tensor upstream of the
 * parameters (a network's weights) receives exactly its share of ∂L, accumulated in the same
 * gradient collector as any other gradient of the step. A broadcast parameter's gradient is the sum
 * over the batch; a failed instance (under the {@code RETURN} failure policy) contributes zero.
 *
 * <p>The first back-propagation frees the loss's graph. The loss must therefore reach the
 * network's tensors only through this layer's outputs; terms that use them directly (a penalty on
 * the parameters, a skip connection) go into {@link #backward(GradientCollector, NDArray, NDArray)}'s
 * third argument, which is back-propagated together with S.
 */
public final class DjlLayerResult {
    private final DjlConvexLayer layer;
    private final LayerResult result;
    private final NDArray[] parameters;
    private final NDArray[] outputs;
    private final DataType type;
    private final int batch;

    DjlLayerResult(DjlConvexLayer layer, LayerResult result, NDArray[] parameters, DataType type, int batch) {
        this.layer = layer;
        this.result = result;
        this.parameters = parameters.clone();
        this.type = type;
        this.batch = batch;
        NDManager manager = parameters[0].getManager();
        List<LayerOutput> outs = layer.layer().outputs();
        this.outputs = new NDArray[outs.size()];
        for (int k = 0; k < outputs.length; k++) {
            NDArray out = NDArrays.create(manager, result.value(k), NDArrays.shape(batch, outs.get(k).shape().dims()),
                    type);
            out.setRequiresGradient(true);
            outputs[k] = out;
        }
    }

    /** Output {@code k} in the layer's output order: (B, dims…) when batched, dims… otherwise. */
    public NDArray output(int k) {
        if (k < 0 || k >= outputs.length) {
            throw new LayerArgumentException("output index " + k + " is out of range: the layer has "
                    + outputs.length + " outputs");
        }
        return outputs[k];
    }

    /** The output for a variable of the problem. */
    public NDArray output(Variable v) {
        List<LayerOutput> outs = layer.layer().outputs();
        for (int k = 0; k < outs.size(); k++) {
            if (outs.get(k).kind() == LayerOutput.Kind.VARIABLE && outs.get(k).variable() == v) {
                return outputs[k];
            }
        }
        throw new LayerArgumentException("variable " + (v == null ? "null" : v.name())
                + " is not an output of this layer (its outputs are " + outs + ")");
    }

    /** Every output, in order. */
    public NDList outputs() {
        return new NDList(outputs);
    }

    /** Instance {@code b}'s solver status. */
    public SolverStatus status(int b) {
        return result.status(b);
    }

    /** Every instance's status, in batch order. */
    public List<SolverStatus> statuses() {
        return result.statuses();
    }

    /** The number of instances (1 for an unbatched call). */
    public int batchSize() {
        return result.batchSize();
    }

    /** The core layer's result (solutions, iterations, timings, failed instances). */
    public LayerResult coreResult() {
        return result;
    }

    /**
     * The gradients of a loss with respect to the parameters, given its gradients with respect to the
     * outputs (one per output, shaped like it; {@code null} means zero): arrays shaped and typed
     * like the parameters as passed, with no graph of their own.
     */
    public NDList parameterGradients(NDArray... dOutputs) {
        if (dOutputs == null || dOutputs.length != outputs.length) {
            throw new LayerArgumentException("backward takes one array per output (" + outputs.length + "), got "
                    + (dOutputs == null ? 0 : dOutputs.length));
        }
        double[][] raw = new double[outputs.length][];
        for (int k = 0; k < outputs.length; k++) {
            if (dOutputs[k] == null) {
                continue;
            }
            if (!dOutputs[k].getShape().equals(outputs[k].getShape())) {
                throw new LayerArgumentException("the gradient of output " + k + " has shape "
                        + NDArrays.describe(dOutputs[k].getShape()) + "; the output has "
                        + NDArrays.describe(outputs[k].getShape()));
            }
            raw[k] = NDArrays.toDoubles(dOutputs[k]);
        }
        Gradients g = result.backward(raw);
        NDList out = new NDList(parameters.length);
        for (int k = 0; k < parameters.length; k++) {
            NDArray p = parameters[k];
            out.add(NDArrays.create(p.getManager(), g.of(k), p.getShape(), p.getDataType()));
        }
        return out;
    }

    /**
     * Back-propagates {@code loss} through this layer into whatever produced its parameters (see the
     * class comment): the loss to the outputs, the core layer's backward pass, then the surrogate.
     *
     * @param collector the gradient collector of the training step (the one {@code loss} was computed in)
     * @param loss      a scalar computed from this layer's outputs
     */
    public void backward(GradientCollector collector, NDArray loss) {
        backward(collector, loss, null);
    }

    /**
     * {@link #backward(GradientCollector, NDArray)} with {@code direct}, a scalar of terms that reach
     * the parameters or the network other than through this layer's outputs (may be null).
     */
    public void backward(GradientCollector collector, NDArray loss, NDArray direct) {
        if (collector == null || loss == null) {
            throw new LayerArgumentException("backward needs the gradient collector and the loss");
        }
        if (loss.getShape().size() != 1) {
            throw new LayerArgumentException("the loss must be a scalar; got shape " + NDArrays.describe(loss.getShape()));
        }
        collector.backward(loss);
        NDArray[] dOutputs = new NDArray[outputs.length];
        for (int k = 0; k < outputs.length; k++) {
            dOutputs[k] = gradientOrNull(outputs[k]);
        }
        NDList dParameters = parameterGradients(dOutputs);
        collector.backward(surrogate(dParameters, direct));
    }

    /**
     * S = Σ_k ⟨θ_k, g_k⟩ (+ {@code direct}) with the gradients {@code g_k} held constant, plus zero
     * times a fresh leaf that records gradients: S is then differentiable even where no parameter
     * is (plain data), and back-propagating it is a no-op for them instead of an engine error.
     */
    NDArray surrogate(NDList dParameters, NDArray direct) {
        NDManager manager = parameters[0].getManager();
        NDArray anchor = manager.create(0.0).toType(type, false);
        anchor.setRequiresGradient(true);
        NDArray s = anchor.mul(0);
        for (int k = 0; k < parameters.length; k++) {
            s = s.add(parameters[k].mul(dParameters.get(k).stopGradient()).sum().toType(type, false));
        }
        return direct == null ? s : s.add(direct.toType(type, false));
    }

    /** The gradient recorded for an output, or null where the loss did not use it. */
    private static NDArray gradientOrNull(NDArray output) {
        try {
            return output.getGradient();
        } catch (IllegalStateException notUsed) {
            return null;
        }
    }

    /** The layer that produced this result. */
    public DjlConvexLayer layer() {
        return layer;
    }

    @Override
    public String toString() {
        return "DjlLayerResult[batch " + (batch < 0 ? "1 (unbatched)" : batch) + ", " + type + ", " + result + "]";
    }
}
