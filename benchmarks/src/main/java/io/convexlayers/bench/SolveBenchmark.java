package io.convexlayers.bench;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Time of one batch: {@link #forward} (solve every instance) and {@link #forwardBackward} (solve,
 * then the gradient of a fixed loss with respect to q). Workload × contender pairs a contender does
 * not support fail in setup with the reason (JMH reports it and goes on); {@code run.sh} passes only
 * supported pairs. {@link Validate} checks every pair's optimum before the timed run.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xmx8g"})
public class SolveBenchmark {
    /** Workload name ({@link Workloads#names()}). */
    @Param({"dense-qp"})
    public String workload;

    /** Contender name ({@link Contenders#names()}). */
    @Param({"convexlayers"})
    public String contender;

    private Contender.Prepared prepared;
    private double[][] dx;

    /** Generates the workload and prepares the contender (not timed). */
    @Setup(Level.Trial)
    public void setUp() {
        QpBatch w = Workloads.create(workload);
        Contender c = Contenders.byName(contender);
        String why = c.unsupportedReason(w);
        if (why != null) {
            throw new IllegalStateException("skipped: " + contender + " on " + workload + ": " + why);
        }
        prepared = c.prepare(w);
        dx = Validate.lossGradient(w);
    }

    /** Solves the batch. */
    @Benchmark
    public double[][] forward() {
        return prepared.forward();
    }

    /** Solves the batch and back-propagates dloss/dx to dloss/dq. */
    @Benchmark
    public double[][] forwardBackward() {
        return prepared.forwardBackward(dx);
    }
}
