// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.backend;

import io.convexlayers.BackendUnavailableException;
import io.convexlayers.backend.cpu.CpuBackend;
import io.convexlayers.batch.LaneSimd;
import io.convexlayers.backend.cuda.CudaBackend;
import io.convexlayers.solver.Backend;

/**
 * Backend selection, in one place: the pure-Java CPU backend, the CUDA backend, or the best one
 * available here. Everything else in the library receives a {@link Backend} and never asks which.
 */
public final class Backends {
    private static final System.Logger LOG = System.getLogger("io.convexlayers.backend");
    private static String fallbackMessage;
    private static int fallbackLogs;

    private Backends() {
    }

    /** The pure-Java backend (threads and tile width come with each solve: {@code ExecutionSettings}). */
    public static Backend cpu() {
        return CpuBackend.INSTANCE;
    }

    /**
     * The CUDA backend on the first GPU (JCuda driver API and the PTX kernels shipped in the jar).
     *
     * @throws BackendUnavailableException saying why when there is no usable driver, device or module
     */
    public static Backend cuda() {
        return CudaBackend.open();
    }

    /**
     * The CUDA backend when a device, the driver and the PTX module are present; otherwise the CPU
     * backend, after one log line per process saying why CUDA was not used. Never throws.
     */
    public static synchronized Backend auto() {
        String reason = CudaBackend.unavailableReason();
        if (reason == null) {
            return CudaBackend.open();
        }
        if (fallbackMessage == null) {
            fallbackMessage = "convexlayers: using the CPU backend; CUDA backend unavailable: " + reason;
            fallbackLogs++;
            LOG.log(System.Logger.Level.INFO, fallbackMessage);
        }
        return cpu();
    }

    /**
     * Which lane loops the CPU backend runs: SIMD (the JDK's Vector API, when the JVM was started with
     * {@code --add-modules jdk.incubator.vector} on a processor with 256- or 512-bit vectors) or scalar, and
     * why. Both give the same bits; SIMD is faster on batches (see the README).
     */
    public static String cpuLoops() {
        return LaneSimd.description();
    }

    /**
     * Turns the CPU backend's SIMD loops off or (where this JVM offers them) back on, for comparisons
     * in one process; results do not change.
     *
     * @return whether SIMD loops now run
     */
    public static boolean cpuSimd(boolean on) {
        LaneSimd.setEnabled(on);
        return LaneSimd.kernels() != null;
    }

    /**
     * Turns the CPU interior-point method's lock-step tiles off or back on (on by default; the system
     * property {@code convexlayers.ipm.tiles=false} starts with them off), for comparisons in one
     * process. Off, every instance is solved on its own; the results agree to solver accuracy (the
     * tiles do not pivot, so the last digits differ).
     *
     * @return the previous setting
     */
    public static boolean cpuIpmTiles(boolean on) {
        return io.convexlayers.solver.ipm.InteriorPointSolver.useTiles(on);
    }

    /** Why CUDA cannot run here, or null when it can. Probes once per process. */
    public static String cudaUnavailableReason() {
        return CudaBackend.unavailableReason();
    }

    /** The message {@link #auto()} logged, or null when it has not fallen back. */
    static synchronized String fallbackMessage() {
        return fallbackMessage;
    }

    /** How many times the fallback was logged (at most once per process). */
    static synchronized int fallbackLogs() {
        return fallbackLogs;
    }
}
