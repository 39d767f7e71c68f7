// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.cone;

import io.convexlayers.data.ConeDims;

import java.util.List;

/**
 * The derivative DΠ of the projection onto a cone K or its dual K* (DESIGN §5), for one tile of
 * {@code lanes} instances in batch-minor layout (row r of lane l at {@code offset + r*lanes + l}),
 * linearised at a point v and applied to directions as a linear operator: the block-diagonal
 * operator of the {@link ConeBlock}s' derivatives. Block by block, at the rows' point v:
 * <ul>
 *   <li>zero rows: DΠ_{0} = 0 (for K), DΠ_R = I (for K*, the free cone);</li>
 *   <li>nonneg: diag(1[v &gt; 0]) with ½ at v = 0 ({@link NonnegCone});</li>
 *   <li>SOC: the closed form of {@link SecondOrderCone};</li>
 *   <li>PSD: Q(B ∘ (QᵀdXQ))Qᵀ in svec coordinates ({@link PsdCone});</li>
 *   <li>exponential and power triples: the 3×3 Jacobians of {@link ExpCone} and
 *       {@link PowerCone}, and for a dual cone DΠ_{K*}(v) = I − DΠ_K(−v).</li>
 * </ul>
 * Which of K, K* each block uses follows {@link ConeProjector}. Every block's DΠ is symmetric;
 * {@link #applyTranspose} applies the stored matrices transposed all the same, so that adjoint
 * tests hold to rounding. At points where Π is not differentiable (cone boundaries) the value is
 * one element of the generalized Jacobian, chosen as documented per family.
 * <p>
 * All workspace is allocated by the constructor; {@link #linearizeAt}, {@link #apply} and
 * {@link #applyTranspose} do not allocate. Not thread-safe: one instance per tile and thread.
 */
public final class ConeDerivative {
    private final ConeDims dims;
    private final int lanes;
    private final int rows;
    private final ConeBlock[] blocks;
    private final BlockDerivative[] derivatives;
    /** The leading elementwise blocks, whose rows are the diagonal rows. */
    private final int diagonalBlocks;
    private final int diagRows;
    private final int[] blockBounds;
    private boolean linearized;
    private boolean dual;

    /** Allocates all workspace for tiles of {@code lanes} instances. */
    public ConeDerivative(ConeDims dims, int lanes) {
        List<ConeBlock> list = ConeBlocks.of(dims, lanes);
        this.dims = dims;
        this.lanes = lanes;
        this.rows = dims.rows();
        this.blocks = list.toArray(new ConeBlock[0]);
        this.derivatives = new BlockDerivative[blocks.length];
        for (int k = 0; k < blocks.length; k++) {
            derivatives[k] = blocks[k].derivative();
        }
        int leading = 0;
        while (leading < blocks.length && blocks[leading].elementwise()) {
            leading++;
        }
        this.diagonalBlocks = leading;
        this.diagRows = leading == 0 ? 0 : blocks[leading - 1].end();
        this.blockBounds = denseBounds();
    }

    /** Row bounds of the cones after the diagonal rows, contiguous from diagRows to rows. */
    private int[] denseBounds() {
        int count = 0;
        for (int k = diagonalBlocks; k < blocks.length; k++) {
            count += blocks[k].coneBounds().length - 1;
        }
        int[] bounds = new int[count + 1];
        bounds[0] = diagRows;
        int i = 1;
        for (int k = diagonalBlocks; k < blocks.length; k++) {
            int[] cones = blocks[k].coneBounds();
            System.arraycopy(cones, 1, bounds, i, cones.length - 1);
            i += cones.length - 1;
        }
        return bounds;
    }

    /** The description the blocks were made from. */
    public ConeDims dims() {
        return dims;
    }

    /** The number of instances of a tile. */
    public int lanes() {
        return lanes;
    }

    /**
     * Records the point v (batch-minor, at offset) where DΠ_{K*} is evaluated; dual=true for K*,
     * false for K.
     */
    public void linearizeAt(double[] v, int offset, boolean dual) {
        this.dual = dual;
        for (BlockDerivative derivative : derivatives) {
            derivative.linearizeAt(v, offset, dual);
        }
        linearized = true;
    }

    /**
     * The number of leading rows on which DΠ is diagonal: those of the leading elementwise blocks
     * (zero and nonnegative cones).
     */
    public int diagonalRows() {
        return diagRows;
    }

    /** DΠ's entry at a leading {@link #diagonalRows() diagonal row} for one lane: 0, ½ or 1. */
    public double diagonal(int row, int lane) {
        if (!linearized) {
            throw new IllegalStateException("linearizeAt must be called before diagonal");
        }
        for (int k = 0; k < diagonalBlocks; k++) {
            if (row < blocks[k].end()) {
                return derivatives[k].diagonal(row - blocks[k].start(), lane);
            }
        }
        throw new IllegalArgumentException("row " + row + " outside the diagonal rows [0, " + diagRows + ")");
    }

    /**
     * The row boundaries of the blocks after the diagonal rows, in order: block k spans rows
     * [bounds[k], bounds[k + 1]) (one per cone of the {@link ConeBlock#coneBounds() blocks}: second-order
     * cone, PSD cone, exponential or power triple). DΠ has no entries between different blocks.
     */
    public int[] blockBounds() {
        return blockBounds.clone();
    }

    /** Whether the last {@link #linearizeAt} was for K* (true) or K (false). */
    public boolean isDual() {
        return dual;
    }

    /** out = DΠ(v)·d (batch-minor, offsets like above); {@code out} must not overlap {@code d}. */
    public void apply(double[] d, int dOffset, double[] out, int outOffset) {
        applyBlocks(d, dOffset, out, outOffset, false);
    }

    /** out = DΠ(v)ᵀ·d; {@code out} must not overlap {@code d}. */
    public void applyTranspose(double[] d, int dOffset, double[] out, int outOffset) {
        applyBlocks(d, dOffset, out, outOffset, true);
    }

    private void applyBlocks(double[] d, int dOffset, double[] out, int outOffset, boolean transpose) {
        if (!linearized) {
            throw new IllegalStateException("linearizeAt must be called before apply");
        }
        for (BlockDerivative derivative : derivatives) {
            derivative.apply(d, dOffset, out, outOffset, transpose);
        }
    }

    /** Dense Jacobian of one lane (m×m row-major) for small problems and tests; allocates. */
    public double[] denseJacobian(int lane) {
        if (lane < 0 || lane >= lanes) {
            throw new IllegalArgumentException("lane " + lane + " outside [0, " + lanes + ")");
        }
        double[] jac = new double[rows * rows];
        double[] unit = new double[rows * lanes];
        double[] col = new double[rows * lanes];
        for (int j = 0; j < rows; j++) {
            unit[j * lanes + lane] = 1.0;
            apply(unit, 0, col, 0);
            unit[j * lanes + lane] = 0.0;
            for (int i = 0; i < rows; i++) {
                jac[i * rows + j] = col[i * lanes + lane];
            }
        }
        return jac;
    }
}
