// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.spark;

import io.convexlayers.dsl.Parameter;
import io.convexlayers.layer.ConvexLayer;
import io.convexlayers.layer.LayerArgumentException;
import io.convexlayers.layer.LayerDefinitionException;
import io.convexlayers.layer.LayerOutput;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A {@link ConvexLayer} applied to every row of a Spark {@code Dataset<Row>}: a column per parameter
 * (a double for a scalar, an array of doubles for a vector or a row-major matrix, or an array of rows
 * for a matrix), or a constant shared by every row. The rows of a partition are solved in batches
 * through the layer; the result has the input's columns followed by
 * <ul>
 *   <li>one column per output of the layer, named after its variable (or as set by
 *       {@link Builder#outputColumn}), a double or an array of doubles (row-major), null where the
 *       instance has no solution;</li>
 *   <li>{@code status} (a {@code SolverStatus} name, or {@code INVALID_INPUT} for a row whose values
 *       the layer cannot take), {@code iterations}, and {@code error} (why a row was invalid);</li>
 *   <li>with {@link Builder#upstreamGradient} columns: {@code grad_<parameter>} for each column
 *       parameter, ∂L/∂θ of that row given its ∂L/∂output, null where there is no solution.</li>
 * </ul>
 * A bad row or an unsolvable instance gets its own status and leaves the other rows of its batch as
 * they would be without it.
 *
 * <p><b>Shipping the problem.</b> The {@link LayerFactory} goes to the executors once per job in a
 * broadcast and is called once per JVM: each executor compiles the problem once and its tasks share
 * the layer (not one compilation per row or per task). The backend is whatever the factory sets, so
 * {@code Backends.auto()} puts an executor's batches on its GPU.
 */
public final class SparkConvexLayer {
    private final LayerSpecTemplate template;
    private final ConvexLayer layer;

    private SparkConvexLayer(LayerSpecTemplate template, ConvexLayer layer) {
        this.template = template;
        this.layer = layer;
    }

    /** Starts the definition; the factory is called once here, on the driver, to learn the layer's shape. */
    public static Builder builder(LayerFactory factory) {
        return new Builder(factory);
    }

    /** The layer as built on the driver (for its parameters and outputs). */
    public ConvexLayer layer() {
        return layer;
    }

    /**
     * Solves every row (and differentiates it, when upstream-gradient columns were set).
     *
     * @throws LayerArgumentException when a parameter or upstream column is missing from the input,
     *                                or an output column's name is already taken
     */
    public Dataset<Row> transform(Dataset<Row> input) {
        StructType in = input.schema();
        List<String> names = Arrays.asList(in.fieldNames());
        List<Parameter> params = layer.parameters();
        int[] parameterColumns = new int[params.size()];
        double[][] constants = new double[params.size()][];
        for (int k = 0; k < params.size(); k++) {
            String name = params.get(k).name();
            if (template.constants.containsKey(name)) {
                parameterColumns[k] = -1;
                constants[k] = template.constants.get(name);
            } else {
                parameterColumns[k] = column(names, template.columns.get(name), "parameter " + name);
            }
        }
        int[] upstream = null;
        if (!template.upstream.isEmpty()) {
            upstream = new int[layer.outputs().size()];
            Arrays.fill(upstream, -1);
            for (Map.Entry<String, String> e : template.upstream.entrySet()) {
                upstream[outputIndex(e.getKey())] = column(names, e.getValue(), "the upstream gradient of " + e.getKey());
            }
        }
        LayerSpec spec = new LayerSpec(template.key, template.factory, parameterColumns, constants, upstream,
                template.batchSize);
        StructType out = outputSchema(in, spec);
        Broadcast<LayerSpec> shipped = JavaSparkContext.fromSparkContext(input.sparkSession().sparkContext())
                .broadcast(spec);
        return input.mapPartitions(new PartitionSolver(shipped), Encoders.row(out));
    }

    private StructType outputSchema(StructType in, LayerSpec spec) {
        List<StructField> fields = new ArrayList<>(Arrays.asList(in.fields()));
        List<String> taken = new ArrayList<>(Arrays.asList(in.fieldNames()));
        for (int k = 0; k < layer.outputs().size(); k++) {
            LayerOutput o = layer.outputs().get(k);
            fields.add(field(taken, outputColumn(k), o.shape().isScalar()));
        }
        fields.add(field(taken, "status", DataTypes.StringType, false));
        fields.add(field(taken, "iterations", DataTypes.IntegerType, false));
        fields.add(field(taken, "error", DataTypes.StringType, true));
        if (spec.gradients()) {
            for (int k = 0; k < layer.parameters().size(); k++) {
                if (spec.parameterColumns()[k] >= 0) {
                    Parameter p = layer.parameters().get(k);
                    fields.add(field(taken, "grad_" + p.name(), p.shape().isScalar()));
                }
            }
        }
        return new StructType(fields.toArray(new StructField[0]));
    }

    private static StructField field(List<String> taken, String name, boolean scalar) {
        return field(taken, name, scalar ? DataTypes.DoubleType : new ArrayType(DataTypes.DoubleType, false), true);
    }

    private static StructField field(List<String> taken, String name, DataType type, boolean nullable) {
        if (taken.contains(name)) {
            throw new LayerArgumentException("the result column " + name + " is already a column of the input; "
                    + "rename it (or choose another name with outputColumn)");
        }
        taken.add(name);
        return DataTypes.createStructField(name, type, nullable);
    }

    private String outputColumn(int k) {
        String name = outputName(layer.outputs().get(k), k);
        return template.outputColumns.getOrDefault(name, name);
    }

    private int outputIndex(String name) {
        for (int k = 0; k < layer.outputs().size(); k++) {
            if (outputName(layer.outputs().get(k), k).equals(name)) {
                return k;
            }
        }
        throw new LayerDefinitionException("the layer has no output " + name + " (its outputs are "
                + layer.outputs() + ")");
    }

    /** A variable output's name is its variable's; a dual output is {@code dual<k>}. */
    static String outputName(LayerOutput o, int k) {
        return o.kind() == LayerOutput.Kind.VARIABLE ? o.variable().name() : "dual" + k;
    }

    private static int column(List<String> names, String column, String what) {
        int i = names.indexOf(column);
        if (i < 0) {
            throw new LayerArgumentException(what + " is read from column " + column
                    + ", which the input does not have (its columns are " + names + ")");
        }
        return i;
    }

    /** Forgets this layer in the driver's JVM (executors keep theirs until they end). */
    public void release() {
        ExecutorLayers.release(template.key);
    }

    /** The driver-side definition from which each transform's {@link LayerSpec} is made. */
    private record LayerSpecTemplate(String key, LayerFactory factory, Map<String, String> columns,
                                     Map<String, double[]> constants, Map<String, String> upstream,
                                     Map<String, String> outputColumns, int batchSize) {
    }

    /**
     * Configures a {@link SparkConvexLayer}. By default each parameter is read from the column of its
     * name, no gradients are computed, and batches hold up to 1024 rows.
     */
    public static final class Builder {
        private final LayerFactory factory;
        private final Map<String, String> columns = new LinkedHashMap<>();
        private final Map<String, double[]> constants = new LinkedHashMap<>();
        private final Map<String, String> upstream = new LinkedHashMap<>();
        private final Map<String, String> outputColumns = new LinkedHashMap<>();
        private int batchSize = 1024;

        private Builder(LayerFactory factory) {
            if (factory == null) {
                throw new LayerDefinitionException("the layer factory must not be null");
            }
            this.factory = factory;
        }

        /** Reads parameter {@code parameter} from {@code column}. */
        public Builder column(String parameter, String column) {
            columns.put(parameter, column);
            constants.remove(parameter);
            return this;
        }

        /** Gives parameter {@code parameter} the same value in every row (row-major), broadcast by the layer. */
        public Builder constant(String parameter, double... values) {
            constants.put(parameter, values.clone());
            columns.remove(parameter);
            return this;
        }

        /** Asks for parameter gradients, with ∂L/∂{@code output} of each row read from {@code column}. */
        public Builder upstreamGradient(String output, String column) {
            upstream.put(output, column);
            return this;
        }

        /** Names the result column of an output (default: the output's name). */
        public Builder outputColumn(String output, String column) {
            outputColumns.put(output, column);
            return this;
        }

        /** Rows per call of the layer (default 1024). */
        public Builder batchSize(int rows) {
            if (rows < 1) {
                throw new LayerDefinitionException("the batch size must be positive; got " + rows);
            }
            this.batchSize = rows;
            return this;
        }

        /**
         * Builds the layer on the driver and checks the definition against it.
         *
         * @throws LayerDefinitionException on an unknown parameter or output name, duplicate
         *                                  parameter names, or a constant of the wrong size
         */
        public SparkConvexLayer build() {
            String key = UUID.randomUUID().toString();
            ConvexLayer layer = ExecutorLayers.get(key, factory);
            Map<String, Parameter> byName = new LinkedHashMap<>();
            for (Parameter p : layer.parameters()) {
                if (byName.put(p.name(), p) != null) {
                    throw new LayerDefinitionException("two parameters of the layer are called " + p.name()
                            + "; rows name parameters, so the names must differ");
                }
            }
            for (String name : columns.keySet()) {
                known(byName, name);
            }
            for (Map.Entry<String, double[]> c : constants.entrySet()) {
                Parameter p = known(byName, c.getKey());
                if (c.getValue().length != p.shape().size()) {
                    throw new LayerDefinitionException("the constant for " + p.name() + " has " + c.getValue().length
                            + " entries; the parameter has " + p.shape().size());
                }
                p.checkValue(c.getValue());
            }
            Map<String, String> cols = new LinkedHashMap<>();
            for (Parameter p : layer.parameters()) {
                if (!constants.containsKey(p.name())) {
                    cols.put(p.name(), columns.getOrDefault(p.name(), p.name()));
                }
            }
            if (cols.isEmpty()) {
                throw new LayerDefinitionException("every parameter is a constant: at least one must come from a column");
            }
            SparkConvexLayer built = new SparkConvexLayer(new LayerSpecTemplate(key, factory, cols,
                    new LinkedHashMap<>(constants), new LinkedHashMap<>(upstream), new LinkedHashMap<>(outputColumns),
                    batchSize), layer);
            for (String o : upstream.keySet()) {
                built.outputIndex(o);
            }
            for (String o : outputColumns.keySet()) {
                built.outputIndex(o);
            }
            return built;
        }

        private static Parameter known(Map<String, Parameter> byName, String name) {
            Parameter p = byName.get(name);
            if (p == null) {
                throw new LayerDefinitionException("the layer has no parameter " + name + " (its parameters are "
                        + byName.keySet() + ")");
            }
            return p;
        }
    }
}
