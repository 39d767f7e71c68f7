// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.cone;

import io.convexlayers.data.ConeDims;

import java.util.ArrayList;
import java.util.List;

/**
 * The registry of cone families: turns a {@link ConeDims} description into its {@link ConeBlock}s,
 * one per family present, in the row order of DESIGN §2.
 */
public final class ConeBlocks {

    /** Makes one family's block of a description, starting at a given row (possibly empty). */
    @FunctionalInterface
    interface Family {
        ConeBlock block(ConeDims dims, int start, int lanes);
    }

    /** Every family, in row order: one line per family. */
    static final List<Family> FAMILIES = List.of(
            ZeroCone::of,
            NonnegCone::of,
            SecondOrderCone::of,
            PsdCone::of,
            ExpCone::exponential,
            ExpCone::dualExponential,
            PowerCone::of);

    private ConeBlocks() {
    }

    /**
     * The non-empty blocks of {@code dims} for tiles of {@code lanes} instances, in row order; they
     * cover rows [0, dims.rows()) without gaps. Each block allocates its own workspace.
     */
    public static List<ConeBlock> of(ConeDims dims, int lanes) {
        if (dims == null) {
            throw new IllegalArgumentException("dims must not be null");
        }
        if (lanes < 1) {
            throw new IllegalArgumentException("lanes must be >= 1, got " + lanes);
        }
        List<ConeBlock> blocks = new ArrayList<>();
        int row = 0;
        for (Family family : FAMILIES) {
            ConeBlock block = family.block(dims, row, lanes);
            if (block.rows() > 0) {
                blocks.add(block);
                row = block.end();
            }
        }
        if (row != dims.rows()) {
            // a family of the description has no block registered here
            throw new IllegalStateException("cone blocks cover " + row + " of " + dims.rows() + " rows of " + dims);
        }
        return List.copyOf(blocks);
    }
}
