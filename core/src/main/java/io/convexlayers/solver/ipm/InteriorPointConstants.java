// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.solver.ipm;

import io.convexlayers.solver.SolverSettings;
import io.convexlayers.solver.hsde.Equilibration;

/**
 * The interior-point method's constants and per-solve settings as one array, in the order the device's
 * interior-point kernel reads them ({@code cl_ipm_solve}, cuda-kernels/ipm.cu), so that the host's
 * method and the device's share one definition of every threshold. The index constants name the
 * entries.
 */
public final class InteriorPointConstants {
    public static final int EPS_ABS = 0;
    public static final int EPS_REL = 1;
    public static final int EPS_INFEAS = 2;
    public static final int TARGET_EPS = 3;
    public static final int STATIC_REG = 4;
    public static final int DYNAMIC_EPS = 5;
    public static final int DYNAMIC_DELTA = 6;
    public static final int REFINE_TOL = 7;
    public static final int FALLBACK_TOL = 8;
    public static final int STEP_FRACTION = 9;
    public static final int MIN_STEP = 10;
    public static final int CERTIFICATE_MU = 11;
    public static final int SETBACK = 12;
    public static final int MIN_NORM = 13;
    public static final int MAX_NORM = 14;
    /** The time budget in nanoseconds (0: none). */
    public static final int BUDGET_NS = 15;
    public static final int MAX_ITERATIONS = 16;
    public static final int EXTRA_ITERATIONS = 17;
    public static final int MAX_SMALL_STEPS = 18;
    public static final int MAX_REFINEMENT = 19;
    /** 1 when the data are equilibrated (then the cost is scaled too), else 0. */
    public static final int EQUILIBRATE = 20;
    /** Entries of the array. */
    public static final int WIDTH = 21;
    /** Ruiz passes of the method's equilibration. */
    public static final int RUIZ_PASSES = ScaledInstance.RUIZ_PASSES;

    private InteriorPointConstants() {
    }

    /**
     * The array for a solve under {@code settings} with {@code budgetSeconds} left (+∞: no budget; 0: the
     * time is up, the method stops at its first check).
     */
    public static double[] of(SolverSettings settings, double budgetSeconds) {
        double[] p = new double[WIDTH];
        p[EPS_ABS] = settings.epsAbs();
        p[EPS_REL] = settings.epsRel();
        p[EPS_INFEAS] = settings.epsInfeas();
        p[TARGET_EPS] = InteriorPointMethod.TARGET_EPS;
        p[STATIC_REG] = NewtonSystem.STATIC_REG;
        p[DYNAMIC_EPS] = NewtonSystem.DYNAMIC_EPS;
        p[DYNAMIC_DELTA] = NewtonSystem.DYNAMIC_DELTA;
        p[REFINE_TOL] = NewtonSystem.REFINE_TOL;
        p[FALLBACK_TOL] = ReducedKkt.FALLBACK_TOL;
        p[STEP_FRACTION] = InteriorPointMethod.STEP_FRACTION;
        p[MIN_STEP] = InteriorPointMethod.MIN_STEP;
        p[CERTIFICATE_MU] = InteriorPointMethod.CERTIFICATE_MU;
        p[SETBACK] = InteriorPointMethod.SETBACK;
        p[MIN_NORM] = Equilibration.MIN_NORM;
        p[MAX_NORM] = Equilibration.MAX_NORM;
        p[BUDGET_NS] = Double.isFinite(budgetSeconds) ? Math.max(1, budgetSeconds * 1e9) : 0;
        p[MAX_ITERATIONS] = Math.min(settings.maxIters(), InteriorPointMethod.MAX_ITERATIONS);
        p[EXTRA_ITERATIONS] = InteriorPointMethod.EXTRA_ITERATIONS;
        p[MAX_SMALL_STEPS] = InteriorPointMethod.MAX_SMALL_STEPS;
        p[MAX_REFINEMENT] = NewtonSystem.MAX_REFINEMENT;
        p[EQUILIBRATE] = settings.equilibrate() ? 1 : 0;
        return p;
    }
}
