// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.bench;

import io.convexlayers.backend.Backends;
import io.convexlayers.data.BatchConeProgram;
import io.convexlayers.solver.BatchSolution;
import io.convexlayers.solver.ExecutionSettings;
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
 * Lane compaction on and off ({@link ExecutionSettings#compactLanes()}) in one process: the CPU
 * first-order solve of a workload's batch (eps 1e-6, tiles of 8, all cores). Both settings give the
 * same results bit for bit; {@link LaneWork} prints the deterministic part of the comparison, the
 * lane-iterations each computes.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
// A fixed, pre-touched heap: compaction allocates the narrower tile's arrays, and first touches of
// a growing heap's pages cost more than the copies themselves (measured 10x on the dev machine).
@Fork(value = 1, jvmArgsAppend = {"-Xms3g", "-Xmx3g", "-XX:+AlwaysPreTouch"})
public class LaneCompactionBenchmark {
    /** Workload name ({@link Workloads#names()}). */
    @Param({"socp-n50-b128", "dense-qp"})
    public String workload;

    /** Whether finished lanes are compacted away. */
    @Param({"true", "false"})
    public boolean compact;

    private BatchConeProgram program;
    private SolverSettings settings;
    private ExecutionSettings execution;

    /** Generates the workload (not timed). */
    @Setup(Level.Trial)
    public void setUp() {
        program = ConvexLayersContender.toConeProgram(Workloads.create(workload));
        settings = LaneWork.settings();
        execution = ExecutionSettings.defaults().withCompactLanes(compact);
    }

    /** Solves the batch. */
    @Benchmark
    public BatchSolution solve() {
        return Backends.cpu().solve(program, settings, execution, null, null);
    }
}
