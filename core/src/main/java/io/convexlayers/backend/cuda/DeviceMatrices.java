// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.backend.cuda;

import io.convexlayers.data.SparsePattern;

/**
 * The equilibrated P̂ and Â of one chunk on the device: values shared (one per pattern entry) or per
 * lane (batch-minor), plus three gather structures over the shared patterns so that every product
 * is one {@code cl_csr_mv} launch with one thread per (row, lane): the CSR of A (for Âx), A's CSC
 * read as the CSR of Aᵀ (for Âᵀy), and both triangles of P in CSR (for P̂x). Shared values whose
 * pattern is full (dense A; P with its whole upper triangle) are also kept as dense row-major copies, and
 * their products are tiled GEMMs ({@code cl_gemm_lanes}) that read the matrix once per 32 lanes instead
 * of once per (row, lane) thread — the same sums in the same order.
 */
final class DeviceMatrices {
    final int n;
    final int m;
    final int lanes;
    final boolean shared;
    final boolean hasP;
    final DeviceBuffer aVals;
    final DeviceBuffer pVals;
    final DeviceBuffer aColStart;
    final DeviceBuffer aRowIdx;
    final DeviceBuffer pDiag;
    private final Device device;
    private final DeviceBuffer aRowStart;
    private final DeviceBuffer aColIdx;
    private final DeviceBuffer aValIdx;
    private final DeviceBuffer atValIdx;
    private final DeviceBuffer pRowStart;
    private final DeviceBuffer pColIdx;
    private final DeviceBuffer pValIdx;
    private final SparsePattern aPattern;
    private final DeviceBuffer active;
    private final SparsePattern pPattern;
    // Dense row-major copies of shared full-pattern matrices (A, Aᵀ, symmetric P), or null; made from the
    // host values where the chunk has them (the shared path equilibrates on the host).
    private DeviceBuffer aDense;
    private DeviceBuffer atDense;
    private DeviceBuffer pDense;
    // The lanes still computed, in order (liveIdx[0, live)), for the tiled products.
    private final DeviceBuffer liveIdx;
    private int live;

    /**
     * @param aValues scaled values of A, {@code nnz} entries when {@code shared}, else batch-minor
     * @param pValues scaled values of P's upper triangle (same storage), or null
     */
    DeviceMatrices(BufferPool.Lease lease, SparsePattern aPattern, double[] aValues, SparsePattern pPattern,
                   double[] pValues, boolean shared, int lanes) {
        this(lease, aPattern, lease.upload(aValues), pPattern,
                pPattern != null && pPattern.nnz() > 0 ? lease.upload(pValues) : null, shared, lanes);
        boolean denseA = denseProductsEnabled() && shared && aPattern.nnz() == (long) m * n && m > 0 && n > 0;
        if (denseA) {
            double[] a = dense(aPattern, aValues, false);
            this.aDense = lease.upload(a);
            this.atDense = lease.upload(transpose(a, m, n));
        }
        if (denseProductsEnabled() && shared && hasP && pPattern.nnz() == (long) n * (n + 1) / 2) {
            this.pDense = lease.upload(dense(pPattern, pValues, true));
        }
    }

    /**
     * As above, over values already on the device (held by {@code lease}'s owner; scaled in place by
     * equilibration).
     *
     * @param pValues P's values, or null when P has no stored entry
     */
    DeviceMatrices(BufferPool.Lease lease, SparsePattern aPattern, DeviceBuffer aValues, SparsePattern pPattern,
                   DeviceBuffer pValues, boolean shared, int lanes) {
        this.device = lease.device();
        this.aPattern = aPattern;
        this.pPattern = pPattern;
        this.n = aPattern.cols();
        this.m = aPattern.rows();
        this.lanes = lanes;
        this.shared = shared;
        this.hasP = pPattern != null && pPattern.nnz() > 0;
        this.aVals = aValues;
        this.pVals = hasP ? pValues : lease.doubles(1);

        this.aColStart = lease.upload(aPattern.colStartArray());
        this.aRowIdx = lease.upload(aPattern.rowIndexArray());
        int nnz = aPattern.nnz();
        int[] identity = new int[nnz];
        for (int k = 0; k < nnz; k++) {
            identity[k] = k;
        }
        this.atValIdx = lease.upload(identity);
        Csr a = Csr.ofTranspose(aPattern);
        this.aRowStart = lease.upload(a.rowStart);
        this.aColIdx = lease.upload(a.colIdx);
        this.aValIdx = lease.upload(a.valIdx);

        int[] diag = new int[n];
        java.util.Arrays.fill(diag, -1);
        if (hasP) {
            Csr p = Csr.ofSymmetric(pPattern);
            this.pRowStart = lease.upload(p.rowStart);
            this.pColIdx = lease.upload(p.colIdx);
            this.pValIdx = lease.upload(p.valIdx);
            for (int j = 0; j < n; j++) {
                diag[j] = pPattern.find(j, j);
            }
        } else {
            this.pRowStart = null;
            this.pColIdx = null;
            this.pValIdx = null;
        }
        this.pDiag = lease.upload(diag);
        int[] ones = new int[lanes];
        java.util.Arrays.fill(ones, 1);
        this.active = lease.upload(ones);
        int[] all = new int[lanes];
        for (int l = 0; l < lanes; l++) {
            all[l] = l;
        }
        this.liveIdx = lease.upload(all);
        this.live = lanes;
    }

    /** System property that keeps shared full-pattern products on the SpMV ({@code false}; tests compare the two). */
    static final String DENSE_PRODUCTS_PROPERTY = "convexlayers.cuda.denseProducts";

    private static boolean denseProductsEnabled() {
        return !"false".equalsIgnoreCase(System.getProperty(DENSE_PRODUCTS_PROPERTY, "true"));
    }

    /** Row-major dense copy of a CSC pattern's values (both triangles when {@code symmetricUpper}). */
    private static double[] dense(SparsePattern p, double[] values, boolean symmetricUpper) {
        double[] d = new double[p.rows() * p.cols()];
        dense(p, values, 1, symmetricUpper, d, 0);
        return d;
    }

    /**
     * Dense row-major copies of {@code lanes} lanes' batch-minor values of {@code p} into {@code out} from
     * {@code offset}, one lane after the other (rows × cols each); {@code symmetricUpper}: p is the upper
     * triangle of a symmetric matrix, written to both triangles.
     */
    static void dense(SparsePattern p, double[] values, int lanes, boolean symmetricUpper, double[] out, int offset) {
        int rows = p.rows();
        int cols = p.cols();
        for (int j = 0; j < cols; j++) {
            for (int q = p.colStart(j); q < p.colStart(j + 1); q++) {
                int i = p.rowIndex(q);
                for (int k = 0; k < lanes; k++) {
                    int base = offset + k * rows * cols;
                    out[base + i * cols + j] = values[q * lanes + k];
                    if (symmetricUpper) {
                        out[base + j * cols + i] = values[q * lanes + k];
                    }
                }
            }
        }
    }

    private static double[] transpose(double[] d, int rows, int cols) {
        double[] t = new double[rows * cols];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                t[j * rows + i] = d[i * cols + j];
            }
        }
        return t;
    }

    /** True when the products are tiled GEMMs on dense copies (shared values, full A). */
    boolean denseProducts() {
        return aDense != null;
    }

    /**
     * out (rows × lanes) = M x (or += when {@code accumulate}) on the live lanes, for a row-major matrix M
     * shared by the batch and a batch-minor x: one {@code cl_gemm_lanes} launch of 32 × 32 output tiles
     * over the lanes {@code liveIdx[0, live)}; the other lanes' outputs are left as they are.
     */
    static void gemm(Device device, int rows, int inner, int lanes, int live, DeviceBuffer liveIdx,
                     DeviceBuffer.Ptr mat, DeviceBuffer.Ptr x, DeviceBuffer.Ptr out, boolean accumulate) {
        int tiles = ((rows + 31) / 32) * ((live + 31) / 32);
        device.launchBlocks(CudaKernel.GEMM_LANES, tiles, 256, 0, rows, inner, lanes, live, liveIdx, mat, x, out,
                accumulate ? 1 : 0);
    }

    /** The tiled product with this chunk's live lanes (see {@link #gemm(Device, int, int, int, int, DeviceBuffer,
     * DeviceBuffer.Ptr, DeviceBuffer.Ptr, DeviceBuffer.Ptr, boolean)}). */
    void gemmLive(int rows, int inner, DeviceBuffer.Ptr mat, DeviceBuffer.Ptr x, DeviceBuffer.Ptr out,
                  boolean accumulate) {
        gemm(device, rows, inner, lanes, live, liveIdx, mat, x, out, accumulate);
    }

    /** A's CSR row starts (for row-wise passes such as equilibration). */
    DeviceBuffer aRowStart() {
        return aRowStart;
    }

    /** Position of each CSR entry of A in A's value array. */
    DeviceBuffer aValIdx() {
        return aValIdx;
    }

    /** Row starts of the symmetric P's CSR (both triangles); a one-element buffer without P. */
    DeviceBuffer pRowStart() {
        return pRowStart != null ? pRowStart : pDiag;
    }

    /** Position of each entry of the symmetric P's CSR in P's value array; see {@link #pRowStart}. */
    DeviceBuffer pValIdx() {
        return pValIdx != null ? pValIdx : pDiag;
    }

    /**
     * Restricts every later product to the lanes where {@code activeHost[l]} holds (finished lanes of a
     * solve then read nothing; the SpMV makes their outputs 0, the tiled products leave them as they
     * are and cost only the live lanes' work). All lanes are active until the first call.
     */
    void setActiveLanes(boolean[] activeHost) {
        int[] flags = new int[lanes];
        int[] idx = new int[lanes];
        int k = 0;
        for (int l = 0; l < lanes; l++) {
            flags[l] = activeHost[l] ? 1 : 0;
            if (activeHost[l]) {
                idx[k++] = l;
            }
        }
        device.upload(flags, 0, active.ptr(), lanes);
        if (k > 0) {
            device.upload(idx, 0, liveIdx.ptr(), k);
        }
        live = k;
    }

    /**
     * The index structures of the three products, in the order a fused kernel takes them: A's CSR
     * (row starts, columns, value positions), Aᵀ's (A's CSC), and the symmetric P's (both triangles; the
     * one-element placeholder without P, never read then).
     */
    DeviceBuffer[] productStructures() {
        DeviceBuffer pStart = pRowStart();
        DeviceBuffer pCol = pColIdx != null ? pColIdx : pDiag;
        return new DeviceBuffer[] {aRowStart, aColIdx, aValIdx, aColStart, aRowIdx, atValIdx, pStart, pCol,
            pValIdx()};
    }

    /** Per-lane flags of the lanes still computed (1) or finished (0). */
    DeviceBuffer activeLanes() {
        return active;
    }

    private void product(int rows, DeviceBuffer rowStart, DeviceBuffer colIdx, DeviceBuffer valIdx,
                         DeviceBuffer vals, DeviceBuffer.Ptr x, DeviceBuffer.Ptr out, boolean accumulate) {
        int total = rows * lanes;
        device.launch(CudaKernel.CSR_MV, total, total, lanes, rowStart, colIdx, valIdx, vals, sharedFlag(), x, out,
                accumulate ? 1 : 0, active);
    }

    SparsePattern aPattern() {
        return aPattern;
    }

    SparsePattern pPattern() {
        return pPattern;
    }

    int sharedFlag() {
        return shared ? 1 : 0;
    }

    /** out (m rows) = Âx (or += when {@code accumulate}). */
    void mulA(DeviceBuffer.Ptr x, DeviceBuffer.Ptr out, boolean accumulate) {
        if (aDense != null) {
            gemmLive(m, n, aDense.ptr(), x, out, accumulate);
        } else {
            product(m, aRowStart, aColIdx, aValIdx, aVals, x, out, accumulate);
        }
    }

    /** out (n rows) = Âᵀy (or += when {@code accumulate}). */
    void mulAT(DeviceBuffer.Ptr y, DeviceBuffer.Ptr out, boolean accumulate) {
        if (atDense != null) {
            gemmLive(n, m, atDense.ptr(), y, out, accumulate);
        } else {
            product(n, aColStart, aRowIdx, atValIdx, aVals, y, out, accumulate);
        }
    }

    /** out (n rows) = P̂x (or += when {@code accumulate}); zero (or unchanged) without P. */
    void mulP(DeviceBuffer.Ptr x, DeviceBuffer.Ptr out, boolean accumulate) {
        if (pDense != null) {
            gemmLive(n, n, pDense.ptr(), x, out, accumulate);
        } else if (hasP) {
            product(n, pRowStart, pColIdx, pValIdx, pVals, x, out, accumulate);
        } else if (!accumulate) {
            device.launch(CudaKernel.FILL, n * lanes, n * lanes, out, 0.0);
        }
    }

    /** A CSR gather structure whose entries point into another matrix's value array. */
    record Csr(int[] rowStart, int[] colIdx, int[] valIdx) {

        /** The CSR of the matrix whose CSC pattern is given (row-wise access to A). */
        static Csr ofTranspose(SparsePattern p) {
            int rows = p.rows();
            int[] start = new int[rows + 1];
            for (int k = 0; k < p.nnz(); k++) {
                start[p.rowIndex(k) + 1]++;
            }
            for (int r = 0; r < rows; r++) {
                start[r + 1] += start[r];
            }
            int[] fill = start.clone();
            int[] col = new int[p.nnz()];
            int[] val = new int[p.nnz()];
            for (int j = 0; j < p.cols(); j++) {
                for (int k = p.colStart(j); k < p.colStart(j + 1); k++) {
                    int q = fill[p.rowIndex(k)]++;
                    col[q] = j;
                    val[q] = k;
                }
            }
            return new Csr(start, col, val);
        }

        /** The CSR of the symmetric matrix whose upper triangle {@code p} stores (both triangles). */
        static Csr ofSymmetric(SparsePattern p) {
            int n = p.cols();
            int[] start = new int[n + 1];
            for (int j = 0; j < n; j++) {
                for (int k = p.colStart(j); k < p.colStart(j + 1); k++) {
                    int i = p.rowIndex(k);
                    start[i + 1]++;
                    if (i != j) {
                        start[j + 1]++;
                    }
                }
            }
            for (int r = 0; r < n; r++) {
                start[r + 1] += start[r];
            }
            int[] fill = start.clone();
            int[] col = new int[start[n]];
            int[] val = new int[start[n]];
            for (int j = 0; j < n; j++) {
                for (int k = p.colStart(j); k < p.colStart(j + 1); k++) {
                    int i = p.rowIndex(k);
                    int q = fill[i]++;
                    col[q] = j;
                    val[q] = k;
                    if (i != j) {
                        q = fill[j]++;
                        col[q] = i;
                        val[q] = k;
                    }
                }
            }
            return new Csr(start, col, val);
        }
    }
}
