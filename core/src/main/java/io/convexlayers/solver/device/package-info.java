// SPDX-License-Identifier: Apache-2.0
/**
 * The seam between the layer and a backend that makes the cone program's data on its own device:
 * {@link io.convexlayers.solver.device.ParametricBatch} (θ, the structure and the affine maps of A, P,
 * b, c) and {@link io.convexlayers.solver.device.ParametricSolver}, implemented by the CUDA backend.
 * Internal (not exported).
 */
package io.convexlayers.solver.device;
