// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.cone;

import io.convexlayers.data.ConeDims;

import java.util.List;

/**
 * Projection of a tile of {@code lanes} instances onto a cone K (described by {@link ConeDims})
 * or onto its dual K*, in place, in batch-minor layout: row r of lane l at
 * {@code v[offset + r*lanes + l]} (DESIGN §2). Each family's {@link ConeBlock} projects its own
 * rows; by block (row order of {@link ConeDims}):
 * <table>
 *   <caption>cone and dual projections</caption>
 *   <tr><th>block</th><th>K (projectPrimal)</th><th>K* (projectDual)</th></tr>
 *   <tr><td>zero</td><td>{0}</td><td>R (rows unchanged)</td></tr>
 *   <tr><td>nonneg, SOC, PSD</td><td>itself</td><td>itself (self-dual)</td></tr>
 *   <tr><td>exp triples</td><td>K_exp</td><td>K_exp*</td></tr>
 *   <tr><td>dual-exp triples</td><td>K_exp*</td><td>K_exp</td></tr>
 *   <tr><td>power, α &gt; 0</td><td>K_α</td><td>K_α*</td></tr>
 *   <tr><td>power, α &lt; 0</td><td>K_|α|*</td><td>K_|α|</td></tr>
 * </table>
 * All workspace is allocated by the constructor; projections do not allocate. Not thread-safe:
 * one projector per tile and thread.
 */
public final class ConeProjector {
    private final ConeDims dims;
    private final int lanes;
    private final ConeBlock[] blocks;

    /** Allocates all workspace for tiles of {@code lanes} instances. */
    public ConeProjector(ConeDims dims, int lanes) {
        List<ConeBlock> list = ConeBlocks.of(dims, lanes);
        this.dims = dims;
        this.lanes = lanes;
        this.blocks = list.toArray(new ConeBlock[0]);
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
     * In place, onto the dual cone K*: rows r in [0, dims.rows()) at v[offset + r*lanes + l].
     * Zero-cone rows are free (unchanged).
     */
    public void projectDual(double[] v, int offset) {
        for (ConeBlock block : blocks) {
            block.projectDual(v, offset);
        }
    }

    /** In place, onto K. Zero-cone rows are set to 0. */
    public void projectPrimal(double[] v, int offset) {
        for (ConeBlock block : blocks) {
            block.projectPrimal(v, offset);
        }
    }
}
