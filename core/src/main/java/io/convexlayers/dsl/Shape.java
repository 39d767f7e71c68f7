// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.dsl;

import java.util.Arrays;

/**
 * The shape of an expression: a scalar {@code ()}, a vector {@code (n,)} or a matrix
 * {@code (m, n)}. Entries are flattened in row-major order everywhere (DESIGN §2): entry (i, j) of
 * an m×n matrix is flat index {@code i * n + j}. In matrix products a vector on the right acts as a
 * column and a vector on the left as a row. Immutable.
 *
 * <p>A shape has at most {@link #MAX_SIZE} entries. The product of the dimensions is taken in
 * {@code long}, and operations that derive a dimension from others (Kronecker products, stacking)
 * check it with {@link #dimension} before building the shape, so that no size ever overflows an
 * {@code int}: a shape whose entries would not fit is a {@link ShapeException}, not a negative
 * size that fails later somewhere else.
 */
public final class Shape {
    /**
     * The most entries an expression may have: 2²² (4 194 304, a 2 048 × 2 048 matrix), the
     * readers' limit too. Compiling keeps a few coefficient entries of 20 bytes per expression
     * entry, so this bounds the memory one expression can take to a few hundred megabytes; the
     * layer fuzzer showed 3 000 × 3 000 matrices taking 2.8 GB before their product was refused.
     */
    public static final int MAX_SIZE = 1 << 22;

    private static final Shape SCALAR = new Shape(new int[0]);
    private final int[] dims;

    private Shape(int[] dims) {
        long size = 1;
        for (int d : dims) {
            if (d < 1) {
                throw new ShapeException("dimensions must be positive, got " + Arrays.toString(dims));
            }
            size *= d; // at most two factors below 2³¹: exact in a long
        }
        if (size > MAX_SIZE) {
            throw new ShapeException("shape " + Arrays.toString(dims) + " has " + size
                    + " entries, more than Shape.MAX_SIZE = " + MAX_SIZE);
        }
        this.dims = dims;
    }

    /**
     * A dimension computed by {@code operation} from other dimensions, as a {@code long} so that
     * the computation itself cannot overflow; checked to be at most {@link #MAX_SIZE}.
     *
     * @throws ShapeException naming the operation when it is larger
     */
    static int dimension(String operation, long value) {
        if (value > MAX_SIZE) {
            throw new ShapeException(operation + ": the result would have a dimension of " + value
                    + ", more than Shape.MAX_SIZE = " + MAX_SIZE);
        }
        return (int) value;
    }

    /** The scalar shape {@code ()}. */
    public static Shape scalar() {
        return SCALAR;
    }

    /** A vector shape {@code (n,)}. */
    public static Shape vector(int n) {
        return new Shape(new int[] {n});
    }

    /** A matrix shape {@code (rows, cols)}. */
    public static Shape matrix(int rows, int cols) {
        return new Shape(new int[] {rows, cols});
    }

    /** A shape from zero, one or two dimensions. */
    public static Shape of(int... dims) {
        if (dims.length > 2) {
            throw new ShapeException("at most two dimensions are supported, got " + Arrays.toString(dims));
        }
        return dims.length == 0 ? SCALAR : new Shape(dims.clone());
    }

    /** Number of dimensions: 0, 1 or 2. */
    public int ndim() {
        return dims.length;
    }

    /** Dimension {@code k}. */
    public int dim(int k) {
        return dims[k];
    }

    /** A copy of the dimensions. */
    public int[] dims() {
        return dims.clone();
    }

    /** Number of entries. */
    public int size() {
        int s = 1;
        for (int d : dims) {
            s *= d;
        }
        return s;
    }

    public boolean isScalar() {
        return dims.length == 0;
    }

    public boolean isVector() {
        return dims.length == 1;
    }

    public boolean isMatrix() {
        return dims.length == 2;
    }

    /** True for a matrix with as many rows as columns, or a scalar (a 1×1 matrix). */
    public boolean isSquare() {
        return dims.length == 0 || (dims.length == 2 && dims[0] == dims[1]);
    }

    /** Rows when viewed as a matrix: scalar 1, vector (n,) as a column n. */
    public int rows() {
        return dims.length == 0 ? 1 : dims[0];
    }

    /** Columns when viewed as a matrix: scalar 1, vector (n,) as a column 1. */
    public int cols() {
        return dims.length == 2 ? dims[1] : 1;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Shape s && Arrays.equals(dims, s.dims);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(dims);
    }

    /** NumPy notation: {@code ()}, {@code (3,)}, {@code (3, 4)}. */
    @Override
    public String toString() {
        return switch (dims.length) {
            case 0 -> "()";
            case 1 -> "(" + dims[0] + ",)";
            default -> "(" + dims[0] + ", " + dims[1] + ")";
        };
    }
}
