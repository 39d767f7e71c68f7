// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.canon;

import io.convexlayers.dsl.CompileOptions;
import io.convexlayers.data.ConeDims;
import io.convexlayers.dsl.Constraint;
import io.convexlayers.dsl.Numerics;
import io.convexlayers.dsl.Parameter;
import io.convexlayers.dsl.ParameterValueException;
import io.convexlayers.dsl.Problem;
import io.convexlayers.dsl.Variable;
import io.convexlayers.data.BatchArray;
import io.convexlayers.data.BatchConeProgram;
import io.convexlayers.data.ConeProgram;
import io.convexlayers.data.CscMatrix;
import io.convexlayers.data.SparsePattern;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A problem compiled once into a cone program whose data is an affine function of the parameters
 * (DESIGN §1–3, Agrawal et al. 2019 §4):
 * <pre>
 *   minimize ½xᵀP(θ)x + c(θ)ᵀx + d(θ)   subject to  A(θ)x + s = b(θ),  s ∈ K
 * </pre>
 * with vals(A) = T_A·[θ; 1], b = T_b·[θ; 1], c = T_c·[θ; 1], vals(P) = T_P·[θ; 1], d = T_d·[θ; 1].
 * A and P live on fixed sparsity patterns that hold every entry that can be nonzero for some θ
 * (an entry stays in the pattern even when its value is zero for a particular θ).
 *
 * <p><b>Flattening of θ.</b> The parameters are ordered as {@link #parameters()} (the order of
 * {@link Problem#parameters()}: first appearance in the objective, then in the constraints, depth
 * first and left to right); θ is their row-major values concatenated, parameter i occupying
 * {@code [parameterOffset(i), parameterOffset(i) + size)}. A batch of θ is batch-minor: entry i
 * of instance b at {@code i * batch + b} (DESIGN §2).
 *
 * <p><b>Tensors.</b> Each T is a {@link ParameterMap}: rows are data entries (A's values in the
 * pattern's CSC order, b's m entries, c's n entries, P's values in its pattern order, the one
 * offset), columns are θ's entries followed by one constant column.
 *
 * <p><b>Objective sense.</b> A maximization is compiled as minimizing −objective; the user's
 * objective value is {@code objectiveSign() · (½xᵀPx + cᵀx + d)}.
 *
 * <p>Immutable and thread-safe.
 */
public final class ParametricConeProgram {
    private final List<Parameter> parameters;
    private final Map<Parameter, Integer> parameterOffsets;
    private final int thetaLength;
    private final int n;
    private final int m;
    private final ConeDims cones;
    private final SparsePattern aPattern;
    private final SparsePattern pPattern;
    private final ParameterMap tA;
    private final ParameterMap tB;
    private final ParameterMap tC;
    private final ParameterMap tP;
    private final ParameterMap tOffset;
    private final double objectiveSign;
    private final Map<Variable, VariableSlice> slices;
    private final Map<Constraint, ConstraintDual> duals;
    private final Set<Parameter> psdChecked;
    private final CompileOptions options;

    ParametricConeProgram(List<Parameter> parameters, Map<Parameter, Integer> parameterOffsets, int thetaLength,
                          int n, int m, ConeDims cones, TensorAssembly.Matrix a, TensorAssembly.Matrix p,
                          ParameterMap tB, ParameterMap tC, ParameterMap tOffset, double objectiveSign,
                          Map<Variable, VariableSlice> slices, Map<Constraint, ConstraintDual> duals,
                          Set<Parameter> psdChecked, CompileOptions options) {
        this.parameters = List.copyOf(parameters);
        this.parameterOffsets = parameterOffsets;
        this.thetaLength = thetaLength;
        this.n = n;
        this.m = m;
        this.cones = cones;
        this.aPattern = a.pattern();
        this.tA = a.map();
        this.pPattern = p == null ? null : p.pattern();
        this.tP = p == null ? null : p.map();
        this.tB = tB;
        this.tC = tC;
        this.tOffset = tOffset;
        this.objectiveSign = objectiveSign;
        this.slices = Collections.unmodifiableMap(slices);
        this.duals = Collections.unmodifiableMap(duals);
        this.psdChecked = psdChecked;
        this.options = options;
    }

    // ------------------------------------------------------------------ parameters

    /** The parameters in θ order. */
    public List<Parameter> parameters() {
        return parameters;
    }

    /** First entry of {@code p} in θ. */
    public int parameterOffset(Parameter p) {
        Integer o = parameterOffsets.get(p);
        if (o == null) {
            throw new IllegalArgumentException("parameter " + p.name() + " is not part of this program");
        }
        return o;
    }

    /** Number of entries of {@code p} in θ. */
    public int parameterSize(Parameter p) {
        parameterOffset(p);
        return p.size();
    }

    /** Length of θ. */
    public int thetaLength() {
        return thetaLength;
    }

    /**
     * θ from the parameters' current values.
     *
     * @throws ParameterValueException when a parameter has no value
     */
    public double[] currentTheta() {
        double[] theta = new double[thetaLength];
        for (Parameter p : parameters) {
            System.arraycopy(p.getValue(), 0, theta, parameterOffset(p), p.size());
        }
        return theta;
    }

    /**
     * θ from explicit values (row-major per parameter), checked against each parameter's shape
     * and attributes.
     *
     * @throws ParameterValueException when a parameter is missing or a value is invalid
     */
    public double[] theta(Map<Parameter, double[]> values) {
        double[] theta = new double[thetaLength];
        for (Parameter p : parameters) {
            double[] v = values.get(p);
            if (v == null) {
                throw new ParameterValueException("no value given for parameter " + p.name());
            }
            p.checkValue(v);
            System.arraycopy(v, 0, theta, parameterOffset(p), p.size());
        }
        return theta;
    }

    // ------------------------------------------------------------------ structure

    /** Number of columns of A (length of x). */
    public int n() {
        return n;
    }

    /** Number of rows of A (length of s and y). */
    public int m() {
        return m;
    }

    public ConeDims cones() {
        return cones;
    }

    /** The fixed m×n pattern of A. */
    public SparsePattern aPattern() {
        return aPattern;
    }

    /** The fixed upper-triangular n×n pattern of P, or {@code null} for a linear objective. */
    public SparsePattern pPattern() {
        return pPattern;
    }

    /** T_A: rows = A's pattern positions. */
    public ParameterMap tensorA() {
        return tA;
    }

    /** T_b: m rows. */
    public ParameterMap tensorB() {
        return tB;
    }

    /** T_c: n rows. */
    public ParameterMap tensorC() {
        return tC;
    }

    /** T_P: rows = P's pattern positions, or {@code null} without P. */
    public ParameterMap tensorP() {
        return tP;
    }

    /** T_d: one row, the objective's constant offset. */
    public ParameterMap tensorOffset() {
        return tOffset;
    }

    /** +1 for a minimization, −1 for a maximization (compiled as minimizing −objective). */
    public double objectiveSign() {
        return objectiveSign;
    }

    /** The options the program was compiled with. */
    public CompileOptions options() {
        return options;
    }

    /** True when A's values depend on θ. */
    public boolean aDependsOnParameters() {
        return tA.dependsOnParameters();
    }

    /** True when P exists and its values depend on θ. */
    public boolean pDependsOnParameters() {
        return tP != null && tP.dependsOnParameters();
    }

    /** The user variables in x order. */
    public List<Variable> variables() {
        return new ArrayList<>(slices.keySet());
    }

    /** Where a user variable lives in x. */
    public VariableSlice slice(Variable v) {
        VariableSlice s = slices.get(v);
        if (s == null) {
            throw new IllegalArgumentException("variable " + v.name() + " is not part of this program");
        }
        return s;
    }

    /** The user constraints in problem order. */
    public List<Constraint> constraints() {
        return new ArrayList<>(duals.keySet());
    }

    /** Where a user constraint's dual lives in y and how to map it back. */
    public ConstraintDual dual(Constraint c) {
        ConstraintDual d = duals.get(c);
        if (d == null) {
            throw new IllegalArgumentException("constraint " + c + " is not part of this program");
        }
        return d;
    }

    // ------------------------------------------------------------------ values

    private void checkTheta(double[] theta, int batch) {
        if (theta.length != thetaLength * batch) {
            throw new ParameterValueException("θ has " + theta.length + " entries, expected " + thetaLength
                    + (batch == 1 ? "" : " × batch " + batch));
        }
        for (Parameter p : psdChecked) {
            int off = parameterOffset(p);
            int k = p.shape().rows();
            double[] v = new double[k * k];
            for (int b = 0; b < batch; b++) {
                for (int i = 0; i < v.length; i++) {
                    v[i] = theta[(off + i) * batch + b];
                }
                double min = Numerics.psdViolation(v, k);
                if (!Double.isNaN(min)) {
                    throw new ParameterValueException("parameter " + p.name() + " must be PSD (it is the matrix of "
                            + "a quadratic objective term), but its smallest eigenvalue is " + min
                            + (batch == 1 ? "" : " in instance " + b));
                }
            }
        }
    }

    /** The objective's constant offset d(θ) (in the minimized sense). */
    public double objectiveOffset(double[] theta) {
        checkTheta(theta, 1);
        return tOffset.apply(theta)[0];
    }

    /**
     * The cone program for one θ.
     *
     * @throws ParameterValueException on a wrong length or a PSD-declared quadratic matrix that is
     *                                 not PSD
     */
    public ConeProgram instantiate(double[] theta) {
        checkTheta(theta, 1);
        CscMatrix a = new CscMatrix(aPattern, tA.apply(theta));
        CscMatrix p = tP == null ? null : new CscMatrix(pPattern, tP.apply(theta));
        return new ConeProgram(p, a, tB.apply(theta), tC.apply(theta), cones);
    }

    /**
     * The cone programs of a batch: θ batch-minor ({@code theta[i * batch + b]}). A, P, b, c are
     * shared by the batch (stored once) when they do not depend on θ.
     */
    public BatchConeProgram instantiateBatch(double[] thetaBatchMinor, int batch) {
        if (batch < 1) {
            throw new ParameterValueException("batch must be at least 1, got " + batch);
        }
        checkTheta(thetaBatchMinor, batch);
        BatchArray a = values(tA, thetaBatchMinor, batch);
        BatchArray p = tP == null ? null : values(tP, thetaBatchMinor, batch);
        return new BatchConeProgram(pPattern, p, aPattern, a, values(tB, thetaBatchMinor, batch),
                values(tC, thetaBatchMinor, batch), cones);
    }

    private static BatchArray values(ParameterMap t, double[] theta, int batch) {
        if (!t.dependsOnParameters()) {
            return BatchArray.shared(t.apply(new double[t.cols() - 1]), batch);
        }
        return BatchArray.batchMinor(t.rows(), batch, t.applyBatch(theta, batch));
    }

    /** Offsets d(θ_b) of a batch (batch-minor θ). */
    public double[] objectiveOffsetBatch(double[] thetaBatchMinor, int batch) {
        checkTheta(thetaBatchMinor, batch);
        return tOffset.applyBatch(thetaBatchMinor, batch);
    }

    /**
     * The parameter-map adjoint for one instance: dθ = T_Aᵀ·dA + T_bᵀ·db + T_cᵀ·dc + T_Pᵀ·dP
     * (constant column dropped), with dA and dP given on their patterns.
     *
     * @param dA cotangent of A's values (pattern order), or null for zero
     * @param db cotangent of b, or null
     * @param dc cotangent of c, or null
     * @param dP cotangent of P's values (pattern order; one entry per stored upper-triangle value),
     *           or null
     */
    public double[] adjointTheta(double[] dA, double[] db, double[] dc, double[] dP) {
        double[] dTheta = new double[thetaLength];
        if (dA != null) {
            requireLength("dA", dA, tA.rows());
            tA.adjointAdd(dA, dTheta);
        }
        if (db != null) {
            requireLength("db", db, m);
            tB.adjointAdd(db, dTheta);
        }
        if (dc != null) {
            requireLength("dc", dc, n);
            tC.adjointAdd(dc, dTheta);
        }
        if (dP != null && tP != null) {
            requireLength("dP", dP, tP.rows());
            tP.adjointAdd(dP, dTheta);
        }
        return dTheta;
    }

    /** Batched {@link #adjointTheta}: every cotangent and the result batch-minor. */
    public double[] adjointThetaBatch(double[] dA, double[] db, double[] dc, double[] dP, int batch) {
        double[] dTheta = new double[thetaLength * batch];
        if (dA != null) {
            requireLength("dA", dA, tA.rows() * batch);
            tA.adjointAddBatch(dA, dTheta, batch);
        }
        if (db != null) {
            requireLength("db", db, m * batch);
            tB.adjointAddBatch(db, dTheta, batch);
        }
        if (dc != null) {
            requireLength("dc", dc, n * batch);
            tC.adjointAddBatch(dc, dTheta, batch);
        }
        if (dP != null && tP != null) {
            requireLength("dP", dP, tP.rows() * batch);
            tP.adjointAddBatch(dP, dTheta, batch);
        }
        return dTheta;
    }

    private static void requireLength(String name, double[] v, int len) {
        if (v.length != len) {
            throw new IllegalArgumentException(name + " has " + v.length + " entries, expected " + len);
        }
    }

    @Override
    public String toString() {
        return "ParametricConeProgram[n=" + n + ", m=" + m + ", θ=" + thetaLength + ", nnz(A)=" + aPattern.nnz()
                + ", nnz(P)=" + (pPattern == null ? 0 : pPattern.nnz()) + ", " + cones + "]";
    }

    static Map<Parameter, Integer> offsets(List<Parameter> order) {
        Map<Parameter, Integer> m = new IdentityHashMap<>();
        int off = 0;
        for (Parameter p : order) {
            m.put(p, off);
            off += p.size();
        }
        return m;
    }
}
