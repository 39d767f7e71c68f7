// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.cone;

import io.convexlayers.data.ConeDims;

/**
 * The cone S₊ᵏ of positive semidefinite k×k matrices (self-dual), in svec coordinates
 * (DESIGN §2): the lower triangle column by column, off-diagonal entries scaled by √2,
 * <pre>
 *   svec(S) = (S₁₁, √2 S₂₁, …, √2 S_k₁, S₂₂, √2 S₃₂, …, S_kk),   tr(YS) = svec(Y)ᵀ svec(S),
 * </pre>
 * so that svec is an isometry and the projection in svec coordinates is the Frobenius projection
 * <pre>
 *   Π(X) = Q max(Λ, 0) Qᵀ   for   X = Q Λ Qᵀ   (eigendecomposition by {@link SymmetricEigen}).
 * </pre>
 * Derivative (DESIGN §5): DΠ(X)[dX] = Q (B ∘ (QᵀdXQ)) Qᵀ with B_ij = 1 when λ_i, λ_j ≥ 0, 0
 * when both are negative, and λ_i⁺/(λ_i⁺ + |λ_j⁻|) (symmetrically) in the mixed case; applied in
 * svec coordinates, where it is a symmetric operator because svec is an isometry.
 * <p>
 * A block holds the cones of {@link ConeDims#psd()} in order. Batched layout: svec entry p of a
 * cone of lane l at {@code offset + p*lanes + l}; each lane is decomposed on its own.
 */
final class PsdCone extends ConeBlock {

    private final int[] orders;
    /** Position of each cone's first row, row·lanes. */
    private final int[] offsets;
    private final Workspace work;

    private PsdCone(int start, int[] orders, int lanes) {
        super(start, svecLengths(orders), lanes);
        this.orders = orders.clone();
        this.offsets = new int[orders.length];
        int row = start;
        int maxOrder = 1;
        for (int i = 0; i < orders.length; i++) {
            offsets[i] = row * lanes;
            row += ConeDims.svecLength(orders[i]);
            maxOrder = Math.max(maxOrder, orders[i]);
        }
        this.work = new Workspace(maxOrder);
    }

    /** The PSD cones of {@code dims}, from row {@code start}. */
    static PsdCone of(ConeDims dims, int start, int lanes) {
        return new PsdCone(start, dims.psd(), lanes);
    }

    private static int[] svecLengths(int[] orders) {
        int[] lengths = new int[orders.length];
        for (int i = 0; i < orders.length; i++) {
            lengths[i] = ConeDims.svecLength(orders[i]);
        }
        return lengths;
    }

    @Override
    public void projectPrimal(double[] v, int offset) {
        for (int i = 0; i < orders.length; i++) {
            project(v, offset + offsets[i], orders[i], lanes(), work);
        }
    }

    /** Self-dual: the same projection. */
    @Override
    public void projectDual(double[] v, int offset) {
        projectPrimal(v, offset);
    }

    /** Workspace for projections of order at most {@code maxOrder}; not thread-safe. */
    static final class Workspace {
        final SymmetricEigen eigen;
        final double[] matrix;
        final double[] result;
        final double[] temp;

        Workspace(int maxOrder) {
            this.eigen = new SymmetricEigen(Math.max(1, maxOrder));
            int k = Math.max(1, maxOrder);
            this.matrix = new double[k * k];
            this.result = new double[k * k];
            this.temp = new double[k * k];
        }

        /** The eigendecomposition of the last matrix projected. */
        SymmetricEigen eigen() {
            return eigen;
        }
    }

    /** In place, every lane of one PSD cone of order {@code k}. */
    static void project(double[] v, int offset, int k, int lanes, Workspace ws) {
        for (int l = 0; l < lanes; l++) {
            projectLane(v, offset + l, lanes, k, ws);
        }
    }

    /** In place, a single instance stored contiguously at {@code v[offset ..)}. */
    static void project(double[] v, int offset, int k, Workspace ws) {
        projectLane(v, offset, 1, k, ws);
    }

    private static void projectLane(double[] v, int start, int stride, int k, Workspace ws) {
        if (k == 1) {
            v[start] = Math.max(v[start], 0.0);
            return;
        }
        double[] m = ws.matrix;
        SvecMatrix.unpack(v, start, stride, k, m);
        SymmetricEigen eig = ws.eigen;
        eig.decompose(m, k);
        double[] lambda = eig.valuesArray();
        int negative = 0;
        while (negative < k && lambda[negative] < 0) {
            negative++;
        }
        if (negative == 0) {
            return;   // already PSD: leave the input bit for bit
        }
        double[] out = ws.result;
        if (negative == k) {
            for (int i = 0; i < k * k; i++) {
                out[i] = 0.0;
            }
        } else if (negative <= k - negative) {
            // X − Σ_{λ<0} λ q qᵀ: fewer terms, and exact where X is
            System.arraycopy(m, 0, out, 0, k * k);
            addOuter(out, k, eig, 0, negative, -1.0);
        } else {
            for (int i = 0; i < k * k; i++) {
                out[i] = 0.0;
            }
            addOuter(out, k, eig, negative, k, 1.0);
        }
        SvecMatrix.pack(out, k, v, start, stride);
    }

    /** Lower triangle of out += sign · Σ_{i ∈ [from, to)} λ_i q_i q_iᵀ. */
    private static void addOuter(double[] out, int k, SymmetricEigen eig, int from, int to, double sign) {
        double[] lambda = eig.valuesArray();
        double[] q = eig.vectorsArray();
        for (int e = from; e < to; e++) {
            double w = sign * lambda[e];
            int row = e * k;
            for (int j = 0; j < k; j++) {
                double wj = w * q[row + j];
                for (int i = j; i < k; i++) {
                    out[i * k + j] += wj * q[row + i];
                }
            }
        }
    }

    /**
     * Records DΠ at every lane of one cone of order k: the eigenvalues of lane l at
     * {@code values[valuesOffset + l*k ..]} and its eigenvectors (rows, k×k) at
     * {@code vectors[vectorsOffset + l*k*k ..]}.
     */
    static void linearize(double[] v, int offset, int k, int lanes, Workspace ws, double[] values,
                                 int valuesOffset, double[] vectors, int vectorsOffset) {
        for (int l = 0; l < lanes; l++) {
            SvecMatrix.unpack(v, offset + l, lanes, k, ws.matrix);
            ws.eigen.decompose(ws.matrix, k);
            System.arraycopy(ws.eigen.valuesArray(), 0, values, valuesOffset + l * k, k);
            System.arraycopy(ws.eigen.vectorsArray(), 0, vectors, vectorsOffset + l * k * k, k * k);
        }
    }

    /** B_ij of DESIGN §5 for eigenvalues λ_i, λ_j. */
    static double weight(double li, double lj) {
        if (li >= 0 && lj >= 0) {
            return 1.0;
        }
        if (li < 0 && lj < 0) {
            return 0.0;
        }
        return li >= 0 ? li / (li - lj) : lj / (lj - li);
    }

    /**
     * out = DΠ·δ for every lane of one cone linearised by {@link #linearize}; DΠ is symmetric, so
     * this is also the transpose.
     */
    static void applyDerivative(double[] values, int valuesOffset, double[] vectors, int vectorsOffset, int k,
                                       int lanes, double[] d, int dOffset, double[] out, int outOffset,
                                       Workspace ws) {
        double[] m = ws.matrix;
        double[] t = ws.temp;
        double[] r = ws.result;
        for (int l = 0; l < lanes; l++) {
            int vb = valuesOffset + l * k;
            int qb = vectorsOffset + l * k * k;
            SvecMatrix.unpack(d, dOffset + l, lanes, k, m);
            // t = dX Qᵀ: t[a][j] = Σ_b dX[a][b] q_j[b]
            for (int a = 0; a < k; a++) {
                for (int j = 0; j < k; j++) {
                    double acc = 0.0;
                    for (int b = 0; b < k; b++) {
                        acc += m[a * k + b] * vectors[qb + j * k + b];
                    }
                    t[a * k + j] = acc;
                }
            }
            // r = B ∘ (Q dX Qᵀ): r[i][j] = B_ij Σ_a q_i[a] t[a][j]
            for (int i = 0; i < k; i++) {
                for (int j = 0; j < k; j++) {
                    double acc = 0.0;
                    for (int a = 0; a < k; a++) {
                        acc += vectors[qb + i * k + a] * t[a * k + j];
                    }
                    r[i * k + j] = acc * weight(values[vb + i], values[vb + j]);
                }
            }
            // out = Qᵀ r Q: t[i][b] = Σ_j r[i][j] q_j[b], then m[a][b] = Σ_i q_i[a] t[i][b]
            for (int i = 0; i < k; i++) {
                for (int b = 0; b < k; b++) {
                    double acc = 0.0;
                    for (int j = 0; j < k; j++) {
                        acc += r[i * k + j] * vectors[qb + j * k + b];
                    }
                    t[i * k + b] = acc;
                }
            }
            for (int a = 0; a < k; a++) {
                for (int b = 0; b <= a; b++) {
                    double acc = 0.0;
                    for (int i = 0; i < k; i++) {
                        acc += vectors[qb + i * k + a] * t[i * k + b];
                    }
                    m[a * k + b] = acc;
                }
            }
            SvecMatrix.pack(m, k, out, outOffset + l, lanes);
        }
    }

    @Override
    BlockDerivative derivative() {
        return new Derivative();
    }

    /** Per cone and lane: the eigenvalues and eigenvectors of {@link #linearize}. */
    private final class Derivative extends BlockDerivative {
        private final int[] valueOffsets = new int[orders.length];
        private final int[] vectorOffsets = new int[orders.length];
        private final double[] values;
        private final double[] vectors;

        Derivative() {
            int lanes = lanes();
            int nValues = 0;
            int nVectors = 0;
            for (int i = 0; i < orders.length; i++) {
                int k = orders[i];
                valueOffsets[i] = nValues;
                vectorOffsets[i] = nVectors;
                nValues += k * lanes;
                nVectors += k * k * lanes;
            }
            values = new double[nValues];
            vectors = new double[nVectors];
        }

        /** Self-dual: the same for K and K*. */
        @Override
        void linearizeAt(double[] v, int offset, boolean dual) {
            for (int i = 0; i < orders.length; i++) {
                linearize(v, offset + offsets[i], orders[i], lanes(), work, values, valueOffsets[i], vectors,
                        vectorOffsets[i]);
            }
        }

        /** Symmetric: the transpose is the same product. */
        @Override
        void apply(double[] d, int dOffset, double[] out, int outOffset, boolean transpose) {
            for (int i = 0; i < orders.length; i++) {
                applyDerivative(values, valueOffsets[i], vectors, vectorOffsets[i], orders[i], lanes(), d,
                        dOffset + offsets[i], out, outOffset + offsets[i], work);
            }
        }
    }
}
