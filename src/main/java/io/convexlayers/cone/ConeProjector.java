package io.convexlayers.cone;

import io.convexlayers.data.ConeDims;

/**
 * Projection of a tile of {@code lanes} instances onto a cone K (described by {@link ConeDims})
 * or onto its dual K*, in place, in batch-minor layout: row r of lane l at
 * {@code v[offset + r*lanes + l]} (DESIGN §2).
 * <p>
 * Block by block (row order of {@link ConeDims}):
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
    private final int[] socOffsets;
    private final int[] psdOffsets;
    private final int[] powerOffsets;
    private final int nonnegOffset;
    private final int expOffset;
    private final int dualExpOffset;
    private final double[] socWork;
    private final PsdCone.Workspace psdWork;

    /** Allocates all workspace for tiles of {@code lanes} instances. */
    public ConeProjector(ConeDims dims, int lanes) {
        if (dims == null) {
            throw new IllegalArgumentException("dims must not be null");
        }
        if (lanes < 1) {
            throw new IllegalArgumentException("lanes must be >= 1, got " + lanes);
        }
        this.dims = dims;
        this.lanes = lanes;
        // ConeDims computes starts with streams: cache them so projections never allocate
        nonnegOffset = dims.nonnegStart() * lanes;
        expOffset = dims.expStart() * lanes;
        dualExpOffset = dims.dualExpStart() * lanes;
        int[] soc = dims.soc();
        socOffsets = new int[soc.length];
        int row = dims.socStart();
        for (int i = 0; i < soc.length; i++) {
            socOffsets[i] = row * lanes;
            row += soc[i];
        }
        int[] psd = dims.psd();
        psdOffsets = new int[psd.length];
        row = dims.psdStart();
        int maxOrder = 1;
        for (int i = 0; i < psd.length; i++) {
            psdOffsets[i] = row * lanes;
            row += ConeDims.svecLength(psd[i]);
            maxOrder = Math.max(maxOrder, psd[i]);
        }
        double[] power = dims.power();
        powerOffsets = new int[power.length];
        row = dims.powerStart();
        for (int i = 0; i < power.length; i++) {
            powerOffsets[i] = row * lanes;
            row += 3;
        }
        socWork = new double[SecondOrderCone.workspaceSize(lanes)];
        psdWork = new PsdCone.Workspace(maxOrder);
    }

    public ConeDims dims() {
        return dims;
    }

    public int lanes() {
        return lanes;
    }

    /**
     * In place, onto the dual cone K*: rows r in [0, dims.rows()) at v[offset + r*lanes + l].
     * Zero-cone rows are free (unchanged).
     */
    public void projectDual(double[] v, int offset) {
        projectSelfDual(v, offset);
        if (dims.exp() > 0) {
            ExpCone.projectDual(v, offset + expOffset, dims.exp(), lanes);
        }
        if (dims.dualExp() > 0) {
            ExpCone.project(v, offset + dualExpOffset, dims.dualExp(), lanes);
        }
        double[] power = dims.power();
        for (int i = 0; i < power.length; i++) {
            double a = power[i];
            if (a > 0) {
                PowerCone.projectDual(v, offset + powerOffsets[i], a, lanes);
            } else {
                PowerCone.project(v, offset + powerOffsets[i], -a, lanes);
            }
        }
    }

    /** In place, onto K. Zero-cone rows are set to 0. */
    public void projectPrimal(double[] v, int offset) {
        ZeroCone.project(v, offset, dims.zero(), lanes);
        projectSelfDual(v, offset);
        if (dims.exp() > 0) {
            ExpCone.project(v, offset + expOffset, dims.exp(), lanes);
        }
        if (dims.dualExp() > 0) {
            ExpCone.projectDual(v, offset + dualExpOffset, dims.dualExp(), lanes);
        }
        double[] power = dims.power();
        for (int i = 0; i < power.length; i++) {
            double a = power[i];
            if (a > 0) {
                PowerCone.project(v, offset + powerOffsets[i], a, lanes);
            } else {
                PowerCone.projectDual(v, offset + powerOffsets[i], -a, lanes);
            }
        }
    }

    private void projectSelfDual(double[] v, int offset) {
        NonnegCone.project(v, offset + nonnegOffset, dims.nonneg(), lanes);
        int[] soc = dims.soc();
        for (int i = 0; i < soc.length; i++) {
            SecondOrderCone.project(v, offset + socOffsets[i], soc[i], lanes, socWork);
        }
        int[] psd = dims.psd();
        for (int i = 0; i < psd.length; i++) {
            PsdCone.project(v, offset + psdOffsets[i], psd[i], lanes, psdWork);
        }
    }
}
