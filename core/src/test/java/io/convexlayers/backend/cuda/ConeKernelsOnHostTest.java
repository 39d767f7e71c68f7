// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.backend.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.convexlayers.cone.ConeDerivative;
import io.convexlayers.cone.ConeProjector;
import io.convexlayers.data.ConeDims;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CUDA sources of the cone kernels, compiled for the host with the C++ compiler and run there,
 * against the CPU backend's projections and derivatives: the check that the {@code .cu} files compute
 * what the CPU computes, on any machine with a compiler and without a GPU. The exponential and power
 * cones, the PSD eigendecomposition and projection are ports of the CPU's code (one algorithm per
 * cone on both backends), so they must agree to rounding. Skipped, with the reason, where no C++
 * compiler is installed.
 */
class ConeKernelsOnHostTest {
    private static Path binary;

    @BeforeAll
    static void compile(@TempDir Path dir) throws Exception {
        Path kernels = locate("cuda-kernels");
        Path driver = locate("src/test/native/cone_kernels_host.cpp");
        Assumptions.assumeTrue(kernels != null && driver != null, "CUDA sources not found from " + Path.of("").toAbsolutePath());
        String compiler = findCompiler();
        Assumptions.assumeTrue(compiler != null, "no C++ compiler (c++, g++ or clang++) on the PATH");
        binary = dir.resolve("cone_kernels_host");
        Process p = new ProcessBuilder(compiler, "-O1", "-std=c++17", "-I", kernels.toString(), "-o",
                binary.toString(), driver.toString()).redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS) && p.exitValue() == 0, "compiling the kernels failed:\n" + log);
    }

    static Path locate(String relative) {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve(relative);
            if (Files.exists(candidate)) {
                return candidate;
            }
        }
        return null;
    }

    static String findCompiler() throws InterruptedException {
        for (String name : new String[] {"c++", "g++", "clang++"}) {
            try {
                Process p = new ProcessBuilder(name, "--version").redirectErrorStream(true).start();
                p.getInputStream().readAllBytes();
                if (p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0) {
                    return name;
                }
            } catch (IOException e) {
                // not installed: try the next name
            }
        }
        return null;
    }

    /** Runs the host binary on the cases, one output line of numbers per case. */
    private static List<double[]> run(List<String> cases) throws Exception {
        Process p = new ProcessBuilder(binary.toString()).start();
        p.getOutputStream().write(String.join("\n", cases).concat("\n").getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "host kernels did not finish");
        assertEquals(0, p.exitValue(), "host kernels failed");
        List<double[]> rows = new ArrayList<>();
        for (String line : out.split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            String[] f = line.trim().split(" ");
            double[] row = new double[f.length];
            for (int i = 0; i < f.length; i++) {
                row[i] = Double.parseDouble(f[i].replace("inf", "Infinity").replace("nan", "NaN"));
            }
            rows.add(row);
        }
        assertEquals(cases.size(), rows.size(), "one output line per case");
        return rows;
    }

    private static String join(double... xs) {
        StringBuilder sb = new StringBuilder();
        for (double x : xs) {
            sb.append(' ').append(x);
        }
        return sb.toString();
    }

    /** A point whose coordinates spread over six orders of magnitude and both signs. */
    private static double[] point(Random rnd, int n) {
        double scale = Math.pow(10, rnd.nextInt(7) - 3);
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = scale * rnd.nextGaussian() * Math.pow(10, rnd.nextInt(3) - 1);
        }
        return v;
    }

    private static double norm(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x * x;
        }
        return Math.sqrt(s);
    }

    private static void assertClose(double[] expected, double[] actual, int from, double tol, String what) {
        for (int i = 0; i < expected.length; i++) {
            double diff = Math.abs(expected[i] - actual[from + i]);
            assertTrue(diff <= tol, what + ": entry " + i + " CPU " + expected[i] + " host-compiled CUDA "
                    + actual[from + i] + " (difference " + diff + ", tolerance " + tol + ")");
        }
    }

    private static double[] cpuTriple(ConeDims dims, double[] v, double[] jacobianOut) {
        double[] p = v.clone();
        new ConeProjector(dims, 1).projectPrimal(p, 0);
        ConeDerivative d = new ConeDerivative(dims, 1);
        d.linearizeAt(v, 0, false);
        System.arraycopy(d.denseJacobian(0), 0, jacobianOut, 0, 9);
        return p;
    }

    @Test
    void exponentialConeKernelsEqualTheCpuToRounding() throws Exception {
        Random rnd = new Random(11);
        List<double[]> points = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            points.add(point(rnd, 3));
        }
        // the hard regions: near the boundary, far out along it (|rho| large), the faces
        points.add(new double[] {-700, 1, 1e-300});
        points.add(new double[] {50, 1, 1e20});
        points.add(new double[] {1, 1e-8, 1});
        points.add(new double[] {-1, 0, 2});
        points.add(new double[] {3, -2, 1});
        points.add(new double[] {1e-9, 1, 1.0000001});
        List<String> cases = new ArrayList<>();
        for (double[] v : points) {
            cases.add("exp 0" + join(v));
            cases.add("exp 1" + join(v));
        }
        List<double[]> out = run(cases);
        double worstP = 0;
        for (int c = 0; c < cases.size(); c++) {
            double[] v = points.get(c / 2);
            boolean dual = c % 2 == 1;
            ConeDims dims = dual ? new ConeDims(0, 0, null, null, 0, 1, null) : new ConeDims(0, 0, null, null, 1, 0, null);
            double[] jac = new double[9];
            double[] p = cpuTriple(dims, v, jac);
            double scale = Math.max(1, norm(v));
            assertClose(p, out.get(c), 0, 1e-12 * scale, "exp projection (dual " + dual + ") at " + join(v));
            assertClose(jac, out.get(c), 3, 1e-9, "exp Jacobian (dual " + dual + ") at " + join(v));
            for (int i = 0; i < 3; i++) {
                worstP = Math.max(worstP, Math.abs(p[i] - out.get(c)[i]) / scale);
            }
        }
        assertTrue(worstP < 1e-12, "worst projection difference " + worstP);
    }

    @Test
    void psdKernelsEqualTheCpuToRounding() throws Exception {
        Random rnd = new Random(12);
        List<double[]> vs = new ArrayList<>();
        List<double[]> ds = new ArrayList<>();
        List<Integer> orders = new ArrayList<>();
        List<String> cases = new ArrayList<>();
        for (int i = 0; i < 120; i++) {
            int k = 1 + i % 9;
            int sv = k * (k + 1) / 2;
            double[] v = point(rnd, sv);
            if (i % 10 == 0) {
                // a PSD input: must come back bit for bit
                v = gram(rnd, k);
            } else if (i % 10 == 1) {
                // repeated eigenvalues (a multiple of I plus a rank-one term)
                v = new double[sv];
                int p = 0;
                double u0 = rnd.nextGaussian();
                for (int j = 0; j < k; j++) {
                    for (int r = j; r < k; r++) {
                        v[p++] = r == j ? -2 + u0 * u0 : 0;
                    }
                }
            }
            double[] d = point(rnd, sv);
            vs.add(v);
            ds.add(d);
            orders.add(k);
            cases.add("psd " + k + join(v) + join(d));
        }
        List<double[]> out = run(cases);
        for (int c = 0; c < cases.size(); c++) {
            int k = orders.get(c);
            int sv = k * (k + 1) / 2;
            double[] v = vs.get(c);
            ConeDims dims = new ConeDims(0, 0, null, new int[] {k}, 0, 0, null);
            double[] p = v.clone();
            new ConeProjector(dims, 1).projectPrimal(p, 0);
            double scale = Math.max(1, norm(v));
            assertClose(p, out.get(c), 0, 1e-12 * scale, "PSD projection, order " + k);
            if (c % 10 == 0) {
                for (int i = 0; i < sv; i++) {
                    assertEquals(v[i], out.get(c)[i], 0.0, "a PSD input is left bit for bit");
                }
            }
            ConeDerivative der = new ConeDerivative(dims, 1);
            der.linearizeAt(v, 0, false);
            double[] dp = new double[sv];
            der.apply(ds.get(c), 0, dp, 0);
            assertClose(dp, out.get(c), sv + k, 1e-10 * Math.max(1, norm(ds.get(c))), "PSD derivative, order " + k);
            double[] eig = java.util.Arrays.copyOfRange(out.get(c), sv, sv + k);
            for (int i = 1; i < k; i++) {
                assertTrue(eig[i - 1] <= eig[i], "eigenvalues ascending, as SymmetricEigen returns them");
            }
        }
    }

    private static double[] gram(Random rnd, int k) {
        double[] g = new double[k * k];
        for (int i = 0; i < k * k; i++) {
            g[i] = rnd.nextGaussian();
        }
        double[] v = new double[k * (k + 1) / 2];
        int p = 0;
        for (int j = 0; j < k; j++) {
            for (int i = j; i < k; i++) {
                double s = 0;
                for (int e = 0; e < k; e++) {
                    s += g[i * k + e] * g[j * k + e];
                }
                v[p++] = i == j ? s : s * Math.sqrt(2);
            }
        }
        return v;
    }

    @Test
    void secondOrderAndPowerConeKernelsEqualTheCpuToRounding() throws Exception {
        Random rnd = new Random(13);
        List<double[]> vs = new ArrayList<>();
        List<double[]> ds = new ArrayList<>();
        List<Double> alphas = new ArrayList<>();
        List<String> cases = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            int q = 1 + i % 7;
            double[] v = point(rnd, q);
            double[] d = point(rnd, q);
            vs.add(v);
            ds.add(d);
            alphas.add(Double.NaN);
            cases.add("soc " + q + join(v) + join(d));
        }
        for (int i = 0; i < 300; i++) {
            double a = (0.05 + 0.9 * rnd.nextDouble()) * (i % 2 == 0 ? 1 : -1);
            double[] v = point(rnd, 3);
            vs.add(v);
            ds.add(null);
            alphas.add(a);
            cases.add("pow " + a + join(v));
        }
        List<double[]> out = run(cases);
        for (int c = 0; c < cases.size(); c++) {
            double[] v = vs.get(c);
            double scale = Math.max(1, norm(v));
            if (Double.isNaN(alphas.get(c))) {
                int q = v.length;
                ConeDims dims = new ConeDims(0, 0, new int[] {q}, null, 0, 0, null);
                double[] p = v.clone();
                new ConeProjector(dims, 1).projectPrimal(p, 0);
                assertClose(p, out.get(c), 0, 1e-13 * scale, "SOC projection");
                ConeDerivative der = new ConeDerivative(dims, 1);
                der.linearizeAt(v, 0, false);
                double[] dp = new double[q];
                der.apply(ds.get(c), 0, dp, 0);
                assertClose(dp, out.get(c), q, 1e-11 * Math.max(1, norm(ds.get(c))), "SOC derivative");
            } else {
                ConeDims dims = new ConeDims(0, 0, null, null, 0, 0, new double[] {alphas.get(c)});
                double[] jac = new double[9];
                double[] p = cpuTriple(dims, v, jac);
                assertClose(p, out.get(c), 0, 1e-12 * scale, "power projection, alpha " + alphas.get(c) + " at " + join(v));
                assertClose(jac, out.get(c), 3, 1e-9, "power Jacobian, alpha " + alphas.get(c) + " at " + join(v));
            }
        }
    }
}
