// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.cone;

/**
 * One cone family's share of K: a product K₁ × … × K_p of cones of that family on the contiguous
 * rows [{@link #start()}, {@link #end()}) of s, for a tile of {@link #lanes()} instances in
 * batch-minor layout (DESIGN §2): row r of lane l at {@code v[offset + r*lanes + l]}, where
 * {@code offset} is the position of row 0 of the whole cone vector. A block has exactly the
 * behaviour the solver and the derivative need of a cone:
 * <ul>
 *   <li>{@link #projectPrimal} and {@link #projectDual}: Π_K and Π_{K*} in place on its rows;</li>
 *   <li>{@link #coneBounds}: its factor cones. Π acts on each factor on its own and is positively
 *       homogeneous there, so DΠ is block diagonal over the factors and a row scaling that is one
 *       positive constant per factor maps the block's cone onto itself: the rows of one factor
 *       must share one equilibration factor;</li>
 *   <li>the derivative of the projection ({@link BlockDerivative}, reached through
 *       {@link ConeDerivative}).</li>
 * </ul>
 * Blocks are made from a {@link io.convexlayers.data.ConeDims} description by
 * {@link ConeBlocks#of}, one per family present, in row order; each family is one subclass in
 * this package. All workspace is allocated by the constructor and projections do not allocate.
 * Not thread-safe: a block and the derivatives made from it share its workspace, so they belong
 * to one tile and thread.
 */
public abstract class ConeBlock {
    private final int start;
    private final int rows;
    private final int lanes;
    /** Factor sizes, or null for an elementwise block (every row a factor of its own). */
    private final int[] coneSizes;

    /** An elementwise block: {@code rows} one-row cones from row {@code start}. */
    ConeBlock(int start, int rows, int lanes) {
        this.start = start;
        this.rows = rows;
        this.lanes = lanes;
        this.coneSizes = null;
    }

    /** A block of cones with {@code coneSizes[k]} rows each, in order, from row {@code start}. */
    ConeBlock(int start, int[] coneSizes, int lanes) {
        int total = 0;
        for (int size : coneSizes) {
            total += size;
        }
        this.start = start;
        this.rows = total;
        this.lanes = lanes;
        this.coneSizes = coneSizes.clone();
    }

    /** The first row of the block. */
    public final int start() {
        return start;
    }

    /** The number of rows of the block. */
    public final int rows() {
        return rows;
    }

    /** One past the last row of the block. */
    public final int end() {
        return start + rows;
    }

    /** The number of instances of the tile the workspace was sized for. */
    public final int lanes() {
        return lanes;
    }

    /** In place onto this block's cone K, on its rows of every lane; other rows are untouched. */
    public abstract void projectPrimal(double[] v, int offset);

    /** In place onto the dual cone K*, on its rows of every lane; other rows are untouched. */
    public abstract void projectDual(double[] v, int offset);

    /**
     * Whether every row is a cone of its own (zero, nonnegative): DΠ is then diagonal and each row
     * scales on its own, so callers may skip {@link #coneBounds} for this block.
     */
    public final boolean elementwise() {
        return coneSizes == null;
    }

    /**
     * The factor cones as absolute row bounds: cone k spans rows [b[k], b[k + 1]), b[0] =
     * {@link #start()}, last = {@link #end()}. Rows of one cone must share one scale factor; DΠ has
     * no entries between different cones. Allocates a new array.
     */
    public final int[] coneBounds() {
        int count = coneSizes == null ? rows : coneSizes.length;
        int[] bounds = new int[count + 1];
        bounds[0] = start;
        for (int k = 0; k < count; k++) {
            bounds[k + 1] = bounds[k] + (coneSizes == null ? 1 : coneSizes[k]);
        }
        return bounds;
    }

    /**
     * A new derivative of this block's projections, with its own storage for the linearization
     * (allocated here) and this block's workspace.
     */
    abstract BlockDerivative derivative();
}
