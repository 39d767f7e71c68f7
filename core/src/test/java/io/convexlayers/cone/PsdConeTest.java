// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.cone;

import io.convexlayers.data.ConeDims;
import io.convexlayers.testing.ConeMembership;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.EigenDecomposition_F64;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class PsdConeTest extends ConeContractTest {
    private static final int[] ORDERS = {1, 2, 3, 6};

    @Override
    protected ConeDims dims() {
        return ConeDims.builder().psd(ORDERS).build();
    }

    /** A random orthogonal k×k matrix (Gram–Schmidt on Gaussian columns), row-major. */
    static double[][] randomOrthogonal(int k, Random rng) {
        double[][] q = new double[k][k];
        for (int j = 0; j < k; j++) {
            double[] col = new double[k];
            for (int i = 0; i < k; i++) {
                col[i] = rng.nextGaussian();
            }
            for (int pass = 0; pass < 2; pass++) {
                for (int p = 0; p < j; p++) {
                    double d = 0;
                    for (int i = 0; i < k; i++) {
                        d += q[i][p] * col[i];
                    }
                    for (int i = 0; i < k; i++) {
                        col[i] -= d * q[i][p];
                    }
                }
            }
            double n = 0;
            for (double x : col) {
                n += x * x;
            }
            n = Math.sqrt(n);
            for (int i = 0; i < k; i++) {
                q[i][j] = col[i] / n;
            }
        }
        return q;
    }

    /** svec of Q diag(lambda) Qᵀ for a random orthogonal Q. */
    static double[] svecWithSpectrum(double[] lambda, Random rng) {
        int k = lambda.length;
        double[][] q = randomOrthogonal(k, rng);
        double[] out = new double[ConeDims.svecLength(k)];
        int p = 0;
        for (int j = 0; j < k; j++) {
            for (int i = j; i < k; i++) {
                double s = 0;
                for (int e = 0; e < k; e++) {
                    s += q[i][e] * lambda[e] * q[j][e];
                }
                out[p++] = i == j ? s : Math.sqrt(2) * s;
            }
        }
        return out;
    }

    /** One point whose every block has the spectrum pattern(i, k). */
    private double[] withPattern(Random rng, java.util.function.BiFunction<Integer, Integer, Double> pattern) {
        double[] v = new double[dims().rows()];
        int row = 0;
        for (int k : ORDERS) {
            double[] lambda = new double[k];
            for (int i = 0; i < k; i++) {
                lambda[i] = pattern.apply(i, k);
            }
            double[] s = svecWithSpectrum(lambda, rng);
            System.arraycopy(s, 0, v, row, s.length);
            row += s.length;
        }
        return v;
    }

    @Override
    protected List<double[]> specialPoints(Random rng) {
        List<double[]> list = new ArrayList<>();
        list.add(new double[dims().rows()]);
        list.add(withPattern(rng, (i, k) -> i % 2 == 0 ? 1.0 + i : -1.0 - i));        // mixed signs
        list.add(withPattern(rng, (i, k) -> i < k / 2 ? 2.0 : -1.0));                  // repeated, both signs
        list.add(withPattern(rng, (i, k) -> i < (k + 1) / 2 ? -3.0 : 3.0));
        list.add(withPattern(rng, (i, k) -> -1.0 - i));                                 // all negative
        list.add(withPattern(rng, (i, k) -> 1.0));                                      // identity
        list.add(withPattern(rng, (i, k) -> -1.0));
        list.add(withPattern(rng, (i, k) -> i == 0 ? 5.0 : 0.0));                       // rank one
        list.add(withPattern(rng, (i, k) -> i == 0 ? -5.0 : 1e-9));                    // nearly PSD
        list.add(withPattern(rng, (i, k) -> i == 0 ? 1e-12 : -1.0));                   // nearly NSD
        list.add(withPattern(rng, (i, k) -> Math.pow(10, 3 * i - 6) * (i % 2 == 0 ? 1 : -1)));   // graded
        return list;
    }

    /** Spectra bounded away from 0: mixed signs, at least two positive, repeated values. */
    @Override
    protected List<double[]> smoothPoints(Random rng) {
        List<double[]> list = new ArrayList<>();
        list.add(withPattern(rng, (i, k) -> i % 2 == 0 ? 1.0 + i : -1.0 - i));
        list.add(withPattern(rng, (i, k) -> i < 2 ? 2.0 + i : -0.5 - i));
        list.add(withPattern(rng, (i, k) -> i < k / 2 ? 2.0 : -1.0));
        list.add(withPattern(rng, (i, k) -> i < (k + 1) / 2 ? -3.0 : 3.0));
        list.add(withPattern(rng, (i, k) -> -1.0 - i));
        list.add(withPattern(rng, (i, k) -> 1.0 + 0.1 * i));
        return list;
    }

    /** Π(X) = Q max(Λ, 0) Qᵀ with EJML's eigenvectors, as svec. */
    private static double[] referenceProjection(double[] v, int row, int k) {
        DMatrixRMaj m = ConeMembership.smat(v, row, k);
        EigenDecomposition_F64<DMatrixRMaj> eig = DecompositionFactory_DDRM.eig(k, true, true);
        eig.decompose(m);
        double[] out = new double[ConeDims.svecLength(k)];
        int p = 0;
        for (int j = 0; j < k; j++) {
            for (int i = j; i < k; i++) {
                double s = 0;
                for (int e = 0; e < k; e++) {
                    double lambda = eig.getEigenvalue(e).real;
                    if (lambda > 0) {
                        DMatrixRMaj q = eig.getEigenVector(e);
                        s += lambda * q.get(i) * q.get(j);
                    }
                }
                out[p++] = i == j ? s : Math.sqrt(2) * s;
            }
        }
        return out;
    }

    @Test
    void matchesAnEjmlReferenceProjection() {
        for (double[] v : points()) {
            double[] p = project(v, false);
            int row = 0;
            for (int k : ORDERS) {
                int len = ConeDims.svecLength(k);
                double[] ref = referenceProjection(v, row, k);
                double scale = 0;
                for (int i = row; i < row + len; i++) {
                    scale = Math.max(scale, Math.abs(v[i]));
                }
                for (int i = 0; i < len; i++) {
                    assertEquals(ref[i], p[row + i], 1e-12 * scale + 1e-300, "order " + k + " entry " + i);
                }
                row += len;
            }
        }
    }

    @Test
    void svecIsAnIsometry() {
        // tr(YS) = svec(Y)ᵀ svec(S) for the packing used by unpack
        Random rng = new Random(3);
        int k = 4;
        double[] y = new double[10];
        double[] s = new double[10];
        for (int i = 0; i < 10; i++) {
            y[i] = rng.nextGaussian();
            s[i] = rng.nextGaussian();
        }
        double[] my = new double[16];
        double[] ms = new double[16];
        SvecMatrix.unpack(y, 0, 1, k, my);
        SvecMatrix.unpack(s, 0, 1, k, ms);
        double trace = 0;
        for (int i = 0; i < k; i++) {
            for (int j = 0; j < k; j++) {
                trace += my[i * k + j] * ms[j * k + i];
            }
        }
        assertEquals(dot(y, s), trace, 1e-13);
        double[] back = new double[10];
        SvecMatrix.pack(my, k, back, 0, 1);
        assertArrayEquals(y, back, 1e-15);
    }

    @Test
    void orderOneIsTheRay() {
        double[] v = {-3.0};
        PsdCone.project(v, 0, 1, new PsdCone.Workspace(1));
        assertEquals(0.0, v[0]);
    }

    @Test
    void largeOrderProjection() {
        Random rng = new Random(11);
        int k = 30;
        double[] lambda = new double[k];
        for (int i = 0; i < k; i++) {
            lambda[i] = rng.nextGaussian();
        }
        double[] v = svecWithSpectrum(lambda, rng);
        double[] p = v.clone();
        PsdCone.project(p, 0, k, new PsdCone.Workspace(k));
        double[] ref = referenceProjection(v, 0, k);
        assertArrayEquals(ref, p, 1e-12);
    }
}
