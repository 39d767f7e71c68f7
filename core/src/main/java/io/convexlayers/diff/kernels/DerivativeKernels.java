// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.diff.kernels;

import io.convexlayers.batch.BatchOperator;
import io.convexlayers.batch.BatchVectors;

/**
 * What the adjoint derivative needs from a backend, over its vector handle {@code V} (as
 * {@code solver.hsde.HsdeKernels<V>} is for the solver): the residual map's Jacobian M of DESIGN §6 at
 * a batch's solutions, the right-hand side of the VJP and the data cotangent pushed through the
 * adjoint parameter map. {@link KernelVjp} is the algorithm written once against it (LSQR, residual
 * check, forward-error estimate, diagnostics). Vectors hold n + m + 1 entries per lane, batch-minor;
 * every lane is an instance of the batch. Lanes without a solution hold zero data and zero point, so
 * every product leaves them at zero.
 *
 * @param <V> the backend's vector handle
 */
public interface DerivativeKernels<V> extends AutoCloseable {

    /** Variables n of every instance. */
    int n();

    /** Constraint rows m of every instance. */
    int m();

    /** Batched arithmetic on this backend's vectors (lanes = the batch). */
    BatchVectors<V> vectors();

    /**
     * M = (DQ(π) − I)·DΠ(z) + I at the solutions; with {@code fixedTau} M with its τ column removed
     * (applied to a vector whose τ entry is ignored, its transpose returns τ = 0), the operator of the
     * forward-error step.
     */
    BatchOperator<V> residualMap(boolean fixedTau);

    /** out = ẑ = (x, y − s, 1) on lanes with a solution, 0 elsewhere. */
    void point(V out);

    /**
     * out = (dx, DΠᵀ·dy, −(xᵀdx + yᵀdy)) (the VJP's right-hand side with ds = 0), zero on lanes
     * without a solution.
     *
     * @param dx n × lanes batch-minor (host)
     * @param dy m × lanes batch-minor (host), or null for zero
     */
    void vjpRightHandSide(double[] dx, double[] dy, V out);

    /** Sets lane l of v to zero wherever {@code lanes[l]} holds (also over NaN). */
    void zeroLanes(V v, boolean[] lanes);

    /**
     * dθ = Tᵀ·g for every lane, with g = (dA, db, dc, dP) read off the solution r of Mᵀr = dz
     * (DESIGN §6) and T the stacked parameter map the kernels were opened with.
     *
     * @return dθ, θ-length × lanes batch-minor (host)
     */
    double[] parameterGradient(V r);

    /** Returns the kernels' buffers. */
    @Override
    void close();
}
