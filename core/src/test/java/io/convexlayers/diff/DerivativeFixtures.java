// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.diff;

import io.convexlayers.data.BatchArray;
import io.convexlayers.data.ConeProgram;
import io.convexlayers.backend.ConeSolver;
import io.convexlayers.data.CscMatrix;
import io.convexlayers.solver.Solution;
import io.convexlayers.solver.SolverSettings;
import io.convexlayers.solver.SolverStatus;

import io.convexlayers.cone.ConeDerivative;
import io.convexlayers.data.ConeDims;
import io.convexlayers.testing.PlantedPrograms;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.EigenDecomposition_F64;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Shared helpers of the derivative tests: random data directions, perturbed programs, re-solves. */
final class DerivativeFixtures {
    // Fixed scale: the adaptive rule can settle on a slow scale for some LPs, and these re-solves
    // must be accurate for finite differences, not fast.
    static final SolverSettings TIGHT = SolverSettings.defaults().toBuilder().adaptiveScale(false).build()
            .withEps(1e-11).withMaxIters(200_000);

    private DerivativeFixtures() {
    }

    /** A random direction in data space (dP on P's pattern when P exists). */
    record Direction(double[] dP, double[] dA, double[] db, double[] dc) {
        static Direction random(ConeProgram p, Random rnd, boolean includeP) {
            double[] dP = p.p() == null || !includeP ? null : gaussian(p.p().nnz(), rnd);
            if (dP != null) {
                // keep P + h·dP positive semidefinite for small h: perturb the diagonal upwards only
                for (int j = 0; j < p.n(); j++) {
                    for (int k = p.p().pattern().colStart(j); k < p.p().pattern().colStart(j + 1); k++) {
                        if (p.p().pattern().rowIndex(k) == j) {
                            dP[k] = Math.abs(dP[k]);
                        } else {
                            dP[k] *= 0.1;
                        }
                    }
                }
            }
            return new Direction(dP, gaussian(p.a().nnz(), rnd), gaussian(p.m(), rnd), gaussian(p.n(), rnd));
        }
    }

    /**
     * A planted program whose solution is unique and strictly complementary, so that the solution
     * map is differentiable there. With s* in the relative interior of a face F of K and y* in
     * that of the complementary face F', uniqueness needs dim F' ≤ n ≤ m − dim F (generic A);
     * dim F' and dim F are the numbers of eigenvalues 1 and 0 of DΠ_{K*}(y* − s*). The planted
     * point depends only on the seed (z is drawn first), so n can be chosen after seeing it.
     */
    static PlantedPrograms.Planted wellPosed(ConeDims cones, boolean withP, long seed) {
        PlantedPrograms.Planted probe = PlantedPrograms.generate(cones, 1, 1.0, false, seed);
        int m = cones.rows();
        double[] v = new double[m];
        for (int i = 0; i < m; i++) {
            v[i] = probe.y()[i] - probe.s()[i];
        }
        ConeDerivative d = new ConeDerivative(cones, 1);
        d.linearizeAt(v, 0, true);
        DMatrixRMaj jac = new DMatrixRMaj(m, m, true, d.denseJacobian(0));
        EigenDecomposition_F64<DMatrixRMaj> eig = DecompositionFactory_DDRM.eig(m, false, true);
        eig.decompose(jac);
        int ones = 0;
        int zeros = 0;
        for (int i = 0; i < m; i++) {
            double ev = eig.getEigenvalue(i).getReal();
            if (Math.abs(ev - 1) < 1e-9) {
                ones++;
            } else if (Math.abs(ev) < 1e-9) {
                zeros++;
            }
        }
        int lower = Math.max(1, ones);
        int upper = m - zeros;
        int n = withP ? Math.max(lower, Math.min(upper, lower + 2)) : (lower + upper + 1) / 2;
        if (n < lower || (!withP && n > upper)) {
            throw new IllegalStateException("no n gives a unique solution for seed " + seed + ": [" + lower + ", "
                    + upper + "]");
        }
        return PlantedPrograms.generate(cones, n, 1.0, withP, seed);
    }

    static double[] gaussian(int len, Random rnd) {
        double[] v = new double[len];
        for (int i = 0; i < len; i++) {
            v[i] = rnd.nextGaussian();
        }
        return v;
    }

    /** The program with data + h·direction. */
    static ConeProgram perturbed(ConeProgram p, Direction d, double h) {
        CscMatrix pm = p.p();
        if (pm != null && d.dP() != null) {
            pm = new CscMatrix(pm.pattern(), axpy(pm.values(), d.dP(), h));
        }
        CscMatrix a = new CscMatrix(p.a().pattern(), axpy(p.a().values(), d.dA(), h));
        return new ConeProgram(pm, a, axpy(p.b(), d.db(), h), axpy(p.c(), d.dc(), h), p.cones());
    }

    static double[] axpy(double[] x, double[] d, double h) {
        double[] out = x.clone();
        for (int i = 0; i < out.length; i++) {
            out[i] += h * d[i];
        }
        return out;
    }

    static Solution solve(ConeProgram p) {
        Solution s = ConeSolver.solve(p, TIGHT);
        assertEquals(SolverStatus.SOLVED, s.status(), "re-solve");
        return s;
    }

    static BatchArray one(double[] v) {
        return v == null ? null : BatchArray.shared(v, 1);
    }

    static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    static double norm(double[] a) {
        return Math.sqrt(dot(a, a));
    }

    static double relativeError(double[] approx, double[] exact) {
        double num = 0;
        for (int i = 0; i < approx.length; i++) {
            num += (approx[i] - exact[i]) * (approx[i] - exact[i]);
        }
        return Math.sqrt(num) / Math.max(norm(exact), 1e-12);
    }

    static double[] concat(double[]... parts) {
        int len = 0;
        for (double[] p : parts) {
            len += p == null ? 0 : p.length;
        }
        double[] out = new double[len];
        int o = 0;
        for (double[] p : parts) {
            if (p != null) {
                System.arraycopy(p, 0, out, o, p.length);
                o += p.length;
            }
        }
        return out;
    }
}
