// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.backend.cuda;

import io.convexlayers.DeviceKernelException;
import io.convexlayers.data.BatchConeProgram;
import io.convexlayers.data.CscMatrix;
import io.convexlayers.diff.DerivativeDevice;
import io.convexlayers.diff.DerivativeIssue;
import io.convexlayers.diff.DerivativeRules;
import io.convexlayers.diff.DerivativeSettings;
import io.convexlayers.diff.kernels.KernelVjp;
import io.convexlayers.solver.BatchSolution;
import io.convexlayers.solver.SolverStatus;

/**
 * The adjoint derivative of a batch on the CUDA backend's device: {@link KernelVjp} over
 * {@link CudaDerivativeKernels}, the whole batch in one lock-step LSQR. A device fault resets the
 * device (as a failed solve does) and, under the backend's fault policy
 * ({@link CudaBackend#ON_FAULT_PROPERTY}), is either thrown or answered by null for the caller's CPU
 * fallback (with a warning); so is a batch that does not fit in device memory (announced). The
 * device does not refine the solutions before differentiating them ({@link DerivativeSettings#refine}
 * is a CPU feature so far, announced once): its gradients are taken at the returned points.
 */
public final class CudaDerivatives {
    private static final System.Logger LOG = System.getLogger("io.convexlayers.backend");
    private static final java.util.Set<String> ANNOUNCED = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private CudaDerivatives() {
    }

    /** Logs a CPU fallback of the derivative once per process and message. */
    public static void announce(String message) {
        if (ANNOUNCED.add(message)) {
            LOG.log(System.Logger.Level.INFO, message);
        }
    }

    /** Logs a device fault during a derivative (every time: each is a reset of the device). */
    public static void warn(String message) {
        LOG.log(System.Logger.Level.WARNING, message);
    }

    /** The fallbacks announced so far in this process. */
    static java.util.Set<String> announced() {
        return java.util.Collections.unmodifiableSet(ANNOUNCED);
    }

    /**
     * dθ (θ-length × batch, batch-minor) and per-instance diagnostics, or null when the device cannot
     * take the batch (out of memory, a fault under the CPU-fallback policy, or the device unusable
     * after an earlier fault).
     *
     * @param tensor the stacked parameter map: rows dA (A's pattern order), db, dc, dP; columns θ, 1
     * @param dx     dL/dx, n × batch batch-minor
     * @param dy     dL/dy, m × batch batch-minor, or null
     * @throws DeviceKernelException when a kernel failed and the policy is to fail (the device has been reset)
     */
    public static KernelVjp.Result vjp(CudaBackend backend, BatchConeProgram program, BatchSolution solution,
                                       CscMatrix tensor, DerivativeSettings settings, double[] dx, double[] dy) {
        int batch = program.batch();
        boolean[] valid = new boolean[batch];
        boolean[] inaccurate = new boolean[batch];
        DerivativeIssue[] kink = new DerivativeIssue[batch];
        double[] y = solution.y().rawData();
        double[] s = solution.s().rawData();
        for (int b = 0; b < batch; b++) {
            SolverStatus status = solution.status(b);
            valid[b] = status.hasSolution();
            inaccurate[b] = valid[b] && status != SolverStatus.SOLVED;
            kink[b] = valid[b] ? DerivativeRules.kinkAt(program, b, y, s, batch, b)
                    : DerivativeIssue.NONE;
        }
        if (settings.refine()) {
            announce("convexlayers: the CUDA backward (LSQR on the device) differentiates the returned solutions as "
                    + "they are: DerivativeSettings.refine runs in the CPU derivative only; each instance's "
                    + "estimatedError and quality say how far its gradient can be trusted");
        }
        synchronized (backend) {
            if (backend.unusable() != null) {
                return null;
            }
            try (CudaDerivativeKernels k = CudaDerivativeKernels.on(backend, program, solution, valid, tensor)) {
                return KernelVjp.run(k, settings, dx, dy, valid, inaccurate, kink, DerivativeDevice.CUDA);
            } catch (OutOfDeviceMemoryException e) {
                backend.pool().releaseIdle();
                return null;
            } catch (DeviceKernelException e) {
                backend.recoverFrom(e);
                if (!backend.cpuOnFault()) {
                    throw e;
                }
                warn("convexlayers: " + e.getMessage() + "; the device was reset; this backward pass runs on the CPU");
                return null;
            }
        }
    }
}
