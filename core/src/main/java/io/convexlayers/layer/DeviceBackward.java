// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.layer;

import io.convexlayers.backend.cuda.CudaBackend;
import io.convexlayers.backend.cuda.CudaDerivatives;
import io.convexlayers.canon.ParameterMap;
import io.convexlayers.canon.ParametricConeProgram;
import io.convexlayers.data.CscMatrix;
import io.convexlayers.diff.DerivativeMode;
import io.convexlayers.diff.DerivativeSettings;
import io.convexlayers.diff.SolutionDerivative;
import io.convexlayers.diff.kernels.KernelVjp;

import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * Where a layer's adjoint derivative runs: on the CUDA device when the layer's backend is CUDA and
 * the derivative is solved by LSQR — mode {@link DerivativeMode#LSQR}, or AUTO when its per-tile
 * choice is LSQR everywhere ({@code SolutionDerivative.solvesByLsqrOnly}) — as LSQR over device
 * vectors, then the adjoint parameter map on the device, dθ out; otherwise on the CPU, for a CUDA
 * layer announced once per process and reason in the log (the dense and sparse active-block solves
 * of DENSE, SPARSE and AUTO are CPU-only; a device fault or a batch too large for the device memory
 * falls back too). Each instance's {@code DerivativeInfo.device} says where it ran.
 */
final class DeviceBackward {
    /** The stacked parameter map per compiled program (immutable, shared by the layers over it). */
    private static final Map<ParametricConeProgram, CscMatrix> STACKED =
            Collections.synchronizedMap(new WeakHashMap<>());

    private DeviceBackward() {
    }

    /**
     * dθ (θ-length × batch, batch-minor) and diagnostics from the device, or null when the derivative
     * is to run on the CPU.
     */
    static KernelVjp.Result tryRun(LayerResult result, DerivativeSettings settings, double[] dx, double[] dy) {
        if (!(result.layer().backend() instanceof CudaBackend cuda)) {
            return null;
        }
        if (settings.mode() == DerivativeMode.DENSE || settings.mode() == DerivativeMode.SPARSE) {
            CudaDerivatives.announce("convexlayers: derivative mode " + settings.mode() + " runs on the CPU (the CUDA"
                    + " backend's device runs LSQR; the active-block solves are CPU-only)");
            return null;
        }
        if (settings.mode() == DerivativeMode.AUTO && !SolutionDerivative.at(result.data(), result.rawSolution(),
                settings, result.layer().execution()).solvesByLsqrOnly()) {
            CudaDerivatives.announce("convexlayers: derivative mode AUTO picked an active-block solve, which runs on"
                    + " the CPU (the CUDA backend's device runs LSQR)");
            return null;
        }
        ParametricConeProgram program = result.layer().program();
        KernelVjp.Result r = CudaDerivatives.vjp(cuda, result.data(), result.rawSolution(),
                STACKED.computeIfAbsent(program, DeviceBackward::stacked), settings, dx, dy);
        if (r == null) {
            CudaDerivatives.announce("convexlayers: a backward pass did not run on the CUDA device (out of device"
                    + " memory, a fault, or the device unusable); it ran on the CPU");
        }
        return r;
    }

    /**
     * T_A, T_b, T_c and T_P stacked by rows (the order of the device's data cotangent: A's values in
     * pattern order, b, c, P's values), columns θ and the constant.
     */
    static CscMatrix stacked(ParametricConeProgram program) {
        ParameterMap[] parts = {program.tensorA(), program.tensorB(), program.tensorC(), program.tensorP()};
        int nnz = 0;
        int rows = 0;
        for (ParameterMap t : parts) {
            if (t != null) {
                nnz += t.nnz();
                rows += t.rows();
            }
        }
        int[] ri = new int[nnz];
        int[] ci = new int[nnz];
        double[] v = new double[nnz];
        int k = 0;
        int offset = 0;
        for (ParameterMap t : parts) {
            if (t == null) {
                continue;
            }
            for (int r = 0; r < t.rows(); r++) {
                for (int q = t.rowStart(r); q < t.rowStart(r + 1); q++) {
                    ri[k] = offset + r;
                    ci[k] = t.colIndex(q);
                    v[k] = t.value(q);
                    k++;
                }
            }
            offset += t.rows();
        }
        return CscMatrix.fromTriplets("T", rows, program.thetaLength() + 1, ri, ci, v);
    }
}
