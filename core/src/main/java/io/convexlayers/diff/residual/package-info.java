// SPDX-License-Identifier: Apache-2.0
/**
 * The Jacobian of the residual map of a cone program at a solution (DESIGN §6), applied matrix-free on
 * host arrays: the one CPU implementation of M and Mᵀ, shared by {@code io.convexlayers.diff} and the
 * CPU side of the derivative SPI. Internal (not exported).
 */
package io.convexlayers.diff.residual;
