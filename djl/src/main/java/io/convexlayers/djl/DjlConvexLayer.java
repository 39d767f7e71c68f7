// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.convexlayers.dsl.Parameter;
import io.convexlayers.layer.ConvexLayer;
import io.convexlayers.layer.ForwardOptions;
import io.convexlayers.layer.LayerArgumentException;
import io.convexlayers.layer.LayerResult;

import java.util.List;

/**
 * A {@link ConvexLayer} on DJL {@link NDArray}s. Each parameter is given either with its own shape
 * (one value broadcast to every instance, as the core layer does) or with a leading batch
 * dimension B; all batched parameters share B. Arguments are float32 or float64 (one type for all),
 * on any device; the outputs come back in that type, on the first argument's manager, with the
 * leading batch dimension whenever some parameter had one.
 *
 * <pre>{@code
 * DjlConvexLayer qp = DjlConvexLayer.of(convexLayer);          // parameters (z, G, h), output x
 * try (GradientCollector gc = trainer.newGradientCollector()) {
 *     NDArray z = trainer.forward(new NDList(features)).singletonOrThrow();   // (B, n)
 *     DjlLayerResult r = qp.forward(z, g, h);                                  // G (m, n), h (m) broadcast
 *     NDArray loss = r.output(0).sub(target).square().sum().div(batch);
 *     r.backward(gc, loss);                    // gradients reach the network that produced z
 * }
 * trainer.step();
 * }</pre>
 *
 * <p>How gradients cross the layer is described at {@link DjlLayerResult#backward}.
 */
public final class DjlConvexLayer {
    private final ConvexLayer layer;

    private DjlConvexLayer(ConvexLayer layer) {
        this.layer = layer;
    }

    /** The adapter over a built layer (its parameters, outputs, settings and backend). */
    public static DjlConvexLayer of(ConvexLayer layer) {
        if (layer == null) {
            throw new LayerArgumentException("layer must not be null");
        }
        return new DjlConvexLayer(layer);
    }

    /** The core layer. */
    public ConvexLayer layer() {
        return layer;
    }

    /**
     * Solves every instance.
     *
     * @param values one array per parameter in {@link ConvexLayer#parameters()} order, shaped like the
     *               parameter (broadcast) or (B, parameter's shape…) (batched)
     * @throws LayerArgumentException on a wrong number of arrays, a shape that is neither, different
     *                                batch sizes, a type other than float32/float64 or mixed types,
     *                                or a value the core layer refuses (NaN, a violated attribute)
     * @throws io.convexlayers.layer.LayerSolveException under the layer's {@code THROW} failure policy
     *                                when an instance has no solution
     */
    public DjlLayerResult forward(NDArray... values) {
        List<Parameter> params = layer.parameters();
        if (values == null || values.length != params.size()) {
            throw new LayerArgumentException("the layer takes " + params.size() + " arrays (" + names(params)
                    + "), got " + (values == null ? 0 : values.length));
        }
        DataType type = null;
        int batch = -1;
        boolean[] batched = new boolean[values.length];
        for (int k = 0; k < values.length; k++) {
            Parameter p = params.get(k);
            NDArray v = values[k];
            if (v == null) {
                throw new LayerArgumentException("the array for parameter " + p.name() + " is null");
            }
            DataType t = NDArrays.floatingType(v, "parameter " + p.name());
            if (type != null && t != type) {
                throw new LayerArgumentException("parameter " + p.name() + " is " + t + " but " + params.get(0).name()
                        + " is " + type + ": give every parameter the same floating type");
            }
            type = t;
            batched[k] = isBatched(p, v.getShape());
            if (batched[k]) {
                int b = Math.toIntExact(v.getShape().get(0));
                if (batch >= 0 && b != batch) {
                    throw new LayerArgumentException("parameter " + p.name() + " has batch size " + b
                            + " but an earlier parameter has " + batch);
                }
                batch = b;
            }
        }
        double[][] raw = new double[values.length][];
        for (int k = 0; k < values.length; k++) {
            raw[k] = NDArrays.toDoubles(values[k]);
        }
        LayerResult result = batch >= 0 ? layer.forward(ForwardOptions.batch(batch), raw) : layer.forward(raw);
        return new DjlLayerResult(this, result, values, type, batch);
    }

    /** True for (B, dims…), false for dims…; anything else is a typed error naming the expected shapes. */
    private static boolean isBatched(Parameter p, Shape given) {
        int[] dims = p.shape().dims();
        long[] g = given.getShape();
        if (g.length == dims.length && matches(g, 0, dims)) {
            return false;
        }
        if (g.length == dims.length + 1 && matches(g, 1, dims) && g[0] > 0) {
            return true;
        }
        String own = java.util.Arrays.toString(dims);
        String withBatch = dims.length == 0 ? "[B]" : "[B, " + own.substring(1);
        throw new LayerArgumentException("parameter " + p.name() + " has shape " + own + ", so its array must have shape "
                + own + " (broadcast) or " + withBatch + " (batched, B > 0); got " + NDArrays.describe(given));
    }

    private static boolean matches(long[] given, int offset, int[] dims) {
        for (int i = 0; i < dims.length; i++) {
            if (given[offset + i] != dims[i]) {
                return false;
            }
        }
        return true;
    }

    static String names(List<Parameter> params) {
        StringBuilder sb = new StringBuilder();
        for (Parameter p : params) {
            sb.append(sb.length() == 0 ? "" : ", ").append(p.name());
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        return "DjlConvexLayer[" + layer + "]";
    }
}
