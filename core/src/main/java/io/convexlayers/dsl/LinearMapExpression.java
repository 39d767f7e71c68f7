// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.dsl;

import java.util.ArrayList;
import java.util.List;

/**
 * A structural affine operation with nonnegative constant coefficients applied to the concatenated
 * entries of its operands: sum (all or per axis), index, slice, row, column, reshape, transpose,
 * horizontal/vertical stack, diag, trace. Its {@link LinearMap} is fixed when the
 * node is built. Sign and curvature combine like a sum (coefficients are ≥ 0), and the node is
 * increasing in every operand.
 */
public final class LinearMapExpression extends Expression {
    private final String name;
    private final boolean postfix;
    private final String suffix;
    private final List<Expression> args;
    private final LinearMap map;
    private final boolean symmetric;

    private LinearMapExpression(String name, boolean postfix, String suffix, Shape shape, List<Expression> args,
                                LinearMap map, boolean symmetric) {
        super(shape);
        this.name = name;
        this.postfix = postfix;
        this.suffix = suffix;
        this.args = List.copyOf(args);
        this.map = map;
        this.symmetric = symmetric;
    }

    /** The operation's map from the concatenated operand entries to this node's entries. */
    public LinearMap map() {
        return map;
    }

    /** The operation's name, for example {@code sum} or {@code transpose}. */
    public String name() {
        return name;
    }

    @Override
    public List<Expression> args() {
        return args;
    }

    @Override
    protected Sign computeSign() {
        Sign s = Sign.ZERO;
        for (Expression a : args) {
            s = s.add(a.sign());
        }
        return s;
    }

    @Override
    protected Curvature computeCurvature(Rules rules) {
        Curvature c = Curvature.CONSTANT;
        for (Expression a : args) {
            c = c.add(a.curvature(rules));
        }
        return c;
    }

    @Override
    protected String violation(Rules rules) {
        return "stacks operands of opposite curvature";
    }

    @Override
    public boolean isSymmetric() {
        return symmetric;
    }

    @Override
    protected double[] numeric(double[][] argValues) {
        double[] in = new double[map.inSize()];
        int off = 0;
        for (double[] v : argValues) {
            System.arraycopy(v, 0, in, off, v.length);
            off += v.length;
        }
        return map.apply(in);
    }

    @Override
    protected String render() {
        if (postfix) {
            return wrap(args.get(0), PREC_ATOM) + suffix;
        }
        StringBuilder sb = new StringBuilder(name).append('(');
        for (int i = 0; i < args.size(); i++) {
            sb.append(i > 0 ? ", " : "").append(args.get(i));
        }
        return sb.append(suffix).append(')').toString();
    }

    // ------------------------------------------------------------------ factories

    /** The same operation (name, map, printing) on other operands of the same shapes. */
    LinearMapExpression withArgs(List<Expression> newArgs) {
        return new LinearMapExpression(name, postfix, suffix, shape(), newArgs, map, symmetric);
    }

    /** A node applying {@code map} to the concatenated entries of {@code args} (internal rewrites). */
    static Expression of(String name, Shape shape, List<Expression> args, LinearMap map) {
        return new LinearMapExpression(name, false, "", shape, args, map, false);
    }


    static Expression sum(Expression e) {
        if (e.shape().isScalar()) {
            return e;
        }
        LinearMap.Builder b = LinearMap.builder(1, e.size());
        for (int i = 0; i < e.size(); i++) {
            b.add(0, i, 1);
        }
        return new LinearMapExpression("sum", false, "", Shape.scalar(), List.of(e), b.build(), true);
    }

    static Expression sum(Expression e, int axis) {
        Shape s = e.shape();
        if (s.isVector() && axis == 0) {
            LinearMap.Builder b = LinearMap.builder(1, e.size());
            for (int i = 0; i < e.size(); i++) {
                b.add(0, i, 1);
            }
            return new LinearMapExpression("sum", false, ", axis=0", Shape.scalar(), List.of(e), b.build(), true);
        }
        if (!s.isMatrix() || (axis != 0 && axis != 1)) {
            throw new ShapeException("sum(" + e + ", axis=" + axis + "): invalid axis for shape " + s);
        }
        int r = s.dim(0);
        int c = s.dim(1);
        int outSize = axis == 0 ? c : r;
        LinearMap.Builder b = LinearMap.builder(outSize, r * c);
        for (int i = 0; i < r; i++) {
            for (int j = 0; j < c; j++) {
                b.add(axis == 0 ? j : i, i * c + j, 1);
            }
        }
        return new LinearMapExpression("sum", false, ", axis=" + axis, Shape.vector(outSize), List.of(e),
                b.build(), outSize == 1);
    }

    private static void checkIndex(Expression e, String what, int i, int bound) {
        if (i < 0 || i >= bound) {
            throw new ShapeException(e + what + ": index " + i + " outside [0, " + bound + ") for shape " + e.shape());
        }
    }

    static Expression index(Expression e, int i) {
        if (!e.shape().isVector()) {
            throw new ShapeException(e + "[" + i + "]: one index needs a vector, got shape " + e.shape());
        }
        checkIndex(e, "[" + i + "]", i, e.size());
        return new LinearMapExpression("index", true, "[" + i + "]", Shape.scalar(), List.of(e),
                LinearMap.gather(new int[] {i}, e.size()), true);
    }

    static Expression index(Expression e, int i, int j) {
        String what = "[" + i + ", " + j + "]";
        if (!e.shape().isMatrix()) {
            throw new ShapeException(e + what + ": two indices need a matrix, got shape " + e.shape());
        }
        checkIndex(e, what, i, e.shape().dim(0));
        checkIndex(e, what, j, e.shape().dim(1));
        return new LinearMapExpression("index", true, what, Shape.scalar(), List.of(e),
                LinearMap.gather(new int[] {i * e.shape().dim(1) + j}, e.size()), true);
    }

    static Expression slice(Expression e, int from, int to) {
        String what = "[" + from + ":" + to + "]";
        if (!e.shape().isVector()) {
            throw new ShapeException(e + what + ": a one-dimensional slice needs a vector, got shape " + e.shape());
        }
        if (from < 0 || to > e.size() || from >= to) {
            throw new ShapeException(e + what + ": empty or out-of-range slice for shape " + e.shape());
        }
        int[] idx = new int[to - from];
        for (int k = 0; k < idx.length; k++) {
            idx[k] = from + k;
        }
        return new LinearMapExpression("slice", true, what, Shape.vector(idx.length), List.of(e),
                LinearMap.gather(idx, e.size()), false);
    }

    static Expression slice(Expression e, int r0, int r1, int c0, int c1) {
        String what = "[" + r0 + ":" + r1 + ", " + c0 + ":" + c1 + "]";
        if (!e.shape().isMatrix()) {
            throw new ShapeException(e + what + ": a two-dimensional slice needs a matrix, got shape " + e.shape());
        }
        int rows = e.shape().dim(0);
        int cols = e.shape().dim(1);
        if (r0 < 0 || r1 > rows || r0 >= r1 || c0 < 0 || c1 > cols || c0 >= c1) {
            throw new ShapeException(e + what + ": empty or out-of-range slice for shape " + e.shape());
        }
        int[] idx = new int[(r1 - r0) * (c1 - c0)];
        int k = 0;
        for (int i = r0; i < r1; i++) {
            for (int j = c0; j < c1; j++) {
                idx[k++] = i * cols + j;
            }
        }
        boolean sym = e.isSymmetric() && r0 == c0 && r1 == c1;
        return new LinearMapExpression("slice", true, what, Shape.matrix(r1 - r0, c1 - c0), List.of(e),
                LinearMap.gather(idx, e.size()), sym);
    }

    static Expression row(Expression e, int i) {
        if (!e.shape().isMatrix()) {
            throw new ShapeException(e + ".row(" + i + "): needs a matrix, got shape " + e.shape());
        }
        checkIndex(e, "[" + i + ", :]", i, e.shape().dim(0));
        int cols = e.shape().dim(1);
        int[] idx = new int[cols];
        for (int j = 0; j < cols; j++) {
            idx[j] = i * cols + j;
        }
        return new LinearMapExpression("row", true, "[" + i + ", :]", Shape.vector(cols), List.of(e),
                LinearMap.gather(idx, e.size()), false);
    }

    static Expression column(Expression e, int j) {
        if (!e.shape().isMatrix()) {
            throw new ShapeException(e + ".column(" + j + "): needs a matrix, got shape " + e.shape());
        }
        checkIndex(e, "[:, " + j + "]", j, e.shape().dim(1));
        int rows = e.shape().dim(0);
        int cols = e.shape().dim(1);
        int[] idx = new int[rows];
        for (int i = 0; i < rows; i++) {
            idx[i] = i * cols + j;
        }
        return new LinearMapExpression("column", true, "[:, " + j + "]", Shape.vector(rows), List.of(e),
                LinearMap.gather(idx, e.size()), false);
    }

    static Expression reshape(Expression e, Shape shape) {
        if (shape.size() != e.size()) {
            throw new ShapeException("reshape(" + e + "): cannot reshape shape " + e.shape() + " (" + e.size()
                    + " entries) to shape " + shape + " (" + shape.size() + " entries)");
        }
        if (shape.equals(e.shape())) {
            return e;
        }
        return new LinearMapExpression("reshape", false, ", " + shape, shape, List.of(e),
                LinearMap.identity(e.size()), false);
    }

    static Expression transpose(Expression e) {
        if (!e.shape().isMatrix()) {
            return e;
        }
        int r = e.shape().dim(0);
        int c = e.shape().dim(1);
        int[] idx = new int[r * c];
        for (int i = 0; i < c; i++) {
            for (int j = 0; j < r; j++) {
                idx[i * r + j] = j * c + i;
            }
        }
        return new LinearMapExpression("transpose", true, ".T", Shape.matrix(c, r), List.of(e),
                LinearMap.gather(idx, e.size()), e.isSymmetric());
    }

    static Expression trace(Expression e) {
        if (e.shape().isScalar()) {
            return e;
        }
        if (!e.shape().isMatrix() || !e.shape().isSquare()) {
            throw new ShapeException("trace(" + e + "): needs a square matrix, got shape " + e.shape());
        }
        int n = e.shape().dim(0);
        LinearMap.Builder b = LinearMap.builder(1, n * n);
        for (int i = 0; i < n; i++) {
            b.add(0, i * n + i, 1);
        }
        return new LinearMapExpression("trace", false, "", Shape.scalar(), List.of(e), b.build(), true);
    }

    static Expression diag(Expression e) {
        Shape s = e.shape();
        if (s.isVector()) {
            int n = s.dim(0);
            LinearMap.Builder b = LinearMap.builder(n * n, n);
            for (int i = 0; i < n; i++) {
                b.add(i * n + i, i, 1);
            }
            return new LinearMapExpression("diag", false, "", Shape.matrix(n, n), List.of(e), b.build(), true);
        }
        if (s.isMatrix() && s.isSquare()) {
            int n = s.dim(0);
            int[] idx = new int[n];
            for (int i = 0; i < n; i++) {
                idx[i] = i * n + i;
            }
            return new LinearMapExpression("diag", false, "", Shape.vector(n), List.of(e),
                    LinearMap.gather(idx, e.size()), false);
        }
        throw new ShapeException("diag(" + e + "): needs a vector or a square matrix, got shape " + s);
    }

    static Expression cumsum(Expression e, int axis) {
        if (e.shape().isScalar()) {
            return e;
        }
        return new CumsumExpression(e, axis);
    }

    static Expression hstack(Expression... es) {
        if (es.length == 0) {
            throw new ShapeException("hstack: needs at least one operand");
        }
        boolean flat = true;
        boolean mats = true;
        for (Expression e : es) {
            flat &= e.shape().ndim() <= 1;
            mats &= e.shape().isMatrix();
        }
        if (!flat && !mats) {
            throw new ShapeException("hstack: operands mix matrices and vectors: " + describe(es));
        }
        List<Expression> args = List.of(es);
        if (flat) {
            long total = 0;
            for (Expression e : es) {
                total += e.size();
            }
            Shape shape = Shape.vector(Shape.dimension("hstack of " + es.length + " operands", total));
            return new LinearMapExpression("hstack", false, "", shape, args, LinearMap.identity(shape.size()), false);
        }
        int rows = es[0].shape().dim(0);
        long colSum = 0;
        for (Expression e : es) {
            if (e.shape().dim(0) != rows) {
                throw new ShapeException("hstack: row counts differ: " + describe(es));
            }
            colSum += e.shape().dim(1);
        }
        int cols = Shape.dimension("hstack of " + es.length + " operands", colSum);
        Shape shape = Shape.matrix(rows, cols);
        LinearMap.Builder b = LinearMap.builder(shape.size(), shape.size());
        int in = 0;
        int c0 = 0;
        for (Expression e : es) {
            int ec = e.shape().dim(1);
            for (int i = 0; i < rows; i++) {
                for (int j = 0; j < ec; j++) {
                    b.add(i * cols + c0 + j, in++, 1);
                }
            }
            c0 += ec;
        }
        return new LinearMapExpression("hstack", false, "", shape, args, b.build(), false);
    }

    static Expression vstack(Expression... es) {
        if (es.length == 0) {
            throw new ShapeException("vstack: needs at least one operand");
        }
        int cols = es[0].shape().ndim() == 2 ? es[0].shape().dim(1) : es[0].size();
        long rowSum = 0;
        for (Expression e : es) {
            int ec = e.shape().ndim() == 2 ? e.shape().dim(1) : e.size();
            if (ec != cols) {
                throw new ShapeException("vstack: column counts differ: " + describe(es));
            }
            rowSum += e.shape().ndim() == 2 ? e.shape().dim(0) : 1;
        }
        Shape shape = Shape.matrix(Shape.dimension("vstack of " + es.length + " operands", rowSum), cols);
        return new LinearMapExpression("vstack", false, "", shape, List.of(es),
                LinearMap.identity(shape.size()), false);
    }

    private static String describe(Expression... es) {
        List<String> parts = new ArrayList<>();
        for (Expression e : es) {
            parts.add(e + " " + e.shape());
        }
        return String.join(", ", parts);
    }
}
