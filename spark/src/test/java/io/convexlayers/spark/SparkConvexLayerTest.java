// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.spark;

import io.convexlayers.dsl.Parameter;
import io.convexlayers.dsl.Problem;
import io.convexlayers.dsl.Variable;
import io.convexlayers.layer.ConvexLayer;
import io.convexlayers.layer.FailurePolicy;
import io.convexlayers.layer.ForwardOptions;
import io.convexlayers.layer.Gradients;
import io.convexlayers.layer.LayerArgumentException;
import io.convexlayers.layer.LayerDefinitionException;
import io.convexlayers.layer.LayerResult;
import io.convexlayers.solver.ExecutionSettings;
import io.convexlayers.solver.SolverSettings;
import io.convexlayers.solver.SolverStatus;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;

import static io.convexlayers.dsl.Atoms.sumSquares;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Spark layer on a local session (2 worker threads, 2 partitions) against the core layer on the
 * same instances: x*(z, G, h) = argmin ½‖x‖² − zᵀx s.t. G x ≤ h with z and h per row and G a
 * constant (or a per-row matrix column), an infeasible instance and a NaN row in the middle of a
 * partition's batch.
 */
class SparkConvexLayerTest {
    private static final int N = 3;
    private static final int M = 2 * N + 2;
    private static final int ROWS = 22;
    private static final int INFEASIBLE = 5;
    private static final int NAN_ROW = 7;
    private static final AtomicInteger BUILDS = new AtomicInteger();
    private static final double[] G = constraintMatrix();
    private static SparkSession spark;

    @BeforeAll
    static void start() {
        spark = SparkSession.builder().master("local[2]").appName("convexlayers-test")
                .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "2")
                .config("spark.driver.host", "127.0.0.1").config("spark.sql.adaptive.enabled", "false")
                .getOrCreate();
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    /** G = [I; −I; two random rows]: the box rows make an instance infeasible when h_i + h_{n+i} &lt; 0. */
    private static double[] constraintMatrix() {
        double[] g = new double[M * N];
        for (int i = 0; i < N; i++) {
            g[i * N + i] = 1;
            g[(N + i) * N + i] = -1;
        }
        Random rnd = new Random(9);
        for (int i = 2 * N * N; i < g.length; i++) {
            g[i] = rnd.nextGaussian();
        }
        return g;
    }

    static ConvexLayer qpLayer() {
        BUILDS.incrementAndGet();
        Parameter z = Parameter.vector("z", N);
        Parameter g = Parameter.matrix("G", M, N);
        Parameter h = Parameter.vector("h", M);
        Variable x = Variable.vector("x", N);
        Problem p = Problem.minimize(sumSquares(x).times(0.5).minus(z.dot(x)), g.times(x).le(h));
        return ConvexLayer.builder(p).parameters(z, g, h).outputs(x)
                .settings(SolverSettings.defaults().withEps(1e-9))
                .execution(ExecutionSettings.defaults().withThreads(1))
                .failurePolicy(FailurePolicy.RETURN).build();
    }

    private record Instances(double[][] z, double[][] h, double[][] dx) {
    }

    private static Instances instances() {
        Random rnd = new Random(4);
        double[][] z = new double[ROWS][N];
        double[][] h = new double[ROWS][M];
        double[][] dx = new double[ROWS][N];
        for (int r = 0; r < ROWS; r++) {
            for (int i = 0; i < N; i++) {
                z[r][i] = 1.5 * rnd.nextGaussian();
                dx[r][i] = rnd.nextGaussian();
            }
            for (int i = 0; i < M; i++) {
                h[r][i] = 0.3 + rnd.nextDouble();
            }
        }
        h[INFEASIBLE][0] = -1; // x0 <= -1 and -x0 <= -1
        h[INFEASIBLE][N] = -1;
        z[NAN_ROW][1] = Double.NaN;
        return new Instances(z, h, dx);
    }

    private static Dataset<Row> dataset(Instances in, boolean gColumn) {
        List<Row> rows = new ArrayList<>();
        for (int r = 0; r < ROWS; r++) {
            List<Object> f = new ArrayList<>(List.of(r, in.z()[r], in.h()[r], in.dx()[r]));
            if (gColumn) {
                double[][] nested = new double[M][];
                for (int i = 0; i < M; i++) {
                    nested[i] = Arrays.copyOfRange(G, i * N, (i + 1) * N);
                    nested[i][0] += 0.01 * r; // a different G per row
                }
                f.add(nested);
            }
            rows.add(RowFactory.create(f.toArray()));
        }
        ArrayType vec = DataTypes.createArrayType(DataTypes.DoubleType);
        StructType schema = new StructType().add("id", DataTypes.IntegerType).add("zv", vec).add("h", vec)
                .add("dx", vec);
        if (gColumn) {
            schema = schema.add("G", DataTypes.createArrayType(vec));
        }
        // a local relation of ROWS rows: split into local[2]'s two partitions without a shuffle
        return spark.createDataFrame(rows, schema);
    }

    private static double[] gOfRow(int r, boolean gColumn) {
        double[] g = G.clone();
        if (gColumn) {
            for (int i = 0; i < M; i++) {
                g[i * N] += 0.01 * r;
            }
        }
        return g;
    }

    private static double[] concat(double[][] rows, int[] ids) {
        int s = rows[0].length;
        double[] out = new double[ids.length * s];
        for (int i = 0; i < ids.length; i++) {
            System.arraycopy(rows[ids[i]], 0, out, i * s, s);
        }
        return out;
    }

    private static double[] doubles(Row row, String column) {
        List<Object> l = row.getList(row.fieldIndex(column));
        double[] out = new double[l.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = ((Number) l.get(i)).doubleValue();
        }
        return out;
    }

    private void checkAgainstTheCoreLayer(boolean gColumn) {
        Instances in = instances();
        int buildsBefore = BUILDS.get();
        SparkConvexLayer.Builder b = SparkConvexLayer.builder(SparkConvexLayerTest::qpLayer).column("z", "zv")
                .upstreamGradient("x", "dx").batchSize(4);
        if (!gColumn) {
            b.constant("G", G);
        }
        SparkConvexLayer layer = b.build();
        Dataset<Row> data = dataset(in, gColumn);
        assertEquals(2, data.javaRDD().getNumPartitions());
        List<Row> out = layer.transform(data).collectAsList();
        assertEquals(ROWS, out.size());
        // a second job over the same layer: still the one compilation made when it was built
        assertEquals(ROWS - 2, layer.transform(data).filter("status = 'SOLVED'").count());
        assertEquals(1, BUILDS.get() - buildsBefore, "the factory is called once per JVM, not per row or partition");
        Map<Integer, Row> byId = new HashMap<>();
        for (Row r : out) {
            byId.put(r.getInt(r.fieldIndex("id")), r);
        }
        // the core layer on the valid instances, one batch, G per instance
        int[] ids = java.util.stream.IntStream.range(0, ROWS).filter(r -> r != NAN_ROW).toArray();
        double[][] gs = new double[ROWS][];
        for (int r = 0; r < ROWS; r++) {
            gs[r] = gOfRow(r, gColumn);
        }
        ConvexLayer core = qpLayer();
        LayerResult ref = core.forward(ForwardOptions.batch(ids.length), concat(in.z(), ids), concat(gs, ids),
                concat(in.h(), ids));
        double[] dx = concat(in.dx(), ids);
        int inf = Arrays.binarySearch(ids, INFEASIBLE);
        Arrays.fill(dx, inf * N, (inf + 1) * N, 0);
        Gradients grads = ref.backward(dx);
        double[] dz = grads.of(0);
        double[] dg = grads.of(1);
        double[] dh = grads.of(2);
        int solved = 0;
        for (int i = 0; i < ids.length; i++) {
            Row row = byId.get(ids[i]);
            SolverStatus status = ref.status(i);
            assertEquals(status.name(), row.getString(row.fieldIndex("status")), "row " + ids[i]);
            if (ids[i] == INFEASIBLE) {
                assertEquals(SolverStatus.INFEASIBLE, status);
                assertTrue(row.isNullAt(row.fieldIndex("x")) && row.isNullAt(row.fieldIndex("grad_z")));
                continue;
            }
            assertEquals(SolverStatus.SOLVED, status, "row " + ids[i]);
            solved++;
            assertArrayEquals(ref.value(0, i), doubles(row, "x"), 1e-7, "x of row " + ids[i]);
            assertArrayEquals(Arrays.copyOfRange(dz, i * N, (i + 1) * N), doubles(row, "grad_z"), 1e-6,
                    "dz of row " + ids[i]);
            assertArrayEquals(Arrays.copyOfRange(dh, i * M, (i + 1) * M), doubles(row, "grad_h"), 1e-6,
                    "dh of row " + ids[i]);
            if (gColumn) {
                assertArrayEquals(Arrays.copyOfRange(dg, i * M * N, (i + 1) * M * N), doubles(row, "grad_G"), 1e-6,
                        "dG of row " + ids[i]);
            } else {
                assertTrue(Arrays.asList(row.schema().fieldNames()).indexOf("grad_G") < 0, "no gradient for a constant");
            }
        }
        assertEquals(ROWS - 2, solved);
        Row bad = byId.get(NAN_ROW);
        assertEquals(PartitionSolver.INVALID_INPUT, bad.getString(bad.fieldIndex("status")));
        assertTrue(bad.getString(bad.fieldIndex("error")).contains("parameter z"), bad.getString(bad.fieldIndex("error")));
        assertNull(bad.get(bad.fieldIndex("x")));
        assertNotNull(byId.get(NAN_ROW + 1).get(byId.get(NAN_ROW + 1).fieldIndex("x")));
        layer.release();
    }

    @Test
    void solutionsAndGradientsEqualTheCoreLayersWithAConstantMatrixCompiledOnce() {
        checkAgainstTheCoreLayer(false);
    }

    @Test
    void aMatrixColumnOfRowsIsReadAndDifferentiatedPerRow() {
        checkAgainstTheCoreLayer(true);
    }

    @Test
    void aMissingColumnOrAnUnknownNameIsATypedError() {
        SparkConvexLayer layer = SparkConvexLayer.builder(SparkConvexLayerTest::qpLayer).constant("G", G).build();
        Dataset<Row> data = dataset(instances(), false);
        LayerArgumentException e = assertThrows(LayerArgumentException.class, () -> layer.transform(data));
        assertTrue(e.getMessage().contains("column z"), e.getMessage());
        assertThrows(LayerDefinitionException.class,
                () -> SparkConvexLayer.builder(SparkConvexLayerTest::qpLayer).column("q", "zv").build());
        assertThrows(LayerDefinitionException.class,
                () -> SparkConvexLayer.builder(SparkConvexLayerTest::qpLayer).constant("G", 1, 2).build());
        layer.release();
    }
}
