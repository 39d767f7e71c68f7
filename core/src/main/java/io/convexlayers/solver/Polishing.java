// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.solver;

import io.convexlayers.data.ConeDims;

/**
 * Whether first-order solutions are polished ({@link SolverSettings#polishing()}): moved to the exact
 * solution after the solve, each instance kept only where its residuals fall and reported per instance
 * ({@link PolishStatus}). With zero and nonnegative cones only, the polisher solves the KKT system of
 * the guessed active set (also tried during the iteration); with other cones it takes Newton steps on
 * the residual map ({@code diff.ResidualMapPolisher}). Interior-point solutions are never polished:
 * they are within 1e-7 of exact already, and the backward pass refines them.
 *
 * <p>Measured cost, polished ÷ unpolished forward time at eps 1e-5 on two cores
 * ({@code benchmarks/RESULTS.md}, "Polishing by default" and "Polishing by whole tiles"): 1.0–1.3× on
 * small second-order-cone and power-cone programs; 0.82–1.12× on batches of small dense LPs and QPs
 * (17.5× on the paper's sparse QP, whose polisher is the sparse LDLᵀ), 1.7–3.1× with exponential cones
 * and 7.6× with PSD cones, where one dense factorization of the active block costs more than the whole
 * first-order solve; 1.7× on an SOCP with n = 400 whose steps all fail.
 */
public enum Polishing {
    /** Never polish. */
    OFF,
    /**
     * Polish where it was measured to pay ({@link #polishes}): programs with second-order or power
     * cones and no exponential or PSD cone, whose n + m is at most {@link #AUTO_MAX_SIZE} (or, without
     * power cones, whose n is at most {@link #AUTO_MAX_FACE_ORDER}); and on the
     * CPU backend LP and QP batches of at least eight instances whose polisher uses the dense
     * factorization ({@code SolutionPolisher.Workspace.polishes}). The default.
     */
    AUTO,
    /** Polish every first-order solution, whatever it costs. */
    ON;

    /**
     * The largest n + m that {@link #AUTO} polishes: beyond the derivative's dense active block
     * (600 coordinates by default) the steps are inexact LSQR solves, and on socp-n400 (n + m = 1524)
     * polishing cost 1.7× and moved no instance.
     */
    public static final int AUTO_MAX_SIZE = 600;
    /**
     * Beyond {@link #AUTO_MAX_SIZE}, the largest n that {@link #AUTO} polishes where the cones are zero,
     * nonnegative and second-order only: there the steps are the cone-face Newton steps (one dense
     * factorization of order n per lane and step), and on socp-n200-b16 (n + m = 764) polishing cost
     * 1.04–1.06× the unpolished solve and moved 14 of 16 instances, the median residual from 4.4e-4 to
     * 1.7e-9 (benchmarks/RESULTS.md, "Polishing second-order-cone programs by their cones' faces").
     */
    public static final int AUTO_MAX_FACE_ORDER = 200;

    /** Whether first-order solutions of programs of this shape are polished. */
    public boolean polishes(ConeDims cones, int n, int m) {
        return switch (this) {
            case OFF -> false;
            case ON -> true;
            case AUTO -> (cones.soc().length > 0 || cones.power().length > 0) && cones.exp() == 0
                    && cones.dualExp() == 0 && cones.psd().length == 0
                    && (n + m <= AUTO_MAX_SIZE || cones.power().length == 0 && n <= AUTO_MAX_FACE_ORDER);
        };
    }
}
