// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.solver.hsde;

import io.convexlayers.solver.Acceleration;
import io.convexlayers.solver.BatchSolution;

/**
 * The numeric operations of the homogeneous self-dual Douglas–Rachford iteration (DESIGN §4) over a
 * batch of {@link #lanes()} instances that share one structure. The algorithm
 * ({@link io.convexlayers.solver.hsde.HsdeIteration}) is written once against this interface; each backend
 * implements it (a CPU tile of a few lanes, or a whole batch on the GPU).
 *
 * <p>Vectors are opaque handles of type {@code V} holding {@code length} entries per lane in
 * batch-minor order. The iterate u = (x̂, ŷ, τ) has length l = n + m + 1 and lives in scaled units
 * (see {@link io.convexlayers.solver.hsde.Equilibration}). Only {@link #residuals} and {@link #readSolution}
 * bring numbers back to the host, which happens every few iterations.
 *
 * @param <V> the backend's vector handle
 */
public interface HsdeKernels<V> {

    /** Number of instances processed together. */
    int lanes();

    /** The acceleration these kernels were built for: the settings' {@link Acceleration}, AUTO resolved for the program. */
    Acceleration acceleration();

    /** Number of primal variables n. */
    int n();

    /** Number of constraint rows m. */
    int m();

    /** A zeroed vector of {@code length} entries per lane. */
    V newVector(int length);

    /** Copies every lane of {@code src} into {@code dst}. */
    void copy(V src, V dst);

    /**
     * Sets the dual scale per lane (R_y = 1/scale, zero-cone rows 1/(1000·scale)), refactors the
     * linear system and recomputes the cached g = KKT⁻¹(ĉ; −b̂). When the linear system is shared by
     * all lanes, every entry of {@code scale} must be equal.
     */
    void setScale(double[] scale);

    /** True when one factorization (and so one scale) serves every lane. */
    boolean sharedScale();

    /**
     * Initial iterate: v = (x̂, ŷ + R_y⁻¹ŝ, 1) in scaled units for the lanes where {@code warm[l]}
     * holds (host arrays batch-minor, unscaled), and v = (0, 0, 1) for the others or when
     * {@code warm} is null. Call after {@link #setScale}.
     */
    void initialize(V v, double[] warmX, double[] warmY, double[] warmS, boolean[] warm);

    /**
     * Linear step ũ = (R + Q)⁻¹ R v: one KKT solve, then τ̃ as the larger root of the scalar
     * quadratic (or τ̃ = 1 when {@code fixTau}), then ũ = (p − τ̃·g, τ̃).
     */
    void linearStep(V v, V uTilde, boolean fixTau);

    /** Cone step u = Π_C(2ũ − v): x̂ free, ŷ onto K*, τ = max(τ, 0) (or 1 when {@code fixTau}). */
    void coneStep(V uTilde, V v, V u, boolean fixTau);

    /**
     * Stages the anchoring weights of the next {@code rows} iterations (row r, lane l at
     * {@code r * lanes + l}): a device copies them once per run of iterations, not once per iteration.
     */
    void stageAnchorWeights(double[] weights, int rows);

    /**
     * Halpern's anchoring step ({@link io.convexlayers.solver.Acceleration#HALPERN}): normalizes every lane of
     * v as {@link #normalize} does, then pulls it towards the anchor, v = w_l·v + (1 − w_l)·anchor in lane l,
     * with w the staged weights' row {@code row}.
     */
    void anchor(V v, V anchor, int row);

    /** Copies the lanes l of {@code src} where {@code lanes[l]} holds into {@code dst}; the others are kept. */
    void copyLanes(V src, V dst, boolean[] lanes);

    /** Relaxed update v += α(u − ũ). */
    void relax(V v, V u, V uTilde, double alpha);

    /** Scales every lane of v to Euclidean norm √l. */
    void normalize(V v);

    /** The dual iterate rsk = (r, ŝ, κ) = R(v + u − 2ũ). */
    void dualIterate(V v, V u, V uTilde, V rsk);

    /**
     * After a scale change, for the lanes where {@code changed[l]} holds: keeps (u, ũ, rsk) and sets
     * v = R⁻¹rsk + 2ũ − u with the new R, copies v into {@code anchor} and clears the lane's
     * Anderson history (the map has changed). Other lanes are untouched.
     */
    void resetAfterScaleChange(V v, V u, V uTilde, V rsk, V anchor, boolean[] changed);

    /**
     * Residual statistics of every lane on the unscaled data, written to {@code stats} as
     * {@link ResidualStats#WIDTH} numbers per lane (lane-major: lane l at {@code l * WIDTH}).
     */
    void residuals(V u, V rsk, double[] stats);

    /**
     * Unscaled (x, y, s) of one lane, divided by {@code divisor} (τ for a solution, the
     * certificate's normalization otherwise), written as instance {@code column} of batch-minor host
     * arrays with {@code stride} instances (entry i at {@code i * stride + column}): the results land
     * in the batch's solution without a per-instance copy.
     */
    void readSolution(V u, V rsk, int lane, double divisor, double[] x, double[] y, double[] s, int column,
                      int stride);

    /**
     * Records lane {@code lane}'s data scaling (D, E) as instance {@code instance}'s in {@code out}
     * ({@link BatchSolution.Builder#recordScaling}), for the derivative to reuse. The default records
     * nothing (a device backend's factors stay on the device).
     */
    default void recordScaling(int lane, BatchSolution.Builder out, int instance) {
    }

    /**
     * Announces that {@link #readSolution} follows for exactly the lanes where {@code lanes[l]} holds,
     * before anything else changes u or rsk: a device backend copies those lanes to the host at once
     * instead of whole vectors. The default does nothing.
     */
    default void prepareReads(V u, V rsk, boolean[] lanes) {
    }

    /**
     * Tells the backend which lanes are finished ({@code done[l]}): their solutions have been read and
     * nothing of them is read again, so a backend may stop computing them (their iterates then hold
     * meaningless values). The default does nothing.
     */
    default void retire(boolean[] done) {
    }

    /**
     * Whether {@link #compact} is available: the CPU's tiles can continue their running lanes in a
     * narrower tile; the CUDA backend's lanes are a whole chunk on the device, and it answers false.
     */
    default boolean canCompact() {
        return false;
    }

    /**
     * Whether continuing the running lanes in a tile of {@code width} lanes (narrower than these
     * kernels' tile) costs less per iteration than staying: the default says yes.
     */
    default boolean narrowingPays(int width) {
        return true;
    }

    /**
     * Kernels for lanes {@code keep} (ascending) of these, continuing exactly where these left off:
     * data, equilibration, scale, factorization and Anderson memory are gathered, not recomputed, so
     * a kept lane's later iterates are bit for bit those it would have had here. These kernels are
     * not used afterwards. Call only when {@link #canCompact} holds.
     */
    default HsdeKernels<V> compact(int[] keep) {
        throw new UnsupportedOperationException("these kernels cannot be compacted");
    }

    /** The lanes {@code keep} of {@code src}, as a vector of the kernels {@link #compact}{@code (keep)} returns. */
    default V compactVector(V src, int[] keep) {
        throw new UnsupportedOperationException("these kernels cannot be compacted");
    }

    /**
     * One iteration between checks: {@link #normalize}, {@link #linearStep} and {@link #coneStep}
     * without fixing τ, then {@link #relax}. The same handles come every time, so a backend may replay
     * the whole iteration as one unit (the CUDA backend launches it as one graph).
     */
    default void plainIteration(V v, V u, V uTilde, double alpha) {
        normalize(v);
        linearStep(v, uTilde, false);
        coneStep(uTilde, v, u, false);
        relax(v, u, uTilde, alpha);
    }

    /**
     * An iteration that ends at a convergence check: as {@link #plainIteration} with
     * {@link #dualIterate} before the relaxation, then {@link #residuals} into {@code stats}. A backend
     * may replay everything before the residuals' readback as one unit.
     */
    default void checkIteration(V v, V u, V uTilde, V rsk, double alpha, double[] stats) {
        normalize(v);
        linearStep(v, uTilde, false);
        coneStep(uTilde, v, u, false);
        dualIterate(v, u, uTilde, rsk);
        relax(v, u, uTilde, alpha);
        residuals(u, rsk, stats);
    }

    /**
     * {@code count} iterations between checks in a row, each as {@link #plainIteration}. A backend may
     * run the whole run as one unit (the CUDA backend launches it as one fused kernel for small dense
     * instances).
     */
    default void plainIterations(V v, V u, V uTilde, double alpha, int count) {
        for (int i = 0; i < count; i++) {
            plainIteration(v, u, uTilde, alpha);
        }
    }

    /**
     * {@code plain} iterations between checks, then the iteration that ends at the check
     * ({@link #checkIteration}): what a caller runs from one check (or Anderson step) to the next.
     */
    default void iterationsThenCheck(V v, V u, V uTilde, V rsk, double alpha, int plain, double[] stats) {
        plainIterations(v, u, uTilde, alpha, plain);
        checkIteration(v, u, uTilde, rsk, alpha, stats);
    }

    /**
     * One Anderson step on the outer map G (a block of DR iterations): {@code anchor} is the point the
     * block started from, {@code v} = G(anchor). Records the pair in each lane's history and, for the
     * lanes where {@code apply[l]} holds, replaces v by the extrapolated point (keeping G(anchor) for
     * {@link #andersonReject}). Then copies v into {@code anchor}.
     */
    void andersonStep(V v, V anchor, boolean[] apply);

    /** For the lanes where {@code reject[l]} holds: restores the last unaccelerated point and clears history. */
    void andersonReject(V v, V anchor, boolean[] reject);

    /** Per-lane ‖anchor − v‖₂ (the outer fixed-point residual), written to {@code out}. */
    void fixedPointResidual(V v, V anchor, double[] out);

}
