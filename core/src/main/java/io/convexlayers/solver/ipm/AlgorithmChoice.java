// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.solver.ipm;

import io.convexlayers.data.BatchConeProgram;
import io.convexlayers.data.ConeDims;
import io.convexlayers.data.SparsePattern;
import io.convexlayers.solver.Algorithm;
import io.convexlayers.solver.SolverSettings;

/**
 * Resolves {@link SolverSettings#algorithm()} for one batch. {@link Algorithm#AUTO} takes the
 * interior-point method, from the crossovers measured in {@code benchmarks/RESULTS.md} ("Interior
 * point versus first order" and "Collections"), for programs without second-order cones, solved
 * cold, and
 * <ul>
 *   <li>any size when the batch holds at most {@link #AUTO_MAX_BATCH_ANY_SIZE} instances (single
 *       problems, as the CLI and the collection runner solve them): one instance gains nothing from
 *       lanes, and the first-order method stalls on hard LPs and QPs — NETLIB 38 of 83 solved by
 *       it, 79 by the interior-point method, at eps 1e-6 and 10 s per problem;</li>
 *   <li>LPs (no P) factored sparsely ({@link NewtonSystemChoice#SPARSE}) or with
 *       n + (zero rows) ≤ {@link #AUTO_MAX_ORDER_LP}: the first-order method needs thousands of
 *       iterations there (3.8–8.1× forward, 2.7–5.1× with the backward pass at n = 50, B = 128);</li>
 *   <li>QPs with n + (zero rows) ≤ {@link #AUTO_MAX_ORDER_QP}: after the dense-A paths of the
 *       interior-point method, single-thread CPU time interior point ÷ first order at eps 1e-6 is
 *       0.57 at n = 10 (B = 128), 0.70 at n = 50 (B = 128) and 0.93 at n = 100 (B = 16), and the
 *       interior-point solution (1e-10) gives gradients the derivative flags ACCURATE where the
 *       first-order one at the default tolerance does not; the dense QP of n = 128, which the
 *       first-order method solves in about 100 iterations, stays with it (2.2× faster at 1e-9).
 *       With the interior-point method in lock-step tiles the ratios became 0.41–0.63 at n = 10,
 *       0.81–0.86 at n = 50, 0.96–0.99 at n = 100 and 3.4 on that dense QP ("The interior-point
 *       method in lock-step tiles"): the same side of 1, so the rule stands. After the SIMD
 *       factorizations (session 16, "Crossover after the SIMD interior point") they are 0.69–0.72 at
 *       n = 100, 0.58 at n = 150 and 0.50 at n = 200 on the random QPs, but 2.1 on the dense QP
 *       (n = 128, 77 first-order iterations): size alone does not separate the two, so the rule
 *       stays where both sides agree;</li>
 * </ul>
 * the dense cases of the last two only with n + m ≤ 2000 (the full Newton system, the fallback where
 * the dense reduction loses accuracy, stays dense). SOCPs follow the size rules (not the first two:
 * their Newton system is always dense, so a large single SOCP stays first-order), and so do programs
 * with PSD cones of order at most {@link #AUTO_MAX_PSD_ORDER}, when the requested
 * tolerance is at least {@link #SOC_MIN_EPS}: on the LP-with-four-cones batch (n = 50, B = 128) the
 * interior-point method takes 13 iterations and 0.68× the first-order method's single-thread CPU time
 * at eps 1e-6, with residuals 2e-8 against 2.5e-5 (in lock-step tiles, session 16: see
 * {@code benchmarks/RESULTS.md}, "Second-order cones in lock-step tiles"); tighter requests stay first-order, because on some
 * SOCPs the interior-point method's last Newton systems lose accuracy near 1e-8 where the first-order
 * method reaches 1e-9. A warm start always goes first-order (an interior-point method cannot use a
 * previous solution as its start). An explicit {@link Algorithm#INTERIOR_POINT} on a batch it does not
 * support falls back to the first-order method (the caller announces it).
 *
 * <p>The CUDA backend takes the same choice (from the batch's shape, {@link #resolve(int, int, int,
 * ConeDims, SparsePattern, SparsePattern, SolverSettings, boolean)}) and runs the interior-point method on
 * the device where its kernel applies (zero and nonnegative cones, a reduced Newton matrix that fits in a
 * block's shared memory); the crossovers above are CPU measurements, and on the GPU the cost model
 * predicts the interior-point method faster on every workload of issue #13 (not yet measured there).
 */
public final class AlgorithmChoice {
    /** Largest n + (zero rows) of an LP that AUTO gives to the interior-point method. */
    public static final int AUTO_MAX_ORDER_LP = 400;
    /** Largest n + (zero rows) of a QP that AUTO gives to the interior-point method. */
    public static final int AUTO_MAX_ORDER_QP = 100;
    /** Batches up to this many instances go to the interior-point method whatever their size. */
    public static final int AUTO_MAX_BATCH_ANY_SIZE = 4;
    /** Tightest requested tolerance (eps_abs and eps_rel) at which AUTO gives SOCPs to the interior-point method. */
    public static final double SOC_MIN_EPS = 1e-8;
    /**
     * Largest PSD cone order that AUTO gives to the interior-point method (with the SOCPs' rules). On
     * random SDP batches with one cone of order d ({@code PsdInteriorPoint}, eps 1e-6, one thread) the
     * interior-point method took 0.70–0.82× the first-order method's time for d = 3 and 5 and 1.04–1.26×
     * for d = 6 … 10 (3.5× at d = 25, 20× on SDPLIB theta1, d = 50): each PSD cone costs O(d³) per column
     * of A it touches, and near the end the reduced system's accuracy runs out and the dense full system
     * (order n + m) takes over. Past the crossover the interior-point method stays available by name,
     * for its accuracy ({@code benchmarks/RESULTS.md}, "PSD cones in the interior-point method").
     */
    public static final int AUTO_MAX_PSD_ORDER = 5;

    private AlgorithmChoice() {
    }

    /** FIRST_ORDER or INTERIOR_POINT for this batch under these settings, solved cold. */
    public static Algorithm resolve(BatchConeProgram batch, SolverSettings settings) {
        return resolve(batch, settings, false);
    }

    /** FIRST_ORDER or INTERIOR_POINT for this batch; {@code warm}: a warm start is given. */
    public static Algorithm resolve(BatchConeProgram batch, SolverSettings settings, boolean warm) {
        return resolve(batch.batch(), batch.n(), batch.m(), batch.cones(), batch.aPattern(), batch.pPattern(), settings,
                warm);
    }

    /**
     * As {@link #resolve(BatchConeProgram, SolverSettings, boolean)} from the batch's shape: its size, n, m,
     * cones and the patterns of A and P (null without P) — for data not instantiated on the host (a layer's
     * batch made on the device from θ).
     */
    public static Algorithm resolve(int batchSize, int n, int m, ConeDims cones, SparsePattern aPattern,
                                    SparsePattern pPattern, SolverSettings settings, boolean warm) {
        NewtonSystemChoice newton = InteriorPointSolver.supports(cones)
                ? NewtonSystemChoice.of(n, m, cones.zero(), cones.soc().length + cones.psd().length, aPattern, pPattern)
                : NewtonSystemChoice.NONE;
        boolean supported = newton != NewtonSystemChoice.NONE;
        return switch (settings.algorithm()) {
            case FIRST_ORDER -> Algorithm.FIRST_ORDER;
            case INTERIOR_POINT -> supported ? Algorithm.INTERIOR_POINT : Algorithm.FIRST_ORDER;
            case AUTO -> supported && socAllowed(cones, settings) && !warm
                    && autoPrefersInteriorPoint(batchSize, n, m, cones, pPattern, newton)
                    ? Algorithm.INTERIOR_POINT : Algorithm.FIRST_ORDER;
        };
    }

    private static boolean socAllowed(ConeDims cones, SolverSettings settings) {
        for (int order : cones.psd()) {
            if (order > AUTO_MAX_PSD_ORDER) {
                return false;
            }
        }
        return !nonPolyhedral(cones) || (settings.epsAbs() >= SOC_MIN_EPS && settings.epsRel() >= SOC_MIN_EPS);
    }

    /** Whether the cones include second-order or PSD cones (a Newton system that stays dense). */
    private static boolean nonPolyhedral(ConeDims cones) {
        return cones.soc().length > 0 || cones.psd().length > 0;
    }

    private static boolean autoPrefersInteriorPoint(int batchSize, int n, int m, ConeDims cones, SparsePattern pPattern,
                                                    NewtonSystemChoice newton) {
        boolean soc = nonPolyhedral(cones);
        // Second-order and PSD cones keep the Newton system dense: only the size rules apply, whatever the batch.
        if (batchSize <= AUTO_MAX_BATCH_ANY_SIZE && !soc) {
            return true;
        }
        boolean linear = pPattern == null;
        if (linear && newton == NewtonSystemChoice.SPARSE && !soc) {
            return true;
        }
        return n + (long) m <= ReducedKkt.MAX_FULL_ORDER
                && n + cones.zero() <= (linear ? AUTO_MAX_ORDER_LP : AUTO_MAX_ORDER_QP);
    }
}
