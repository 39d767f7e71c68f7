// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.layer;

import io.convexlayers.canon.ParametricConeProgram;
import io.convexlayers.data.BatchConeProgram;
import io.convexlayers.solver.BatchSolution;
import io.convexlayers.solver.SolverSettings;
import io.convexlayers.solver.WarmStart;
import io.convexlayers.solver.device.ParametricBatch;
import io.convexlayers.solver.device.ParametricSolver;

import java.util.function.Supplier;

/**
 * The forward pipeline of one call (DESIGN §1): validate and lay out θ ({@link LayerInputs}),
 * apply the parameter map T·[θ; 1] ({@link DataSharing}), solve the batch on the layer's backend
 * (optionally warm started), and wrap everything the outputs and the backward pass need in a
 * {@link LayerResult}. A backend that is a {@link ParametricSolver} (CUDA) gets θ and the maps and
 * applies them on its device; the host data is then made only when the backward pass asks for it.
 * Stateless; all per-call state lives in the result.
 */
final class ForwardPass {
    private ForwardPass() {
    }

    static LayerResult run(ConvexLayer layer, ForwardOptions options, double[][] values) {
        long t0 = System.nanoTime();
        ParametricConeProgram program = layer.program();
        LayerInputs inputs = LayerInputs.bind(program, layer.parameters(), layer.programParameters(),
                layer.isGeometric(), values, options.batchSize());
        int batch = inputs.batch();
        DataSharing sharing = layer.sharing(inputs);
        double[] offsets = sharing.offsets(program, inputs.theta(), batch);
        SolverSettings settings = options.settings() != null ? options.settings() : layer.settings();
        boolean warm = options.warmStart() != null ? options.warmStart() : layer.warmStart();
        WarmStart start = warm ? layer.warmStartFor(batch) : null;
        ParametricSolver device = ParametricSolver.of(layer.backend());
        Supplier<BatchConeProgram> data;
        long t1;
        BatchSolution solution;
        if (device != null) {
            // The backend applies the map where it solves: θ goes there, not the instantiated data; the
            // host data is made only if something asks for it (the backward pass, a CPU fallback).
            ParametricBatch mapped = sharing.parametric(program, inputs.theta(), batch);
            data = mapped::hostProgram;
            t1 = System.nanoTime();
            solution = device.solve(mapped, settings, layer.execution(), start, null);
        } else {
            BatchConeProgram host = sharing.instantiate(program, inputs.theta(), batch);
            data = () -> host;
            t1 = System.nanoTime();
            solution = layer.backend().solve(host, settings, layer.execution(), start, null);
        }
        if (warm) {
            layer.remember(solution);
        }
        long t2 = System.nanoTime();

        LayerResult result = new LayerResult(layer, inputs, sharing, data, solution, offsets,
                (t1 - t0) * 1e-9, (t2 - t1) * 1e-9, start != null);
        if (layer.failurePolicy() == FailurePolicy.THROW && result.failedInstances().length > 0) {
            throw new LayerSolveException(result);
        }
        return result;
    }
}
