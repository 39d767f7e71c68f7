// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.spark.bench;

import io.convexlayers.dsl.Parameter;
import io.convexlayers.dsl.Problem;
import io.convexlayers.dsl.Variable;
import io.convexlayers.layer.ConvexLayer;
import io.convexlayers.layer.FailurePolicy;
import io.convexlayers.layer.ForwardOptions;
import io.convexlayers.layer.LayerResult;
import io.convexlayers.solver.ExecutionSettings;
import io.convexlayers.solver.SolverSettings;
import io.convexlayers.spark.SparkConvexLayer;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;

import static io.convexlayers.dsl.Atoms.sumSquares;

/**
 * Instances per second of solving and differentiating a QP batch: the core layer called directly
 * (one thread), and the Spark layer on a local session ({@code local[1]}, {@code local[2]}). One JVM
 * per mode (a JVM holds one Spark context): {@code spark/measure.sh} runs the three.
 * Arguments: mode ({@code direct} or a Spark master such as {@code local[2]}), rows, repetitions,
 * warm-up repetitions (the solver's code takes a few batches to be compiled by the JIT).
 */
public final class SparkThroughput {
    static final int N = 10;
    static final int M = 20;
    static final int BATCH = 1024;
    private static int warmups = 3;

    private SparkThroughput() {
    }

    static ConvexLayer layer() {
        Parameter z = Parameter.vector("z", N);
        Parameter g = Parameter.matrix("G", M, N);
        Parameter h = Parameter.vector("h", M);
        Variable x = Variable.vector("x", N);
        Problem p = Problem.minimize(sumSquares(x).times(0.5).minus(z.dot(x)), g.times(x).le(h));
        return ConvexLayer.builder(p).parameters(z, g, h).outputs(x).settings(SolverSettings.defaults().withEps(1e-6))
                .execution(ExecutionSettings.defaults().withThreads(1)).failurePolicy(FailurePolicy.RETURN).build();
    }

    static double[] matrix() {
        Random rnd = new Random(1);
        double[] g = new double[M * N];
        for (int i = 0; i < g.length; i++) {
            g[i] = rnd.nextGaussian();
        }
        return g;
    }

    static double[][] rows(int count, int size, long seed, double shift) {
        Random rnd = new Random(seed);
        double[][] out = new double[count][size];
        for (double[] r : out) {
            for (int i = 0; i < size; i++) {
                r[i] = shift + rnd.nextGaussian();
            }
        }
        return out;
    }

    public static void main(String[] args) {
        String mode = args.length > 0 ? args[0] : "direct";
        int count = args.length > 1 ? Integer.parseInt(args[1]) : 16384;
        int reps = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        warmups = args.length > 3 ? Integer.parseInt(args[3]) : 3;
        double[][] z = rows(count, N, 2, 0);
        double[][] h = rows(count, M, 3, 2);
        for (double[] r : h) {
            for (int i = 0; i < M; i++) {
                r[i] = Math.abs(r[i]) * 0.5 + 0.1;
            }
        }
        double[][] dx = rows(count, N, 4, 0);
        double[] g = matrix();
        double[] direct = new double[reps];
        double[] times = new double[reps];
        if (mode.equals("direct")) {
            for (int rep = -warmups; rep < reps; rep++) { // negative: warm-up
                double t = direct(z, h, dx, g);
                if (rep >= 0) {
                    direct[rep] = t;
                }
            }
        } else {
            spark(mode, z, h, dx, g, times, direct);
        }
        report("direct (core layer, 1 thread)", count, direct);
        if (!mode.equals("direct")) {
            double spark = report(mode, count, times);
            Arrays.sort(direct);
            System.out.printf(Locale.ROOT, "%s minus direct: %+.1f us per instance (%.2fx the direct time)%n", mode,
                    (spark - direct[reps / 2]) / count * 1e6, spark / direct[reps / 2]);
        }
    }

    private static double report(String what, int count, double[] times) {
        double[] sorted = times.clone();
        Arrays.sort(sorted);
        double median = sorted[sorted.length / 2];
        System.out.printf(Locale.ROOT, "%s: %d instances (n = %d, m = %d, forward + backward) in %.3f s (median of %d): "
                + "%.0f instances/s, %.1f us per instance%n", what, count, N, M, median, times.length, count / median,
                median / count * 1e6);
        return median;
    }

    /** The core layer in batches of {@link #BATCH}, one thread: seconds for every row. */
    static double direct(double[][] z, double[][] h, double[][] dx, double[] g) {
        ConvexLayer layer = layer();
        long t0 = System.nanoTime();
        for (int start = 0; start < z.length; start += BATCH) {
            int b = Math.min(BATCH, z.length - start);
            LayerResult r = layer.forward(ForwardOptions.batch(b), flat(z, start, b), g, flat(h, start, b));
            r.backward(flat(dx, start, b));
        }
        return (System.nanoTime() - t0) * 1e-9;
    }

    static double[] flat(double[][] rows, int start, int count) {
        int s = rows[0].length;
        double[] out = new double[count * s];
        for (int i = 0; i < count; i++) {
            System.arraycopy(rows[start + i], 0, out, i * s, s);
        }
        return out;
    }

    /** Each repetition: the Spark layer over every row, then the core layer directly (same JVM, same load). */
    static void spark(String master, double[][] z, double[][] h, double[][] dx, double[] g, double[] times,
                      double[] direct) {
        int reps = times.length;
        SparkSession spark = SparkSession.builder().master(master).appName("convexlayers-throughput")
                .config("spark.ui.enabled", "false").config("spark.driver.host", "127.0.0.1")
                .config("spark.sql.adaptive.enabled", "false").getOrCreate();
        try {
            List<Row> rows = new ArrayList<>(z.length);
            for (int r = 0; r < z.length; r++) {
                rows.add(RowFactory.create(z[r], h[r], dx[r]));
            }
            ArrayType vec = DataTypes.createArrayType(DataTypes.DoubleType);
            StructType schema = new StructType().add("z", vec).add("h", vec).add("dx", vec);
            int partitions = spark.sparkContext().defaultParallelism();
            Dataset<Row> data = spark.createDataFrame(rows, schema).repartition(partitions).cache();
            data.count();
            SparkConvexLayer layer = SparkConvexLayer.builder(SparkThroughput::layer).constant("G", g)
                    .upstreamGradient("x", "dx").batchSize(BATCH).build();
            for (int rep = -warmups; rep < reps; rep++) { // negative: warm-up
                long t0 = System.nanoTime();
                layer.transform(data).write().format("noop").mode("overwrite").save();
                double t = (System.nanoTime() - t0) * 1e-9;
                double d = direct(z, h, dx, g);
                if (rep >= 0) {
                    times[rep] = t;
                    direct[rep] = d;
                }
            }
        } finally {
            spark.stop();
        }
    }
}
