// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.data;

import io.convexlayers.InvalidProblemException;


/**
 * A batch of cone programs with one structure: the same n, m, cones and the same sparsity patterns
 * of P and A; values of P, A, b and c either shared by the batch or per instance (batch-minor, see
 * {@link BatchArray}). When P and A are shared the solver can factor once for the whole batch.
 */
public final class BatchConeProgram {
    private final int batch;
    private final SparsePattern pPattern;
    private final BatchArray pValues;
    private final SparsePattern aPattern;
    private final BatchArray aValues;
    private final BatchArray b;
    private final BatchArray c;
    private final ConeDims cones;

    /**
     * @param pPattern upper-triangular pattern of P, or {@code null} for linear objectives
     * @param pValues values on {@code pPattern} ({@code null} iff pPattern is null)
     * @throws InvalidProblemException naming the offending field
     */
    public BatchConeProgram(SparsePattern pPattern, BatchArray pValues, SparsePattern aPattern,
                            BatchArray aValues, BatchArray b, BatchArray c, ConeDims cones) {
        if (aPattern == null || aValues == null) {
            throw new InvalidProblemException("A", "missing");
        }
        if (b == null || c == null || cones == null) {
            throw new InvalidProblemException(b == null ? "b" : c == null ? "c" : "cones", "missing");
        }
        this.batch = aValues.batch();
        if (batch < 1) {
            throw new InvalidProblemException("batch", "must hold at least one instance, got " + batch);
        }
        int m = aPattern.rows();
        int n = aPattern.cols();
        check("A.values", aValues, aPattern.nnz(), batch);
        check("b", b, m, batch);
        check("c", c, n, batch);
        if (cones.rows() != m) {
            throw new InvalidProblemException("cones", "cover " + cones.rows() + " rows but A has " + m
                    + " rows (" + cones + ")");
        }
        if ((pPattern == null) != (pValues == null)) {
            throw new InvalidProblemException("P", "pattern and values must both be given or both be null");
        }
        if (pPattern != null) {
            if (pPattern.rows() != n || pPattern.cols() != n) {
                throw new InvalidProblemException("P", "is " + pPattern.rows() + "x" + pPattern.cols()
                        + " but A has " + n + " columns");
            }
            if (!pPattern.isUpperTriangular()) {
                throw new InvalidProblemException("P", "must be stored as its upper triangle");
            }
            check("P.values", pValues, pPattern.nnz(), batch);
            pValues.requireFinite("P");
        }
        aValues.requireFinite("A");
        b.requireFinite("b");
        c.requireFinite("c");
        this.pPattern = pPattern;
        this.pValues = pValues;
        this.aPattern = aPattern;
        this.aValues = aValues;
        this.b = b;
        this.c = c;
        this.cones = cones;
    }

    private static void check(String name, BatchArray arr, int length, int batch) {
        if (arr.length() != length) {
            throw new InvalidProblemException(name, "length " + arr.length() + ", expected " + length);
        }
        if (arr.batch() != batch) {
            throw new InvalidProblemException(name, "batch size " + arr.batch() + ", expected " + batch);
        }
    }

    /** A batch of one. */
    public static BatchConeProgram of(ConeProgram program) {
        CscMatrix p = program.p();
        return new BatchConeProgram(p == null ? null : p.pattern(),
                p == null ? null : BatchArray.shared(p.values(), 1),
                program.a().pattern(), BatchArray.shared(program.a().values(), 1),
                BatchArray.shared(program.b(), 1), BatchArray.shared(program.c(), 1), program.cones());
    }

    /** Instance {@code k} as a stand-alone program. */
    public ConeProgram instance(int k) {
        CscMatrix p = pPattern == null ? null : new CscMatrix(pPattern, pValues.instance(k));
        return new ConeProgram(p, new CscMatrix(aPattern, aValues.instance(k)), b.instance(k),
                c.instance(k), cones);
    }

    public int batch() {
        return batch;
    }

    public int n() {
        return aPattern.cols();
    }

    public int m() {
        return aPattern.rows();
    }

    public ConeDims cones() {
        return cones;
    }

    public SparsePattern aPattern() {
        return aPattern;
    }

    public BatchArray aValues() {
        return aValues;
    }

    /** Pattern of P's upper triangle, or {@code null}. */
    public SparsePattern pPattern() {
        return pPattern;
    }

    /** Values of P, or {@code null}. */
    public BatchArray pValues() {
        return pValues;
    }

    public BatchArray b() {
        return b;
    }

    public BatchArray c() {
        return c;
    }

    /** True when A and P (if any) are the same for every instance, so one factorization serves all. */
    public boolean matricesShared() {
        return aValues.isShared() && (pValues == null || pValues.isShared());
    }
}
