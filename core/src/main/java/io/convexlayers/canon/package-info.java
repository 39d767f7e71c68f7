// SPDX-License-Identifier: Apache-2.0
/**
 * Compilation of a {@link io.convexlayers.dsl.Problem} into a
 * {@link io.convexlayers.canon.ParametricConeProgram} (DESIGN §3): canonicalization of every atom
 * into cones ({@code AtomGraphs}, {@code NativeQuadratics}), stuffing into rows of A and b in cone
 * order, and one sort/merge into fixed sparsity patterns and parameter maps
 * (T_A, T_b, T_c, T_P, T_d) from [θ; 1] to the cone program's data. Entry point:
 * {@link io.convexlayers.canon.Compiler#compile}, usually reached through
 * {@link io.convexlayers.dsl.Problem#compile()}.
 */
package io.convexlayers.canon;
