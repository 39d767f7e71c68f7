package io.convexlayers.backend;

import io.convexlayers.backend.cpu.CpuBackend;
import io.convexlayers.backend.cuda.CudaBackend;
import io.convexlayers.solver.BatchConeProgram;
import io.convexlayers.solver.BatchSolution;
import io.convexlayers.solver.IterationListener;
import io.convexlayers.solver.SolverSettings;
import io.convexlayers.solver.WarmStart;

/**
 * Where the batched numerics run. The algorithms are written once (against {@link HsdeKernels});
 * a backend supplies the kernels and decides how a batch is laid out over its hardware: the CPU
 * backend solves tiles of a few instances, one tile per core; a GPU backend solves the whole batch.
 */
public interface Backend {

    /** A short name for logs: "cpu", "cuda". */
    String name();

    /**
     * Solves every instance of a batch.
     *
     * @param warmStart per-instance starting points, or null
     * @param listener  progress of the first instance, or null
     */
    BatchSolution solve(BatchConeProgram batch, SolverSettings settings, WarmStart warmStart,
                        IterationListener listener);

    /** The pure-Java backend using all cores (or {@link SolverSettings#threads()}). */
    static Backend cpu() {
        return CpuBackend.INSTANCE;
    }

    /**
     * The CUDA backend on the first GPU (JCuda driver API and the PTX kernels shipped in the jar).
     *
     * @throws BackendUnavailableException saying why when there is no usable driver, device or module
     */
    static Backend cuda() {
        return CudaBackend.open();
    }

    /**
     * The CUDA backend when a device, the driver and the PTX module are present; otherwise the CPU
     * backend, after one log line per process saying why CUDA was not used. Never throws.
     */
    static Backend auto() {
        return CudaBackend.autoSelect();
    }
}
