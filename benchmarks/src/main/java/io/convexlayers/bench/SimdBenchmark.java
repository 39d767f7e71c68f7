// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.bench;

import io.convexlayers.backend.Backends;
import io.convexlayers.data.BatchConeProgram;
import io.convexlayers.solver.Algorithm;
import io.convexlayers.solver.BatchSolution;
import io.convexlayers.solver.ExecutionSettings;
import io.convexlayers.solver.Polishing;
import io.convexlayers.solver.SolverSettings;
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
 * The CPU backend's SIMD lane loops on and off ({@link Backends#cpuSimd}): the first-order solve of a
 * workload's batch (eps 1e-6, tiles of 8, all cores). The forks have the Vector API
 * ({@code --add-modules jdk.incubator.vector}); {@code simd = false} turns the loops off in the same
 * kind of JVM, so the two differ in the loops only. Both give the same results bit for bit;
 * {@link SimdSpeedup} times them alternately in one process, single-threaded, and checks the bits.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Xms3g", "-Xmx3g", "-XX:+AlwaysPreTouch"})
public class SimdBenchmark {
    /** Workload name ({@link Workloads#names()}). */
    @Param({"small-qp-n10-b1024", "dense-qp", "socp-n50-b128"})
    public String workload;

    /** Whether the SIMD loops run. */
    @Param({"true", "false"})
    public boolean simd;

    private BatchConeProgram program;
    private SolverSettings settings;

    /** Generates the workload and sets the loops (not timed). */
    @Setup(Level.Trial)
    public void setUp() {
        program = ConvexLayersContender.toConeProgram(Workloads.create(workload));
        settings = SolverSettings.defaults().withPolishing(Polishing.OFF).withEps(ConvexLayersContender.EPS).withAlgorithm(Algorithm.FIRST_ORDER);
        if (Backends.cpuSimd(simd) != simd) {
            throw new IllegalStateException("SIMD loops requested but unavailable: " + Backends.cpuLoops());
        }
    }

    /** Solves the batch. */
    @Benchmark
    public BatchSolution solve() {
        return Backends.cpu().solve(program, settings, ExecutionSettings.defaults(), null, null);
    }
}
