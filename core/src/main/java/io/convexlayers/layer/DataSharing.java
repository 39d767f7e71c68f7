// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.layer;

import io.convexlayers.canon.ParameterMap;
import io.convexlayers.canon.ParametricConeProgram;
import io.convexlayers.dsl.Parameter;
import io.convexlayers.data.BatchArray;
import io.convexlayers.data.BatchConeProgram;
import io.convexlayers.solver.device.AffineMap;
import io.convexlayers.solver.device.ParametricBatch;

import java.util.List;

/**
 * Which parts of the cone-program data (A, b, c, P, the objective offset) vary across a batch, for
 * one pattern of batched and broadcast parameters. A part whose parameter map reads only broadcast
 * parameters (or none) is the same for every instance: it is computed once and shared by the
 * batch, so that, e.g., a broadcast A lets the solver factor one matrix for the whole batch; a part
 * that reads a batched parameter is one batched sparse × dense product T·[θ; 1] over the batch.
 * In the backward pass the same split lets the adjoint of a shared part act once on the gradient
 * summed over the batch. Immutable.
 */
final class DataSharing {
    private final boolean aVaries;
    private final boolean bVaries;
    private final boolean cVaries;
    private final boolean pVaries;
    private final boolean offsetVaries;
    // The maps of A, P, b, c as a device backend takes them: made on first use (a benign race), then kept.
    private volatile AffineMap[] maps;

    private DataSharing(boolean aVaries, boolean bVaries, boolean cVaries, boolean pVaries, boolean offsetVaries) {
        this.aVaries = aVaries;
        this.bVaries = bVaries;
        this.cVaries = cVaries;
        this.pVaries = pVaries;
        this.offsetVaries = offsetVaries;
    }

    /** The plan for the given batched flags (layer argument order). */
    static DataSharing plan(ParametricConeProgram program, List<Parameter> parameters, boolean[] batched) {
        boolean[] column = new boolean[program.thetaLength()];
        for (int k = 0; k < parameters.size(); k++) {
            if (batched[k]) {
                Parameter p = parameters.get(k);
                int off = program.parameterOffset(p);
                java.util.Arrays.fill(column, off, off + p.size(), true);
            }
        }
        return new DataSharing(reads(program.tensorA(), column), reads(program.tensorB(), column),
                reads(program.tensorC(), column), program.tensorP() != null && reads(program.tensorP(), column),
                reads(program.tensorOffset(), column));
    }

    private static boolean reads(ParameterMap t, boolean[] batchedColumn) {
        if (!t.dependsOnParameters()) {
            return false;
        }
        int constant = t.constantColumn();
        int nnz = t.nnz();
        for (int k = 0; k < nnz; k++) {
            int c = t.colIndex(k);
            if (c != constant && batchedColumn[c]) {
                return true;
            }
        }
        return false;
    }

    /** The batch's cone programs from θ (batch-minor). */
    BatchConeProgram instantiate(ParametricConeProgram program, double[] theta, int batch) {
        double[] first = firstInstance(theta, program.thetaLength(), batch);
        BatchArray a = values(program.tensorA(), aVaries, theta, first, batch);
        BatchArray p = program.tensorP() == null ? null : values(program.tensorP(), pVaries, theta, first, batch);
        return new BatchConeProgram(program.pPattern(), p, program.aPattern(), a,
                values(program.tensorB(), bVaries, theta, first, batch),
                values(program.tensorC(), cVaries, theta, first, batch), program.cones());
    }

    /**
     * The batch as θ and the maps of A, P, b, c, for a backend that applies them on its device; its host
     * instantiation, when something needs it, is {@link #instantiate}'s.
     */
    ParametricBatch parametric(ParametricConeProgram program, double[] theta, int batch) {
        AffineMap[] m = maps;
        if (m == null) {
            m = new AffineMap[] {
                    affine(program.tensorA(), aVaries, program.thetaLength()),
                    program.tensorP() == null ? null : affine(program.tensorP(), pVaries, program.thetaLength()),
                    affine(program.tensorB(), bVaries, program.thetaLength()),
                    affine(program.tensorC(), cVaries, program.thetaLength())};
            maps = m;
        }
        return new ParametricBatch(batch, theta, program.pPattern(), m[1], program.aPattern(), m[0], m[2], m[3],
                program.cones(), () -> instantiate(program, theta, batch));
    }

    private static AffineMap affine(ParameterMap t, boolean varies, int thetaLength) {
        int rows = t.rows();
        int[] start = new int[rows + 1];
        for (int r = 0; r <= rows; r++) {
            start[r] = t.rowStart(r);
        }
        int nnz = t.nnz();
        int[] col = new int[nnz];
        double[] val = new double[nnz];
        for (int k = 0; k < nnz; k++) {
            col[k] = t.colIndex(k);
            val[k] = t.value(k);
        }
        return new AffineMap(rows, thetaLength, start, col, val, varies);
    }

    /** The objective offsets d(θ_b) (minimized sense), one per instance. */
    double[] offsets(ParametricConeProgram program, double[] theta, int batch) {
        if (offsetVaries) {
            return program.tensorOffset().applyBatch(theta, batch);
        }
        double d = program.tensorOffset().apply(firstInstance(theta, program.thetaLength(), batch))[0];
        double[] out = new double[batch];
        java.util.Arrays.fill(out, d);
        return out;
    }

    private static double[] firstInstance(double[] theta, int length, int batch) {
        double[] out = new double[length];
        for (int i = 0; i < length; i++) {
            out[i] = theta[i * batch];
        }
        return out;
    }

    private static BatchArray values(ParameterMap t, boolean varies, double[] theta, double[] first, int batch) {
        if (varies) {
            return BatchArray.batchMinor(t.rows(), batch, t.applyBatch(theta, batch));
        }
        return BatchArray.shared(t.apply(first), batch);
    }

    boolean aVaries() {
        return aVaries;
    }

    boolean bVaries() {
        return bVaries;
    }

    boolean cVaries() {
        return cVaries;
    }

    boolean pVaries() {
        return pVaries;
    }
}
