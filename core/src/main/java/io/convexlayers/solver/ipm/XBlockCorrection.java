// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.solver.ipm;

import io.convexlayers.solver.linsys.Gmres;

/**
 * The correction of a refined Newton solve whose x-block residual stays large against that block's
 * own right-hand side ({@link NewtonSystem}'s class comment): at most {@link #DIMENSION} steps of GMRES
 * on K, right-preconditioned by the system's regularized factor, with each block's rows weighted by
 * 1/(1 + ‖its right-hand side‖∞) so that a z-block 10¹³ times the x-block's does not decide the
 * least-squares fit. The correction is kept where it lowers the larger of the two blocks' relative
 * residuals; the workspace is allocated once per system.
 */
final class XBlockCorrection {
    /** The Krylov dimension (the most extra solves per Newton system). */
    static final int DIMENSION = 5;
    /** The x-block is corrected where its relative residual exceeds this times the iterate's merit … */
    static final double TOL_FACTOR = 1e-3;
    /** … and this floor. */
    static final double TOL_FLOOR = 1e-12;
    /** GMRES stops once its residual estimate has fallen by this factor. */
    private static final double REDUCTION = 1e-3;

    private final NewtonSystem system;
    private final int n;
    private final int m;
    private final Gmres gmres;
    private final double[] weightedResidual;
    private final double[] correction;
    private final double[] trialX;
    private final double[] trialZ;
    private final double[] solvedX;
    private final double[] solvedZ;
    private final double[] zeroN;
    private final double[] zeroM;

    XBlockCorrection(NewtonSystem system) {
        this.system = system;
        n = system.n;
        m = system.m;
        gmres = new Gmres(n + m, DIMENSION);
        weightedResidual = new double[n + m];
        correction = new double[n + m];
        trialX = new double[n];
        trialZ = new double[m];
        solvedX = new double[n];
        solvedZ = new double[m];
        zeroN = new double[n];
        zeroM = new double[m];
    }

    /**
     * Corrects the solve (x, z) of K·(x, z) = (r1, r2), whose residual the system holds, where its
     * x-block needs it at an iterate of this merit; true when (x, z) (and the system's residual) changed.
     */
    boolean correct(double[] r1, double[] r2, double[] x, double[] z, double merit) {
        double scaleX = 1 + NewtonSystem.maxAbs(r1, n);
        double scaleZ = 1 + NewtonSystem.maxAbs(r2, m);
        double xBefore = NewtonSystem.maxAbs(system.resX, n) / scaleX;
        if (!(xBefore > Math.max(TOL_FLOOR, TOL_FACTOR * merit))) {
            return false;
        }
        double before = Math.max(xBefore, NewtonSystem.maxAbs(system.resZ, m) / scaleZ);
        double wX = 1 / scaleX;
        double wZ = 1 / scaleZ;
        for (int j = 0; j < n; j++) {
            weightedResidual[j] = wX * system.resX[j];
        }
        for (int i = 0; i < m; i++) {
            weightedResidual[n + i] = wZ * system.resZ[i];
        }
        // A' = W·K with the preconditioner K_reg⁻¹·W⁻¹, so that A'·M⁻¹ ≈ I.
        Gmres.Map weightedK = (v, out) -> multiplyWeightedK(v, out, wX, wZ);
        Gmres.Map preconditioner = (v, out) -> {
            for (int j = 0; j < n; j++) {
                trialX[j] = v[j] / wX;
            }
            for (int i = 0; i < m; i++) {
                trialZ[i] = v[n + i] / wZ;
            }
            system.factoredSolve(trialX, trialZ, solvedX, solvedZ);
            System.arraycopy(solvedX, 0, out, 0, n);
            System.arraycopy(solvedZ, 0, out, n, m);
        };
        gmres.solve(weightedK, preconditioner, weightedResidual, REDUCTION, correction);
        for (int j = 0; j < n; j++) {
            trialX[j] = x[j] + correction[j];
        }
        for (int i = 0; i < m; i++) {
            trialZ[i] = z[i] + correction[n + i];
        }
        system.residual(r1, r2, trialX, trialZ);
        double after = Math.max(NewtonSystem.maxAbs(system.resX, n) * wX, NewtonSystem.maxAbs(system.resZ, m) * wZ);
        if (after < before) {
            System.arraycopy(trialX, 0, x, 0, n);
            System.arraycopy(trialZ, 0, z, 0, m);
            return true;
        }
        system.residual(r1, r2, x, z);
        return false;
    }

    /**
     * out = W·K·v for v = (u, w) packed, by the system's own residual with a zero right-hand side (−K·v),
     * which the system's residual arrays then hold; the x rows weighted by wX, the z rows by wZ.
     */
    private void multiplyWeightedK(double[] v, double[] out, double wX, double wZ) {
        System.arraycopy(v, 0, trialX, 0, n);
        System.arraycopy(v, n, trialZ, 0, m);
        system.residual(zeroN, zeroM, trialX, trialZ);
        for (int j = 0; j < n; j++) {
            out[j] = -wX * system.resX[j];
        }
        for (int i = 0; i < m; i++) {
            out[n + i] = -wZ * system.resZ[i];
        }
    }
}
