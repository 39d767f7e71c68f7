// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.layer;

import io.convexlayers.canon.ParametricConeProgram;
import io.convexlayers.data.BatchConeProgram;
import io.convexlayers.solver.BatchSolution;
import io.convexlayers.solver.SolverSettings;
import io.convexlayers.solver.WarmStart;

/**
 * The forward pipeline of one call (DESIGN §1): validate and lay out θ ({@link LayerInputs}),
 * apply the parameter map T·[θ; 1] ({@link DataSharing}), solve the batch on the layer's backend
 * (optionally warm started), and wrap everything the outputs and the backward pass need in a
 * {@link LayerResult}. Stateless; all per-call state lives in the result.
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
        BatchConeProgram data = sharing.instantiate(program, inputs.theta(), batch);
        double[] offsets = sharing.offsets(program, inputs.theta(), batch);
        long t1 = System.nanoTime();

        SolverSettings settings = options.settings() != null ? options.settings() : layer.settings();
        boolean warm = options.warmStart() != null ? options.warmStart() : layer.warmStart();
        WarmStart start = warm ? layer.warmStartFor(batch) : null;
        BatchSolution solution = layer.backend().solve(data, settings, layer.execution(), start, null);
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
