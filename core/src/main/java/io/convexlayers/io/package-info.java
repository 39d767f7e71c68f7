// SPDX-License-Identifier: Apache-2.0
/**
 * Readers of optimization problem files (MPS, QPS, CBF, SDPA sparse) that turn a file into a
 * {@link io.convexlayers.data.ConeProgram} in SCS form plus the map back to the file's own
 * variables and objective ({@link io.convexlayers.io.FileProblem}). Entry point:
 * {@link io.convexlayers.io.ProblemReader}. Malformed files give a
 * {@link io.convexlayers.io.ProblemFormatException} naming the file, the line and what was expected;
 * sizes are bounded by {@link io.convexlayers.io.ReaderLimits}.
 */
package io.convexlayers.io;
