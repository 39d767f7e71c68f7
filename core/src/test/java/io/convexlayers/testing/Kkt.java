// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.testing;

import io.convexlayers.data.ConeDims;
import io.convexlayers.cone.ConeProjector;
import io.convexlayers.data.ConeProgram;

/**
 * Independent recomputation of optimality and certificate residuals of a cone program, for tests
 * (∞-norms, on the unscaled data).
 */
public final class Kkt {
    private Kkt() {
    }

    /** ‖Ax + s − b‖∞. */
    public static double primalResidual(ConeProgram p, double[] x, double[] s) {
        double[] r = new double[p.m()];
        p.a().multiplyAdd(x, r);
        double[] b = p.b();
        double worst = 0;
        for (int i = 0; i < r.length; i++) {
            worst = Math.max(worst, Math.abs(r[i] + s[i] - b[i]));
        }
        return worst;
    }

    /** ‖Px + Aᵀy + c‖∞. */
    public static double dualResidual(ConeProgram p, double[] x, double[] y) {
        double[] r = p.c();
        p.a().transposeMultiplyAdd(y, r);
        if (p.p() != null) {
            p.p().symmetricMultiplyAdd(x, r);
        }
        double worst = 0;
        for (double v : r) {
            worst = Math.max(worst, Math.abs(v));
        }
        return worst;
    }

    /** |sᵀy|. */
    public static double complementarity(double[] s, double[] y) {
        double d = 0;
        for (int i = 0; i < s.length; i++) {
            d += s[i] * y[i];
        }
        return Math.abs(d);
    }

    /** ‖v − Π_K(v)‖∞ (zero when v ∈ K). */
    public static double distanceToCone(ConeDims cones, double[] v) {
        double[] p = v.clone();
        new ConeProjector(cones, 1).projectPrimal(p, 0);
        return maxDiff(p, v);
    }

    /** ‖v − Π_{K*}(v)‖∞ (zero when v ∈ K*). */
    public static double distanceToDualCone(ConeDims cones, double[] v) {
        double[] p = v.clone();
        new ConeProjector(cones, 1).projectDual(p, 0);
        return maxDiff(p, v);
    }

    /** bᵀy. */
    public static double bTy(ConeProgram p, double[] y) {
        return dot(p.b(), y);
    }

    /** cᵀx. */
    public static double cTx(ConeProgram p, double[] x) {
        return dot(p.c(), x);
    }

    /** ‖Aᵀy‖∞. */
    public static double normATy(ConeProgram p, double[] y) {
        double[] r = new double[p.n()];
        p.a().transposeMultiplyAdd(y, r);
        return maxAbs(r);
    }

    /** ‖Ax + s‖∞. */
    public static double normAxPlusS(ConeProgram p, double[] x, double[] s) {
        double[] r = new double[p.m()];
        p.a().multiplyAdd(x, r);
        for (int i = 0; i < r.length; i++) {
            r[i] += s[i];
        }
        return maxAbs(r);
    }

    /** ‖Px‖∞ (0 without P). */
    public static double normPx(ConeProgram p, double[] x) {
        if (p.p() == null) {
            return 0;
        }
        double[] r = new double[p.n()];
        p.p().symmetricMultiplyAdd(x, r);
        return maxAbs(r);
    }

    static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    /** max_i |v_i|. */
    public static double maxAbs(double[] v) {
        double w = 0;
        for (double x : v) {
            w = Math.max(w, Math.abs(x));
        }
        return w;
    }

    /** max_i |a_i − b_i|. */
    public static double maxDiff(double[] a, double[] b) {
        double w = 0;
        for (int i = 0; i < a.length; i++) {
            w = Math.max(w, Math.abs(a[i] - b[i]));
        }
        return w;
    }
}
