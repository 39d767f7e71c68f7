// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.io;

import io.convexlayers.data.ConeDims;
import io.convexlayers.data.ConeProgram;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.EigenDecomposition_F64;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

/** Test helpers: writing small problem files, locating bundled ones, and cone membership of s = b − Ax. */
final class ProblemFiles {
    private ProblemFiles() {
    }

    /** Writes {@code text} to {@code dir/name} (gzip-compressed when the name ends in .gz). */
    static Path write(Path dir, String name, String text) throws IOException {
        Path p = dir.resolve(name);
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        if (name.endsWith(".gz")) {
            try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(p))) {
                out.write(bytes);
            }
        } else {
            Files.write(p, bytes);
        }
        return p;
    }

    /** A problem file bundled under src/test/resources/problems. */
    static Path resource(String relative) {
        URL url = ProblemFiles.class.getResource("/problems/" + relative);
        if (url == null) {
            throw new IllegalStateException("missing test resource problems/" + relative);
        }
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The slack s = b − Ax of the program at x. */
    static double[] slack(ConeProgram p, double[] x) {
        double[] ax = new double[p.m()];
        p.a().multiplyAdd(x, ax);
        double[] s = p.b();
        for (int i = 0; i < s.length; i++) {
            s[i] -= ax[i];
        }
        return s;
    }

    /** Whether x is feasible for the program: b − Ax ∈ K up to {@code tol}. */
    static boolean feasible(ConeProgram p, double[] x, double tol) {
        return inCone(p.cones(), slack(p, x), tol);
    }

    /** Whether s lies in the cone K within {@code tol} (absolute, in each cone's defining inequality). */
    static boolean inCone(ConeDims k, double[] s, double tol) {
        int r = 0;
        for (int i = 0; i < k.zero(); i++, r++) {
            if (Math.abs(s[r]) > tol) {
                return false;
            }
        }
        for (int i = 0; i < k.nonneg(); i++, r++) {
            if (s[r] < -tol) {
                return false;
            }
        }
        for (int q : k.soc()) {
            double sum = 0;
            for (int t = 1; t < q; t++) {
                sum += s[r + t] * s[r + t];
            }
            if (Math.sqrt(sum) > s[r] + tol) {
                return false;
            }
            r += q;
        }
        for (int order : k.psd()) {
            if (minEigenvalue(unsvec(s, r, order)) < -tol) {
                return false;
            }
            r += ConeDims.svecLength(order);
        }
        for (int i = 0; i < k.exp(); i++, r += 3) {
            if (!inExp(s[r], s[r + 1], s[r + 2], tol)) {
                return false;
            }
        }
        for (int i = 0; i < k.dualExp(); i++, r += 3) {
            // K_exp* = {(u,v,w): −u·e^{v/u} ≤ e·w, u < 0} ∪ {u = 0, v ≥ 0, w ≥ 0}
            double u = s[r];
            double v = s[r + 1];
            double w = s[r + 2];
            boolean in = u < 0 ? -u * Math.exp(v / u) <= Math.E * w + tol
                    : u <= tol && v >= -tol && w >= -tol;
            if (!in) {
                return false;
            }
        }
        for (double alpha : k.power()) {
            double x = s[r];
            double y = s[r + 1];
            double z = s[r + 2];
            r += 3;
            if (x < -tol || y < -tol) {
                return false;
            }
            double a = Math.abs(alpha);
            double lhs = alpha > 0 ? Math.pow(Math.max(x, 0), a) * Math.pow(Math.max(y, 0), 1 - a)
                    : Math.pow(Math.max(x, 0) / a, a) * Math.pow(Math.max(y, 0) / (1 - a), 1 - a);
            if (lhs < Math.abs(z) - tol) {
                return false;
            }
        }
        return true;
    }

    /** (x, y, z) ∈ cl{y·e^{x/y} ≤ z, y &gt; 0} within tol. */
    static boolean inExp(double x, double y, double z, double tol) {
        if (y > 0) {
            return y * Math.exp(x / y) <= z + tol * Math.max(1, Math.abs(z));
        }
        return y >= -tol && x <= tol && z >= -tol;
    }

    /** The symmetric matrix of an svec block. */
    static double[][] unsvec(double[] v, int offset, int k) {
        double[][] m = new double[k][k];
        for (int col = 0; col < k; col++) {
            for (int row = col; row < k; row++) {
                double e = v[offset + Svec.index(row, col, k)] / Svec.scale(row, col);
                m[row][col] = e;
                m[col][row] = e;
            }
        }
        return m;
    }

    /** svec of a symmetric matrix. */
    static double[] svec(double[][] m) {
        int k = m.length;
        double[] v = new double[ConeDims.svecLength(k)];
        for (int col = 0; col < k; col++) {
            for (int row = col; row < k; row++) {
                v[Svec.index(row, col, k)] = m[row][col] * Svec.scale(row, col);
            }
        }
        return v;
    }

    static double minEigenvalue(double[][] m) {
        EigenDecomposition_F64<DMatrixRMaj> eig = DecompositionFactory_DDRM.eig(m.length, false, true);
        if (!eig.decompose(new DMatrixRMaj(m))) {
            throw new IllegalStateException("eigendecomposition failed");
        }
        double min = Double.POSITIVE_INFINITY;
        for (int i = 0; i < m.length; i++) {
            min = Math.min(min, eig.getEigenvalue(i).getReal());
        }
        return min;
    }
}
