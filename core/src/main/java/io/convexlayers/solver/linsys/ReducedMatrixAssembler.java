// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.solver.linsys;

import io.convexlayers.batch.LaneSimd;
import io.convexlayers.batch.Lanes8Kernels;
import java.util.Arrays;

/**
 * Forms the reduced matrix M = rhoX·I + P + Aᵀ·diag(rhoY)⁻¹·A of a tile in the packed lower layout
 * of {@link PackedCholesky}, for {@code fl} factor lanes (fl = lanes: each lane its own values and
 * rhoY; fl = 1: lane 0's values and rhoY).
 *
 * <p>AᵀDA is accumulated row block by row block from W = diag(rhoY)^(-1/2)·A, so that
 * M = rhoX·I + P + WᵀW. Each block of rows picks the cheaper of two kernels, decided once from the
 * structure: sparse rows scatter their outer products w_iᵀw_i straight into M; dense-ish blocks are
 * gathered into a dense panel (block rows × active columns, sized to stay in cache) whose column
 * pairs are then reduced by contiguous dot products, so M is swept once per block rather than once
 * per row. All work arrays are allocated here; {@link #assemble} allocates nothing.
 */
final class ReducedMatrixAssembler {
    /** Target panel size in doubles (about 192 KiB, to stay in the L2 cache). */
    private static final int PANEL_DOUBLES = 24 * 1024;
    /** Relative cost of one indirect scatter update against one contiguous panel multiply-add. */
    private static final double SCATTER_COST = 3.0;

    private final TileMatrices mats;
    private final int fl;
    private final int n;
    private final int m;
    private final TileProducts.RowView rows;
    /** W in row order: entry t of the row view, lane l at t·fl + l. */
    private final double[] w;
    /** Row blocks: [blockStart[b], blockStart[b+1]); panel blocks have a non-null activeCols[b]. */
    private final int[] blockStart;
    private final int[][] activeCols;
    /** For entries of panel blocks: the slot (index into activeCols) of the entry's column. */
    private final int[] slot;
    private final double[] panel;
    /** Per panel block: whether its panel is full (every row holds every active column), so needs no zeroing. */
    private final boolean[] fullBlock;
    /** 1/√rhoY per row and factor lane, for the panel blocks' direct fill (see {@link #fillPanelDirect}). */
    private final double[] rowFactor;
    /** 0 … n − 1: the active columns of {@link #addDenseRows}'s panels (made on first use). */
    private int[] allColumns;
    private final double[] acc;
    private final boolean pairedSums;

    ReducedMatrixAssembler(TileMatrices mats, int fl) {
        this(mats, fl, fl);
    }

    /**
     * @param orderFl the factor lanes whose summation order to follow: row blocks are sized for
     *                them and one lane sums panels in pairs only when it is 1, so a tile narrowed
     *                from {@code orderFl} lanes assembles each lane's matrix bit for bit as before
     */
    ReducedMatrixAssembler(TileMatrices mats, int fl, int orderFl) {
        this.mats = mats;
        this.fl = fl;
        this.pairedSums = orderFl == 1;
        this.n = mats.n();
        this.m = mats.m();
        this.rows = TileProducts.RowView.of(mats.aPattern());
        this.w = new double[mats.aPattern().nnz() * fl];
        this.acc = new double[fl];
        int rb = Math.max(4, Math.min(256, PANEL_DOUBLES / Math.max(1, n * orderFl)));
        int blocks = (m + rb - 1) / rb;
        this.blockStart = new int[blocks + 1];
        this.activeCols = new int[blocks][];
        this.slot = new int[mats.aPattern().nnz()];
        int[] rowStart = rows.rowStart();
        int[] cols = rows.cols();
        int[] mark = new int[n];
        Arrays.fill(mark, -1);
        int[] slotOf = new int[n];
        int maxPanel = 0;
        for (int b = 0; b < blocks; b++) {
            int r0 = b * rb;
            int r1 = Math.min(m, r0 + rb);
            blockStart[b] = r0;
            blockStart[b + 1] = r1;
            double scatter = 0;
            int active = 0;
            for (int r = r0; r < r1; r++) {
                double k = rowStart[r + 1] - rowStart[r];
                scatter += k * (k + 1) / 2;
                for (int t = rowStart[r]; t < rowStart[r + 1]; t++) {
                    if (mark[cols[t]] != b) {
                        mark[cols[t]] = b;
                        active++;
                    }
                }
            }
            double panelCost = (double) active * (active + 1) / 2 * (r1 - r0) + (double) active * (r1 - r0);
            if (active > 0 && panelCost < SCATTER_COST * scatter) {
                int[] act = new int[active];
                int c = 0;
                for (int j = 0; j < n && c < active; j++) {
                    if (mark[j] == b) {
                        slotOf[j] = c;
                        act[c++] = j;
                    }
                }
                for (int t = rowStart[r0]; t < rowStart[r1]; t++) {
                    slot[t] = slotOf[cols[t]];
                }
                activeCols[b] = act;
                maxPanel = Math.max(maxPanel, active * (r1 - r0) * fl);
            }
        }
        this.panel = new double[maxPanel];
        this.fullBlock = fullBlocks(blockStart, activeCols, rowStart);
        this.rowFactor = new double[m * fl];
    }

    private static boolean[] fullBlocks(int[] blockStart, int[][] activeCols, int[] rowStart) {
        boolean[] full = new boolean[activeCols.length];
        for (int b = 0; b < activeCols.length; b++) {
            int r0 = blockStart[b];
            int r1 = blockStart[b + 1];
            full[b] = activeCols[b] != null
                    && rowStart[r1] - rowStart[r0] == (long) activeCols[b].length * (r1 - r0);
        }
        return full;
    }

    /**
     * The assembler of a tile narrowed to {@code narrow}'s lanes with {@code narrowFl} factor lanes:
     * the row view and row blocks (structure only) are shared, so the narrowed tile sums exactly
     * as this one.
     */
    ReducedMatrixAssembler compact(TileMatrices narrow, int narrowFl) {
        return new ReducedMatrixAssembler(this, narrow, narrowFl);
    }

    private ReducedMatrixAssembler(ReducedMatrixAssembler from, TileMatrices narrow, int narrowFl) {
        this.mats = narrow;
        this.fl = narrowFl;
        this.pairedSums = from.pairedSums;
        this.n = from.n;
        this.m = from.m;
        this.rows = from.rows;
        this.w = new double[narrow.aPattern().nnz() * narrowFl];
        this.acc = new double[narrowFl];
        this.blockStart = from.blockStart;
        this.activeCols = from.activeCols;
        this.slot = from.slot;
        this.panel = new double[from.panel.length / from.fl * narrowFl];
        this.fullBlock = from.fullBlock;
        this.rowFactor = new double[m * narrowFl];
    }

    /** True when at least one row block uses the dense panel kernel (for tests). */
    boolean usesPanels() {
        for (int[] act : activeCols) {
            if (act != null) {
                return true;
            }
        }
        return false;
    }

    /** True when at least one row block uses the scatter kernel (for tests). */
    boolean usesScatter() {
        for (int b = 0; b < activeCols.length; b++) {
            if (activeCols[b] == null && blockStart[b + 1] > blockStart[b]) {
                return true;
            }
        }
        return false;
    }

    /**
     * Writes M into {@code out} (packed lower, fl lanes).
     *
     * @param rhoY m × lanes batch-minor; lane 0 only when fl = 1
     */
    void assemble(double rhoX, double[] rhoY, double[] out) {
        Arrays.fill(out, 0, PackedCholesky.packedLength(n, fl), 0.0);
        Lanes8Kernels simd = fl == 8 && mats.lanes() == 8 && !mats.aShared() ? LaneSimd.kernels() : null;
        if (simd != null) {
            // Per-lane values on the SIMD kernels: panels are filled straight from A (no W, no copies).
            simd.inverseSqrt(rhoY, m * 8, rowFactor);
            for (int b = 0; b < activeCols.length; b++) {
                if (activeCols[b] == null) {
                    scaleRows(blockStart[b], blockStart[b + 1]);
                    scatterBlock(blockStart[b], blockStart[b + 1], out);
                } else {
                    fillPanelDirect(simd, b);
                    reducePanel(panel, (blockStart[b + 1] - blockStart[b]) * 8, activeCols[b], out);
                }
            }
        } else {
            scaleRows(rhoY);
            for (int b = 0; b < activeCols.length; b++) {
                if (activeCols[b] == null) {
                    scatterBlock(blockStart[b], blockStart[b + 1], out);
                } else {
                    panelBlock(b, out);
                }
            }
        }
        for (int j = 0; j < n; j++) {
            int o = (PackedCholesky.rowStart(j) + j) * fl;
            for (int l = 0; l < fl; l++) {
                out[o + l] += rhoX;
            }
        }
        addP(out);
    }

    private void scaleRows(double[] rhoY) {
        int lanes = mats.lanes();
        int[] rowStart = rows.rowStart();
        int[] src = rows.src();
        double[] a = mats.aValues();
        boolean perLane = !mats.aShared() && fl > 1;
        Lanes8Kernels simd = fl == 8 && lanes == 8 ? LaneSimd.kernels() : null;
        for (int i = 0; i < m; i++) {
            for (int l = 0; l < fl; l++) {
                acc[l] = 1.0 / Math.sqrt(rhoY[i * lanes + l]);
            }
            for (int t = rowStart[i]; t < rowStart[i + 1]; t++) {
                int k = src[t];
                int o = t * fl;
                if (perLane && simd != null) {
                    simd.scaleEntry(a, k * lanes, acc, w, o);
                } else if (perLane) {
                    for (int l = 0; l < fl; l++) {
                        w[o + l] = a[k * lanes + l] * acc[l];
                    }
                } else {
                    double v = mats.a(k, 0);
                    for (int l = 0; l < fl; l++) {
                        w[o + l] = v * acc[l];
                    }
                }
            }
        }
    }

    /** W's rows r0 … r1 − 1 from {@link #rowFactor} (per-lane values, eight lanes): {@link #scaleRows}' bits. */
    private void scaleRows(int r0, int r1) {
        int[] rowStart = rows.rowStart();
        int[] src = rows.src();
        double[] a = mats.aValues();
        for (int i = r0; i < r1; i++) {
            for (int t = rowStart[i]; t < rowStart[i + 1]; t++) {
                int k = src[t] * 8;
                int o = t * 8;
                for (int l = 0; l < 8; l++) {
                    w[o + l] = a[k + l] * rowFactor[i * 8 + l];
                }
            }
        }
    }

    /**
     * {@link #panelBlock}'s panel written straight from A and {@link #rowFactor}: the same products into the
     * same places, without W or the copies; zeroed first only where the block's rows miss some columns.
     */
    private void fillPanelDirect(Lanes8Kernels simd, int b) {
        int r0 = blockStart[b];
        int r1 = blockStart[b + 1];
        int stride = (r1 - r0) * 8;
        if (!fullBlock[b]) {
            Arrays.fill(panel, 0, activeCols[b].length * stride, 0.0);
        }
        int[] rowStart = rows.rowStart();
        double[] a = mats.aValues();
        for (int r = r0; r < r1; r++) {
            simd.scaleRowInto(a, rows.src(), slot, rowStart[r], rowStart[r + 1], rowFactor, r * 8, panel, stride,
                    (r - r0) * 8);
        }
    }

    private void scatterBlock(int r0, int r1, double[] out) {
        int[] rowStart = rows.rowStart();
        int[] cols = rows.cols();
        for (int r = r0; r < r1; r++) {
            int first = rowStart[r];
            for (int ta = first; ta < rowStart[r + 1]; ta++) {
                int base = PackedCholesky.rowStart(cols[ta]) * fl;
                int wa = ta * fl;
                if (fl == 8) {
                    double w0 = w[wa], w1 = w[wa + 1], w2 = w[wa + 2], w3 = w[wa + 3];
                    double w4 = w[wa + 4], w5 = w[wa + 5], w6 = w[wa + 6], w7 = w[wa + 7];
                    for (int tb = first; tb <= ta; tb++) {
                        int o = base + cols[tb] * 8;
                        int wb = tb * 8;
                        out[o] += w0 * w[wb];
                        out[o + 1] += w1 * w[wb + 1];
                        out[o + 2] += w2 * w[wb + 2];
                        out[o + 3] += w3 * w[wb + 3];
                        out[o + 4] += w4 * w[wb + 4];
                        out[o + 5] += w5 * w[wb + 5];
                        out[o + 6] += w6 * w[wb + 6];
                        out[o + 7] += w7 * w[wb + 7];
                    }
                    continue;
                }
                for (int tb = first; tb <= ta; tb++) {
                    int o = base + cols[tb] * fl;
                    int wb = tb * fl;
                    for (int l = 0; l < fl; l++) {
                        out[o + l] += w[wa + l] * w[wb + l];
                    }
                }
            }
        }
    }

    private void panelBlock(int b, double[] out) {
        int[] act = activeCols[b];
        int r0 = blockStart[b];
        int rowsInBlock = blockStart[b + 1] - r0;
        int stride = rowsInBlock * fl;
        Arrays.fill(panel, 0, act.length * stride, 0.0);
        int[] rowStart = rows.rowStart();
        for (int r = r0; r < r0 + rowsInBlock; r++) {
            for (int t = rowStart[r]; t < rowStart[r + 1]; t++) {
                int o = slot[t] * stride + (r - r0) * fl;
                System.arraycopy(w, t * fl, panel, o, fl);
            }
        }
        reducePanel(panel, stride, act, out);
    }

    /**
     * Adds Σ_r u_r·u_rᵀ to M (packed lower, fl lanes) for {@code rowCount} dense rows given as a panel:
     * entry j of row r, lane l, at (j·rowCount + r)·fl + l. Rows that a diagonal weight cannot express
     * (a second-order cone's W⁻¹·A block) enter M this way.
     */
    void addDenseRows(double[] rowPanel, int rowCount, double[] out) {
        if (allColumns == null) {
            allColumns = new int[n];
            for (int j = 0; j < n; j++) {
                allColumns[j] = j;
            }
        }
        reducePanel(rowPanel, rowCount * fl, allColumns, out);
    }

    /** M's rows act[·] += the dot products of the panel's columns (column s at s·stride, stride doubles long). */
    private void reducePanel(double[] panel, int stride, int[] act, double[] out) {
        Lanes8Kernels simd = fl == 8 ? LaneSimd.kernels() : null;
        int sa = 0;
        if (simd != null && simd.vectorBits() == 512) {
            // Entries of four rows against four columns per pass: eight column loads serve sixteen
            // independent sums (the panel streams from L2, so loads, not arithmetic, set the pace).
            for (; sa + 3 < act.length; sa += 4) {
                int base0 = PackedCholesky.rowStart(act[sa]) * 8;
                int base1 = PackedCholesky.rowStart(act[sa + 1]) * 8;
                int base2 = PackedCholesky.rowStart(act[sa + 2]) * 8;
                int base3 = PackedCholesky.rowStart(act[sa + 3]) * 8;
                int sb = 0;
                for (; sb + 3 <= sa; sb += 4) {
                    simd.dotAdd4x4(panel, sa * stride, sb * stride, stride, act, sb, base0, base1, base2, base3,
                            out);
                }
                for (int r = 0; r < 4; r++) {
                    panelEntries(panel, sa + r, sb, stride, act, out);
                }
            }
        }
        if (simd != null) {
            // Entries of two rows against four columns per pass: six column loads serve eight sums.
            for (; sa + 1 < act.length; sa += 2) {
                int baseA = PackedCholesky.rowStart(act[sa]) * 8;
                int baseB = PackedCholesky.rowStart(act[sa + 1]) * 8;
                int sb = 0;
                for (; sb + 3 <= sa; sb += 4) {
                    simd.dotAdd2x4(panel, sa * stride, sb * stride, stride, act, sb, baseA, baseB, out);
                }
                panelEntries(panel, sa, sb, stride, act, out);
                panelEntries(panel, sa + 1, sb, stride, act, out);
            }
        }
        for (; sa < act.length; sa++) {
            panelEntries(panel, sa, 0, stride, act, out);
        }
    }

    /** Adds the panel's dot products of column {@code sa} with columns {@code from … sa} to M's row act[sa]. */
    private void panelEntries(double[] panel, int sa, int from, int stride, int[] act, double[] out) {
        int base = PackedCholesky.rowStart(act[sa]) * fl;
        int pa = sa * stride;
        int sb = from;
        Lanes8Kernels simd = fl == 8 ? LaneSimd.kernels() : null;
        if (simd != null) {
            for (; sb + 3 <= sa; sb += 4) {
                simd.dotAdd4(panel, pa, sb * stride, stride, out, base + act[sb] * 8, base + act[sb + 1] * 8,
                        base + act[sb + 2] * 8, base + act[sb + 3] * 8);
            }
        }
        for (; sb <= sa; sb++) {
            int pb = sb * stride;
            int o = base + act[sb] * fl;
            if (fl == 1 && pairedSums) {
                double s0 = 0;
                double s1 = 0;
                int q = 0;
                for (; q + 1 < stride; q += 2) {
                    s0 += panel[pa + q] * panel[pb + q];
                    s1 += panel[pa + q + 1] * panel[pb + q + 1];
                }
                if (q < stride) {
                    s0 += panel[pa + q] * panel[pb + q];
                }
                out[o] += s0 + s1;
            } else if (fl == 8) {
                dot8(panel, pa, pb, stride, out, o);
            } else if (fl == 1) {
                // One lane in the multi-lane order (one chain, as each of eight lanes sums): the generic
                // loop's bits, without its accumulator array.
                double s0 = 0;
                for (int q = 0; q < stride; q++) {
                    s0 += panel[pa + q] * panel[pb + q];
                }
                out[o] += s0;
            } else {
                for (int l = 0; l < fl; l++) {
                    acc[l] = 0;
                }
                for (int q = 0; q < stride; q += fl) {
                    for (int l = 0; l < fl; l++) {
                        acc[l] += panel[pa + q + l] * panel[pb + q + l];
                    }
                }
                for (int l = 0; l < fl; l++) {
                    out[o + l] += acc[l];
                }
            }
        }
    }

    /** out[o..o+8) += Σ_q panel[pa + 8q + l]·panel[pb + 8q + l], lanes in registers. */
    private static void dot8(double[] panel, int pa, int pb, int stride, double[] out, int o) {
        Lanes8Kernels simd = LaneSimd.kernels();
        if (simd != null) {
            simd.dotAdd(panel, pa, pb, stride, out, o);
            return;
        }
        double s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0;
        for (int q = 0; q < stride; q += 8) {
            int a = pa + q;
            int b = pb + q;
            s0 += panel[a] * panel[b];
            s1 += panel[a + 1] * panel[b + 1];
            s2 += panel[a + 2] * panel[b + 2];
            s3 += panel[a + 3] * panel[b + 3];
            s4 += panel[a + 4] * panel[b + 4];
            s5 += panel[a + 5] * panel[b + 5];
            s6 += panel[a + 6] * panel[b + 6];
            s7 += panel[a + 7] * panel[b + 7];
        }
        out[o] += s0;
        out[o + 1] += s1;
        out[o + 2] += s2;
        out[o + 3] += s3;
        out[o + 4] += s4;
        out[o + 5] += s5;
        out[o + 6] += s6;
        out[o + 7] += s7;
    }

    private void addP(double[] out) {
        if (mats.pPattern() == null) {
            return;
        }
        int[] colStart = mats.pPattern().colStartArray();
        int[] rowIndex = mats.pPattern().rowIndexArray();
        double[] p = mats.pValues();
        int lanes = mats.lanes();
        boolean perLane = !mats.pShared() && fl > 1;
        for (int j = 0; j < n; j++) {
            int base = PackedCholesky.rowStart(j) * fl;
            for (int k = colStart[j]; k < colStart[j + 1]; k++) {
                int o = base + rowIndex[k] * fl;
                if (perLane) {
                    for (int l = 0; l < fl; l++) {
                        out[o + l] += p[k * lanes + l];
                    }
                } else {
                    double v = mats.p(k, 0);
                    for (int l = 0; l < fl; l++) {
                        out[o + l] += v;
                    }
                }
            }
        }
    }
}
