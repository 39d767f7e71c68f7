// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.spark;

import io.convexlayers.dsl.Parameter;
import io.convexlayers.dsl.ParameterValueException;
import io.convexlayers.layer.ConvexLayer;
import io.convexlayers.layer.ForwardOptions;
import io.convexlayers.layer.Gradients;
import io.convexlayers.layer.LayerResult;
import io.convexlayers.layer.LayerSolveException;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * Solves one partition: its rows in chunks of the batch size, each chunk one call of the layer
 * (and of its backward pass when gradients are asked for). A row whose values cannot be used
 * (null, wrong length, NaN, a violated parameter attribute) is left out of its chunk and gets the
 * status {@value #INVALID_INPUT} with the reason; an instance the solver cannot solve gets its
 * solver status; both have null solutions and gradients, and neither affects the other rows.
 */
final class PartitionSolver implements MapPartitionsFunction<Row, Row> {
    private static final long serialVersionUID = 1L;
    /** The status of a row whose values the layer cannot take. */
    static final String INVALID_INPUT = "INVALID_INPUT";

    private final Broadcast<LayerSpec> spec;

    PartitionSolver(Broadcast<LayerSpec> spec) {
        this.spec = spec;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> rows) {
        LayerSpec s = spec.value();
        ConvexLayer layer = ExecutorLayers.get(s.key(), s.factory());
        return new Iterator<>() {
            private final ArrayDeque<Row> ready = new ArrayDeque<>();

            @Override
            public boolean hasNext() {
                if (ready.isEmpty() && rows.hasNext()) {
                    List<Row> chunk = new ArrayList<>(s.batchSize());
                    while (rows.hasNext() && chunk.size() < s.batchSize()) {
                        chunk.add(rows.next());
                    }
                    ready.addAll(solve(s, layer, chunk));
                }
                return !ready.isEmpty();
            }

            @Override
            public Row next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return ready.poll();
            }
        };
    }

    /** One chunk: the output rows in input order. */
    static List<Row> solve(LayerSpec s, ConvexLayer layer, List<Row> chunk) {
        List<Parameter> params = layer.parameters();
        int outputs = layer.outputs().size();
        int rows = chunk.size();
        double[][][] values = new double[rows][][];
        double[][][] upstream = new double[rows][][];
        String[] errors = new String[rows];
        int valid = 0;
        for (int r = 0; r < rows; r++) {
            try {
                values[r] = parameterValues(s, params, chunk.get(r));
                upstream[r] = s.gradients() ? upstreamValues(s, layer, chunk.get(r)) : null;
                valid++;
            } catch (RowArrays.BadValue e) {
                errors[r] = e.getMessage();
            }
        }
        int[] lane = new int[rows];
        int b = 0;
        for (int r = 0; r < rows; r++) {
            lane[r] = errors[r] == null ? b++ : -1;
        }
        LayerResult result = null;
        Gradients grads = null;
        if (valid > 0) {
            result = forward(s, layer, params, values, lane, valid);
            if (s.gradients()) {
                grads = backward(layer, result, upstream, lane, valid);
            }
        }
        // each parameter's gradient array once per chunk (Gradients.of copies the whole batch)
        double[][] gradient = new double[params.size()][];
        for (int k = 0; grads != null && k < gradient.length; k++) {
            gradient[k] = s.parameterColumns()[k] >= 0 ? grads.of(k) : null;
        }
        List<Row> out = new ArrayList<>(rows);
        for (int r = 0; r < rows; r++) {
            out.add(outputRow(s, layer, chunk.get(r), result, gradient, lane[r], errors[r], outputs));
        }
        return out;
    }

    private static double[][] parameterValues(LayerSpec s, List<Parameter> params, Row row) throws RowArrays.BadValue {
        double[][] v = new double[params.size()][];
        for (int k = 0; k < v.length; k++) {
            if (s.parameterColumns()[k] < 0) {
                continue;
            }
            Parameter p = params.get(k);
            v[k] = RowArrays.read(row, s.parameterColumns()[k], p.shape().size(), "parameter " + p.name());
            try {
                p.checkValue(v[k]);
            } catch (ParameterValueException e) {
                throw new RowArrays.BadValue(e.getMessage());
            }
        }
        return v;
    }

    private static double[][] upstreamValues(LayerSpec s, ConvexLayer layer, Row row) throws RowArrays.BadValue {
        double[][] v = new double[layer.outputs().size()][];
        for (int k = 0; k < v.length; k++) {
            int col = s.upstreamColumns()[k];
            if (col >= 0) {
                v[k] = RowArrays.read(row, col, layer.outputs().get(k).size(), "the upstream gradient of output "
                        + layer.outputs().get(k));
            }
        }
        return v;
    }

    private static LayerResult forward(LayerSpec s, ConvexLayer layer, List<Parameter> params, double[][][] values,
                                       int[] lane, int valid) {
        double[][] batch = new double[params.size()][];
        for (int k = 0; k < batch.length; k++) {
            if (s.parameterColumns()[k] < 0) {
                batch[k] = s.constants()[k];
                continue;
            }
            int size = params.get(k).shape().size();
            batch[k] = new double[valid * size];
            for (int r = 0; r < lane.length; r++) {
                if (lane[r] >= 0) {
                    System.arraycopy(values[r][k], 0, batch[k], lane[r] * size, size);
                }
            }
        }
        try {
            return layer.forward(ForwardOptions.batch(valid), batch);
        } catch (LayerSolveException e) {
            return e.result(); // the layer's THROW policy: every instance still has its status
        }
    }

    private static Gradients backward(ConvexLayer layer, LayerResult result, double[][][] upstream, int[] lane,
                                      int valid) {
        int outputs = layer.outputs().size();
        double[][] d = new double[outputs][];
        for (int k = 0; k < outputs; k++) {
            int size = layer.outputs().get(k).size();
            d[k] = new double[valid * size];
            for (int r = 0; r < lane.length; r++) {
                if (lane[r] >= 0 && upstream[r][k] != null && result.status(lane[r]).hasSolution()) {
                    System.arraycopy(upstream[r][k], 0, d[k], lane[r] * size, size);
                }
            }
        }
        return result.backward(d);
    }

    private static Row outputRow(LayerSpec s, ConvexLayer layer, Row in, LayerResult result, double[][] gradient, int b,
                                 String error, int outputs) {
        List<Parameter> params = layer.parameters();
        int gradientColumns = 0;
        if (s.gradients()) {
            for (int c : s.parameterColumns()) {
                gradientColumns += c >= 0 ? 1 : 0;
            }
        }
        Object[] f = new Object[in.length() + outputs + 3 + gradientColumns];
        for (int i = 0; i < in.length(); i++) {
            f[i] = in.get(i);
        }
        int o = in.length();
        boolean solved = b >= 0 && result.status(b).hasSolution();
        for (int k = 0; k < outputs; k++) {
            f[o++] = solved ? value(result.value(k, b), layer.outputs().get(k).shape().size() == 1
                    && layer.outputs().get(k).shape().isScalar()) : null;
        }
        f[o++] = b >= 0 ? result.status(b).name() : INVALID_INPUT;
        f[o++] = b >= 0 ? result.iterations(b) : 0;
        f[o++] = error;
        if (s.gradients()) {
            for (int k = 0; k < params.size(); k++) {
                if (s.parameterColumns()[k] < 0) {
                    continue;
                }
                if (!solved) {
                    f[o++] = null;
                    continue;
                }
                int size = params.get(k).shape().size();
                double[] mine = java.util.Arrays.copyOfRange(gradient[k], b * size, (b + 1) * size);
                f[o++] = value(mine, params.get(k).shape().isScalar());
            }
        }
        return RowFactory.create(f);
    }

    private static Object value(double[] v, boolean scalar) {
        return scalar ? (Object) v[0] : v;
    }
}
