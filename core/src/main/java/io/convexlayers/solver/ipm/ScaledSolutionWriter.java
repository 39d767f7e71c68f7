// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.solver.ipm;

import io.convexlayers.solver.BatchSolution;
import io.convexlayers.solver.SolverStatus;
import io.convexlayers.solver.hsde.ResidualStats;

/**
 * Writes one instance's result of the interior-point method — the equilibrated iterate (x, z, s, τ), its
 * residual statistics ({@link ResidualStats}) and the scaling (D, E, c_s) — into a batch's solution in the
 * conventions of {@link io.convexlayers.solver.Solution}: x = Ex/τ, y = Dz/(c_s τ), s = D⁻¹s/τ for a
 * solution, the normalized certificate for an infeasible or unbounded instance, NaN where there is none.
 * Used by the host's method and by the device's, so that both report alike.
 */
public final class ScaledSolutionWriter {
    private ScaledSolutionWriter() {
    }

    /**
     * Records instance {@code k} of {@code out}.
     *
     * @param stats   the statistics, at {@code so}
     * @param x       the scaled x at {@code xo} (n entries); z at {@code zo} and s at {@code sOff} (m each)
     * @param d       row factors: D_i at {@code dOff + i·fStride}; E_j at {@code eOff + j·fStride} in {@code e}
     */
    public static void write(SolverStatus status, int iters, double seconds, double setup, int k,
                             BatchSolution.Builder out, double[] stats, int so, double tau, double cs, double[] x,
                             int xo, double[] z, int zo, double[] s, int sOff, double[] d, int dOff, double[] e,
                             int eOff, int fStride) {
        int stride = out.batch();
        int n = out.x().length / stride;
        int m = out.y().length / stride;
        double[] ox = out.x();
        double[] oy = out.y();
        double[] os = out.s();
        double xDiv = tau;
        double yDiv = tau;
        boolean xNaN = false;
        boolean yNaN = false;
        switch (status) {
            case INFEASIBLE, INFEASIBLE_INACCURATE -> {
                yDiv = -stats[so + ResidualStats.CERT_BTY];
                xNaN = true;
            }
            case UNBOUNDED, UNBOUNDED_INACCURATE -> {
                xDiv = -stats[so + ResidualStats.CERT_CTX];
                yNaN = true;
            }
            case FAILED -> {
                xNaN = true;
                yNaN = true;
            }
            default -> {
            }
        }
        for (int j = 0; j < n; j++) {
            ox[j * stride + k] = xNaN ? Double.NaN : e[eOff + j * fStride] * x[xo + j] / xDiv;
        }
        for (int i = 0; i < m; i++) {
            double di = d[dOff + i * fStride];
            oy[i * stride + k] = yNaN ? Double.NaN : di * z[zo + i] / (cs * yDiv);
            os[i * stride + k] = xNaN ? Double.NaN : s[sOff + i] / (di * xDiv);
        }
        ResidualStats.Reported r = ResidualStats.Reported.of(status, stats, so);
        out.record(k, status, r.objective(), r.dualObjective(), iters, r.primal(), r.dual(), r.gap(), 0, seconds, setup);
    }
}
