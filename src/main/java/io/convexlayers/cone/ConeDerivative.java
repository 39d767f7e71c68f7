package io.convexlayers.cone;

import io.convexlayers.data.ConeDims;

/**
 * The derivative DΠ of the projection onto a cone K or its dual K* (DESIGN §5), for one tile of
 * {@code lanes} instances in batch-minor layout (row r of lane l at {@code offset + r*lanes + l}),
 * linearised at a point v and applied to directions as a linear operator.
 * <p>
 * Block by block, at the rows' point v:
 * <ul>
 *   <li>zero rows: DΠ_{0} = 0 (for K), DΠ_R = I (for K*, the free cone);</li>
 *   <li>nonneg: diag(1[v &gt; 0]) with ½ at v = 0 ({@link NonnegCone});</li>
 *   <li>SOC: the closed form of {@link SecondOrderCone};</li>
 *   <li>PSD: Q(B ∘ (QᵀdXQ))Qᵀ in svec coordinates ({@link PsdCone});</li>
 *   <li>exponential and power triples: the 3×3 Jacobians of {@link ExpCone#jacobian} and
 *       {@link PowerCone#jacobian}, and for a dual cone DΠ_{K*}(v) = I − DΠ_K(−v).</li>
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
    private final int diagRows;
    private final double[] diag;
    private final int[] socOffsets;
    private final int[] socCoef;
    private final int[] socDir;
    private final double[] socCoefs;
    private final double[] socDirs;
    private final double[] socWork;
    private final int[] psdOffsets;
    private final int[] psdValueOffsets;
    private final int[] psdVectorOffsets;
    private final double[] psdValues;
    private final double[] psdVectors;
    private final PsdCone.Workspace psdWork;
    private final int tripleOffset;
    private final int tripleCount;
    private final double[] triples;
    private final double[] work;
    private boolean linearized;
    private boolean dual;

    /** Allocates all workspace for tiles of {@code lanes} instances. */
    public ConeDerivative(ConeDims dims, int lanes) {
        if (dims == null) {
            throw new IllegalArgumentException("dims must not be null");
        }
        if (lanes < 1) {
            throw new IllegalArgumentException("lanes must be >= 1, got " + lanes);
        }
        this.dims = dims;
        this.lanes = lanes;
        this.rows = dims.rows();
        this.diagRows = dims.zero() + dims.nonneg();
        this.diag = new double[diagRows * lanes];
        int[] soc = dims.soc();
        socOffsets = new int[soc.length];
        socCoef = new int[soc.length];
        socDir = new int[soc.length];
        int row = dims.socStart();
        int dirRows = 0;
        for (int i = 0; i < soc.length; i++) {
            socOffsets[i] = row * lanes;
            socCoef[i] = 4 * i * lanes;
            socDir[i] = dirRows * lanes;
            row += soc[i];
            dirRows += soc[i] - 1;
        }
        socCoefs = new double[4 * soc.length * lanes];
        socDirs = new double[dirRows * lanes];
        socWork = new double[lanes];
        int[] psd = dims.psd();
        psdOffsets = new int[psd.length];
        psdValueOffsets = new int[psd.length];
        psdVectorOffsets = new int[psd.length];
        row = dims.psdStart();
        int nValues = 0;
        int nVectors = 0;
        int maxOrder = 1;
        for (int i = 0; i < psd.length; i++) {
            int k = psd[i];
            psdOffsets[i] = row * lanes;
            psdValueOffsets[i] = nValues;
            psdVectorOffsets[i] = nVectors;
            row += ConeDims.svecLength(k);
            nValues += k * lanes;
            nVectors += k * k * lanes;
            maxOrder = Math.max(maxOrder, k);
        }
        psdValues = new double[nValues];
        psdVectors = new double[nVectors];
        psdWork = new PsdCone.Workspace(maxOrder);
        tripleOffset = dims.expStart();
        tripleCount = dims.exp() + dims.dualExp() + dims.power().length;
        triples = new double[9 * tripleCount * lanes];
        work = new double[6];
    }

    public ConeDims dims() {
        return dims;
    }

    public int lanes() {
        return lanes;
    }

    /**
     * Records the point v (batch-minor, at offset) where DΠ_{K*} is evaluated; dual=true for K*,
     * false for K.
     */
    public void linearizeAt(double[] v, int offset, boolean dual) {
        this.dual = dual;
        double zeroValue = dual ? 1.0 : 0.0;
        int zeroEnd = dims.zero() * lanes;
        for (int i = 0; i < zeroEnd; i++) {
            diag[i] = zeroValue;
        }
        for (int i = zeroEnd; i < diagRows * lanes; i++) {
            diag[i] = NonnegCone.derivative(v[offset + i]);
        }
        int[] soc = dims.soc();
        for (int i = 0; i < soc.length; i++) {
            SecondOrderCone.linearize(v, offset + socOffsets[i], soc[i], lanes, socCoefs, socCoef[i], socDirs,
                    socDir[i], socWork);
        }
        int[] psd = dims.psd();
        for (int i = 0; i < psd.length; i++) {
            PsdCone.linearize(v, offset + psdOffsets[i], psd[i], lanes, psdWork, psdValues, psdValueOffsets[i],
                    psdVectors, psdVectorOffsets[i]);
        }
        int exp = dims.exp();
        int dualExp = dims.dualExp();
        double[] power = dims.power();
        for (int c = 0; c < tripleCount; c++) {
            int in = offset + (tripleOffset + 3 * c) * lanes;
            int jb = 9 * c * lanes;
            for (int l = 0; l < lanes; l++) {
                double x = v[in + l];
                double y = v[in + lanes + l];
                double z = v[in + 2 * lanes + l];
                int base = jb + l;
                if (c < exp + dualExp) {
                    // exp block: K_exp for K, K_exp* for K*; dual-exp block the other way round
                    if ((c < exp) != dual) {
                        ExpCone.jacobian(x, y, z, work, triples, base, lanes);
                    } else {
                        ExpCone.jacobianDual(x, y, z, work, triples, base, lanes);
                    }
                } else {
                    double a = power[c - exp - dualExp];
                    if ((a > 0) != dual) {
                        PowerCone.jacobian(x, y, z, Math.abs(a), work, triples, base, lanes);
                    } else {
                        PowerCone.jacobianDual(x, y, z, Math.abs(a), work, triples, base, lanes);
                    }
                }
            }
        }
        linearized = true;
    }

    /** The number of leading rows (zero and nonnegative cones) on which DΠ is diagonal. */
    public int diagonalRows() {
        return diagRows;
    }

    /** DΠ's entry at a leading {@link #diagonalRows() diagonal row} for one lane: 0, ½ or 1. */
    public double diagonal(int row, int lane) {
        if (!linearized) {
            throw new IllegalStateException("linearizeAt must be called before diagonal");
        }
        return diag[row * lanes + lane];
    }

    /**
     * The row boundaries of the blocks after the diagonal rows, in order: block k spans rows
     * [bounds[k], bounds[k + 1]) (one per second-order cone, PSD cone, exponential or power triple).
     * DΠ has no entries between different blocks.
     */
    public int[] blockBounds() {
        int[] soc = dims.soc();
        int[] psd = dims.psd();
        int[] bounds = new int[soc.length + psd.length + tripleCount + 1];
        int k = 0;
        int row = diagRows;
        bounds[k++] = row;
        for (int size : soc) {
            row += size;
            bounds[k++] = row;
        }
        for (int order : psd) {
            row += ConeDims.svecLength(order);
            bounds[k++] = row;
        }
        for (int c = 0; c < tripleCount; c++) {
            row += 3;
            bounds[k++] = row;
        }
        return bounds;
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
        for (int i = 0; i < diagRows * lanes; i++) {
            out[outOffset + i] = diag[i] * d[dOffset + i];
        }
        int[] soc = dims.soc();
        for (int i = 0; i < soc.length; i++) {
            SecondOrderCone.applyDerivative(socCoefs, socCoef[i], socDirs, socDir[i], soc[i], lanes, d,
                    dOffset + socOffsets[i], out, outOffset + socOffsets[i], socWork);
        }
        int[] psd = dims.psd();
        for (int i = 0; i < psd.length; i++) {
            PsdCone.applyDerivative(psdValues, psdValueOffsets[i], psdVectors, psdVectorOffsets[i], psd[i], lanes, d,
                    dOffset + psdOffsets[i], out, outOffset + psdOffsets[i], psdWork);
        }
        for (int c = 0; c < tripleCount; c++) {
            int in = dOffset + (tripleOffset + 3 * c) * lanes;
            int o = outOffset + (tripleOffset + 3 * c) * lanes;
            int jb = 9 * c * lanes;
            for (int i = 0; i < 3; i++) {
                for (int l = 0; l < lanes; l++) {
                    double acc = 0.0;
                    for (int j = 0; j < 3; j++) {
                        int e = transpose ? 3 * j + i : 3 * i + j;
                        acc += triples[jb + e * lanes + l] * d[in + j * lanes + l];
                    }
                    out[o + i * lanes + l] = acc;
                }
            }
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
