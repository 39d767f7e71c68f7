// SPDX-License-Identifier: Apache-2.0
/**
 * Differentiable convex optimization layers (Agrawal et al. 2019): {@link io.convexlayers.layer.ConvexLayer}
 * maps a batch of parameter values to the solutions of a DPP problem ({@code forward}) and maps
 * gradients of a loss with respect to those solutions back to gradients with respect to the
 * parameters ({@code backward}).
 *
 * <pre>{@code
 * ConvexLayer layer = ConvexLayer.builder(problem).parameters(q, G, h).outputs(x).build();
 * LayerResult out = layer.forward(qBatch, gShared, hBatch);   // row-major, leading batch dimension
 * Gradients g = out.backward(dLossDx);
 * double[] dG = g.of(G);                                      // summed over the batch: G was broadcast
 * }</pre>
 *
 * <p>The pipeline (DESIGN §1): {@code LayerInputs} validates the arrays and lays θ out
 * batch-minor; {@code ForwardPass} applies the parameter map T·[θ; 1], solves the batch on the
 * layer's {@link io.convexlayers.solver.Backend} and gathers the outputs from the batch-minor
 * solution into row-major arrays; {@code BackwardPass} scatters the row-major output gradients
 * into batch-minor dx and dy, runs the batched adjoint derivative
 * ({@link io.convexlayers.diff.SolutionDerivative#vjp}) and the transposed parameter map. The
 * forward solve and the derivative run on the layer's one
 * {@link io.convexlayers.solver.ExecutionSettings}.
 */
package io.convexlayers.layer;
