// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.solver.device;

import io.convexlayers.data.BatchConeProgram;
import io.convexlayers.data.ConeDims;
import io.convexlayers.data.SparsePattern;

import java.util.function.Supplier;

/**
 * A batch of cone programs given by the parameters rather than by their data: θ (batch-minor,
 * {@code theta[i·batch + b]}), the structure (patterns, cones) and the affine maps of A, P, b and c.
 * A {@link ParametricSolver} applies the maps where it solves (on its device), so that only θ travels.
 * The same batch instantiated on the host ({@link #hostProgram()}) is computed on first use only, once,
 * for whatever still needs host data: a CPU fallback, polishing, the derivative.
 */
public final class ParametricBatch {
    private final int batch;
    private final double[] theta;
    private final SparsePattern pPattern;
    private final SparsePattern aPattern;
    private final ConeDims cones;
    private final AffineMap p;
    private final AffineMap a;
    private final AffineMap b;
    private final AffineMap c;
    private final Supplier<BatchConeProgram> host;
    private BatchConeProgram hostProgram;

    /**
     * @param theta    θ of every instance, batch-minor ({@code a.thetaLength() × batch})
     * @param pPattern P's upper-triangular pattern, or null (then {@code p} is null)
     * @param host     the host instantiation of the same data, called at most once
     */
    public ParametricBatch(int batch, double[] theta, SparsePattern pPattern, AffineMap p, SparsePattern aPattern,
                           AffineMap a, AffineMap b, AffineMap c, ConeDims cones, Supplier<BatchConeProgram> host) {
        if (batch < 1 || theta.length != (long) a.thetaLength() * batch) {
            throw new IllegalArgumentException("theta must hold " + a.thetaLength() + " x " + batch + " values");
        }
        if ((pPattern == null) != (p == null)) {
            throw new IllegalArgumentException("P's pattern and map must both be given or both be null");
        }
        int length = a.thetaLength();
        check(a, aPattern.nnz(), length, "A");
        check(b, aPattern.rows(), length, "b");
        check(c, aPattern.cols(), length, "c");
        if (p != null) {
            check(p, pPattern.nnz(), length, "P");
        }
        this.batch = batch;
        this.theta = theta;
        this.pPattern = pPattern;
        this.aPattern = aPattern;
        this.cones = cones;
        this.p = p;
        this.a = a;
        this.b = b;
        this.c = c;
        this.host = host;
    }

    private static void check(AffineMap map, int rows, int thetaLength, String what) {
        if (map.rows() != rows || map.thetaLength() != thetaLength) {
            throw new IllegalArgumentException(what + "'s map has " + map.rows() + " rows over θ of "
                    + map.thetaLength() + ", expected " + rows + " over " + thetaLength);
        }
    }

    public int batch() {
        return batch;
    }

    /** θ, batch-minor; not copied. */
    public double[] theta() {
        return theta;
    }

    public int thetaLength() {
        return a.thetaLength();
    }

    public int n() {
        return aPattern.cols();
    }

    public int m() {
        return aPattern.rows();
    }

    public SparsePattern aPattern() {
        return aPattern;
    }

    /** P's pattern, or null. */
    public SparsePattern pPattern() {
        return pPattern;
    }

    public ConeDims cones() {
        return cones;
    }

    public AffineMap a() {
        return a;
    }

    /** P's map, or null. */
    public AffineMap p() {
        return p;
    }

    public AffineMap b() {
        return b;
    }

    public AffineMap c() {
        return c;
    }

    /** True when A and P (if any) are the same for every instance, as {@link BatchConeProgram#matricesShared()}. */
    public boolean matricesShared() {
        return !a.varies() && (p == null || !p.varies());
    }

    /** The same batch instantiated on the host: computed on the first call, then kept. */
    public synchronized BatchConeProgram hostProgram() {
        if (hostProgram == null) {
            hostProgram = host.get();
        }
        return hostProgram;
    }
}
