// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.layer;

import io.convexlayers.canon.ParametricConeProgram;
import io.convexlayers.data.BatchArray;
import io.convexlayers.diff.DerivativeInfo;
import io.convexlayers.diff.DerivativeSettings;
import io.convexlayers.diff.SolutionDerivative;
import io.convexlayers.diff.VjpResult;
import io.convexlayers.diff.kernels.KernelVjp;
import io.convexlayers.dsl.Parameter;
import io.convexlayers.solver.BatchSolution;

import java.util.List;

/**
 * The backward pipeline of one call (DESIGN §1, §6): the adjoint of the output gathers (scatter
 * the row-major output gradients straight into batch-minor dx and dy), the batched adjoint
 * derivative of the solution map (dA, db, dc, dP, batch-minor), and the transposed parameter map
 * dθ = Tᵀ·(dA, db, dc, dP) — batched for the data parts that vary across the batch, once on the
 * batch-summed gradient for the parts shared by the batch — and finally per-parameter gradients in
 * the user's row-major layout (summed over the batch for broadcast parameters). Instances without a
 * solution contribute nothing. Nothing is converted to per-instance rows on the way. On a CUDA
 * layer whose derivative is solved by LSQR ({@link DeviceBackward}) the derivative and the adjoint
 * parameter map run on the device instead and return dθ per instance, split here per parameter.
 */
final class BackwardPass {
    private BackwardPass() {
    }

    static Gradients run(LayerResult result, DerivativeSettings settings, double[][] dOutputs) {
        long t0 = System.nanoTime();
        ConvexLayer layer = result.layer();
        ParametricConeProgram program = layer.program();
        List<LayerOutput> outs = layer.outputs();
        int batch = result.batchSize();
        BatchSolution solution = result.rawSolution();
        checkArrays(result, outs, dOutputs);

        int n = program.n();
        int m = program.m();
        boolean anyDual = false;
        for (LayerOutput o : outs) {
            anyDual |= o.isDual();
        }
        if (layer.isGeometric()) {
            dOutputs = chainExp(result, outs, dOutputs);
        }
        double[] dx = new double[n * batch];
        double[] dy = anyDual ? new double[m * batch] : null;
        for (int b = 0; b < batch; b++) {
            if (!solution.status(b).hasSolution()) {
                continue; // stays zero: zero cotangent (its entries may be NaN), zero gradient
            }
            for (int k = 0; k < outs.size(); k++) {
                double[] g = dOutputs[k];
                if (g != null) {
                    LayerOutput o = outs.get(k);
                    o.scatterAdd(g, b * o.size(), dx, dy, batch, b);
                }
            }
        }
        double[][] perParameter;
        DerivativeInfo[] info;
        KernelVjp.Result device = DeviceBackward.tryRun(result, settings, dx, dy);
        if (device != null) {
            perParameter = splitParameters(result, device.dTheta());
            info = device.info();
        } else {
            // dP and dA only where the parameters reach P and A: the parameter map's adjoint reads nothing else.
            ParametricConeProgram map = layer.program();
            VjpResult vjp = SolutionDerivative.at(result.data(), solution, settings, layer.execution())
                    .vjp(BatchArray.batchMinor(n, batch, dx),
                            dy == null ? null : BatchArray.batchMinor(m, batch, dy), null,
                            map.pDependsOnParameters(), map.tensorA().dependsOnParameters());
            perParameter = adjointParameters(result, vjp);
            info = vjp.info();
        }
        if (layer.isGeometric()) {
            divideByTheta(result, perParameter);
        }
        return new Gradients(layer, result.inputs(), perParameter, info, (System.nanoTime() - t0) * 1e-9);
    }

    /**
     * Per-parameter gradients from dθ of every instance (batch-minor, all data parts through the
     * adjoint map): a batched parameter takes its instance's values, a broadcast one their batch sum.
     */
    private static double[][] splitParameters(LayerResult result, double[] dTheta) {
        ParametricConeProgram program = result.layer().program();
        int batch = result.batchSize();
        List<Parameter> params = result.layer().programParameters();
        double[][] out = new double[params.size()][];
        for (int k = 0; k < params.size(); k++) {
            int off = program.parameterOffset(params.get(k));
            int s = params.get(k).size();
            boolean batched = result.inputs().parameterBatched(k);
            double[] g = new double[batched ? batch * s : s];
            for (int i = 0; i < s; i++) {
                int row = (off + i) * batch;
                for (int b = 0; b < batch; b++) {
                    if (batched) {
                        g[b * s + i] = dTheta[row + b];
                    } else {
                        g[i] += dTheta[row + b];
                    }
                }
            }
            out[k] = g;
        }
        return out;
    }

    private static void checkArrays(LayerResult result, List<LayerOutput> outs, double[][] dOutputs) {
        if (dOutputs == null || dOutputs.length != outs.size()) {
            throw new LayerArgumentException("backward takes " + outs.size() + (outs.size() == 1 ? " array" : " arrays")
                    + ", one per output in the order " + outs + " (null for a zero gradient), but "
                    + (dOutputs == null ? "null" : String.valueOf(dOutputs.length)) + " were given");
        }
        int batch = result.batchSize();
        for (int k = 0; k < outs.size(); k++) {
            double[] g = dOutputs[k];
            if (g == null) {
                continue;
            }
            int s = outs.get(k).size();
            if (g.length != s * batch) {
                throw new LayerArgumentException("the gradient for output " + outs.get(k) + " must have "
                        + (result.isBatched() ? batch + " × " + s + " = " + s * batch : String.valueOf(s))
                        + " entries (the shape of its value), but has " + g.length);
            }
            for (int b = 0; b < batch; b++) {
                if (!result.status(b).hasSolution()) {
                    continue;
                }
                for (int i = 0; i < s; i++) {
                    double v = g[b * s + i];
                    if (!Double.isFinite(v)) {
                        throw new LayerArgumentException("the gradient for output " + outs.get(k)
                                + (result.isBatched() ? ", instance " + b : "") + ", entry "
                                + LayerInputs.position(outs.get(k).shape(), i) + " is " + v + ": gradients must be finite");
                    }
                }
            }
        }
    }

    /** dθ through the transposed parameter map, split per parameter (argument order, user layout). */
    private static double[][] adjointParameters(LayerResult result, VjpResult vjp) {
        ParametricConeProgram program = result.layer().program();
        DataSharing sharing = result.sharing();
        int batch = result.batchSize();
        // The derivative's results are batch-minor, as adjointThetaBatch takes them.
        double[] dThetaBatch = program.adjointThetaBatch(
                sharing.aVaries() ? vjp.dA().rawData() : null,
                sharing.bVaries() ? vjp.db().rawData() : null,
                sharing.cVaries() ? vjp.dc().rawData() : null,
                sharing.pVaries() && vjp.dP() != null ? vjp.dP().rawData() : null, batch);
        double[] dThetaShared = program.adjointTheta(
                shared(program.tensorA().dependsOnParameters() && !sharing.aVaries(), vjp.dA()),
                shared(program.tensorB().dependsOnParameters() && !sharing.bVaries(), vjp.db()),
                shared(program.tensorC().dependsOnParameters() && !sharing.cVaries(), vjp.dc()),
                shared(program.pDependsOnParameters() && !sharing.pVaries(), vjp.dP()));
        List<Parameter> params = result.layer().programParameters();
        double[][] out = new double[params.size()][];
        for (int k = 0; k < params.size(); k++) {
            Parameter p = params.get(k);
            int off = program.parameterOffset(p);
            int s = p.size();
            if (result.inputs().parameterBatched(k)) {
                double[] g = new double[batch * s];
                for (int i = 0; i < s; i++) {
                    int row = (off + i) * batch;
                    for (int b = 0; b < batch; b++) {
                        g[b * s + i] = dThetaBatch[row + b];
                    }
                }
                out[k] = g;
            } else {
                double[] g = new double[s];
                for (int i = 0; i < s; i++) {
                    int row = (off + i) * batch;
                    double acc = dThetaShared[off + i];
                    for (int b = 0; b < batch; b++) {
                        acc += dThetaBatch[row + b];
                    }
                    g[i] = acc;
                }
                out[k] = g;
            }
        }
        return out;
    }

    /** dL/du = x ⊙ dL/dx for the outputs read as x = exp(u) (instances without a solution are skipped later). */
    private static double[][] chainExp(LayerResult result, List<LayerOutput> outs, double[][] dOutputs) {
        double[][] chained = dOutputs.clone();
        for (int k = 0; k < outs.size(); k++) {
            if (chained[k] != null && outs.get(k).exponential()) {
                double[] x = result.valuesView(k);
                double[] g = new double[x.length];
                for (int i = 0; i < g.length; i++) {
                    g[i] = dOutputs[k][i] * x[i];
                }
                chained[k] = g;
            }
        }
        return chained;
    }

    /**
     * dL/dθ = (dL/dφ) / θ for φ = log θ: per instance for batched parameters, once for broadcast ones
     * (their θ is the same for every instance, so dividing the batch sum is exact).
     */
    private static void divideByTheta(LayerResult result, double[][] perParameter) {
        ParametricConeProgram program = result.layer().program();
        List<Parameter> slots = result.layer().programParameters();
        double[] phi = result.inputs().theta();
        int batch = result.batchSize();
        for (int k = 0; k < slots.size(); k++) {
            int off = program.parameterOffset(slots.get(k));
            int s = slots.get(k).size();
            boolean batched = result.inputs().parameterBatched(k);
            double[] g = perParameter[k];
            for (int b = 0; b < (batched ? batch : 1); b++) {
                for (int i = 0; i < s; i++) {
                    g[b * s + i] /= Math.exp(phi[(off + i) * batch + b]);
                }
            }
        }
    }

    /** The batch sum of a batch-minor gradient, or null when the part needs no shared adjoint. */
    private static double[] shared(boolean wanted, BatchArray g) {
        if (!wanted || g == null) {
            return null;
        }
        int batch = g.batch();
        double[] data = g.rawData();
        double[] out = new double[g.length()];
        for (int i = 0; i < out.length; i++) {
            double acc = 0;
            for (int b = 0; b < batch; b++) {
                acc += data[i * batch + b];
            }
            out[i] = acc;
        }
        return out;
    }
}
