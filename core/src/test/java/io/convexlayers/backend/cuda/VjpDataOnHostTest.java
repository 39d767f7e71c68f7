// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.backend.cuda;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Random;
import java.util.StringJoiner;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code cl_vjp_data} of {@code cuda-kernels/derivative.cu}, compiled for the host with the C++
 * compiler, against the data cotangent written out from its formula (DESIGN §6): dA_ij = x_j r_y,i −
 * y_i r_x,j, db = y r_w − r_y, dc = x r_w − r_x, dP_ij = r_w x_i x_j − (r_i x_j + x_i r_j)/2 doubled off
 * the diagonal — a check of the {@code .cu} source itself without a GPU. Skipped without a compiler.
 */
class VjpDataOnHostTest {

    @Test
    void hostCompiledKernelComputesTheDataCotangent(@TempDir Path dir) throws Exception {
        Path kernels = ConeKernelsOnHostTest.locate("cuda-kernels");
        Path driver = ConeKernelsOnHostTest.locate("src/test/native/vjp_data_host.cpp");
        Assumptions.assumeTrue(kernels != null && driver != null, "CUDA sources not found");
        String compiler = ConeKernelsOnHostTest.findCompiler();
        Assumptions.assumeTrue(compiler != null, "no C++ compiler (c++, g++ or clang++) on the PATH");
        Path binary = dir.resolve("vjp_data_host");
        Process cc = new ProcessBuilder(compiler, "-O1", "-std=c++17", "-I", kernels.toString(), "-o",
                binary.toString(), driver.toString()).redirectErrorStream(true).start();
        String log = new String(cc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(cc.waitFor(120, TimeUnit.SECONDS) && cc.exitValue() == 0, "compiling failed:\n" + log);

        Random rnd = new Random(4);
        int lanes = 3;
        int n = 4;
        int m = 5;
        int[][] aEntries = {{0, 0}, {2, 0}, {1, 1}, {4, 2}, {3, 3}, {0, 3}};
        int[][] pEntries = {{0, 0}, {0, 1}, {1, 1}, {2, 3}, {3, 3}};
        double[] sol = new double[(n + m) * lanes];
        double[] r = new double[(n + m + 1) * lanes];
        for (int k = 0; k < sol.length; k++) {
            sol[k] = rnd.nextGaussian();
        }
        for (int k = 0; k < r.length; k++) {
            r[k] = rnd.nextGaussian();
        }
        StringJoiner in = new StringJoiner(" ");
        in.add(lanes + " " + n + " " + m + " " + aEntries.length + " " + pEntries.length);
        for (int c = 0; c < 2; c++) {
            for (int[] e : aEntries) {
                in.add(String.valueOf(e[c]));
            }
            for (int[] e : pEntries) {
                in.add(String.valueOf(e[c]));
            }
        }
        for (double v : sol) {
            in.add(Double.toString(v));
        }
        for (double v : r) {
            in.add(Double.toString(v));
        }
        Process p = new ProcessBuilder(binary.toString()).start();
        p.getOutputStream().write((in + "\n").getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        String[] out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim().split(" ");
        assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, "host kernel failed");
        int rows = aEntries.length + m + n + pEntries.length;
        assertEquals(rows * lanes, out.length);
        for (int l = 0; l < lanes; l++) {
            final int lane = l;
            java.util.function.IntToDoubleFunction x = j -> sol[j * lanes + lane];
            java.util.function.IntToDoubleFunction y = i -> sol[(n + i) * lanes + lane];
            java.util.function.IntToDoubleFunction rx = j -> r[j * lanes + lane];
            java.util.function.IntToDoubleFunction ry = i -> r[(n + i) * lanes + lane];
            double rw = r[(n + m) * lanes + l];
            double[] want = new double[rows];
            int k = 0;
            for (int[] e : aEntries) {
                want[k++] = x.applyAsDouble(e[1]) * ry.applyAsDouble(e[0]) - y.applyAsDouble(e[0]) * rx.applyAsDouble(e[1]);
            }
            for (int i = 0; i < m; i++) {
                want[k++] = y.applyAsDouble(i) * rw - ry.applyAsDouble(i);
            }
            for (int j = 0; j < n; j++) {
                want[k++] = x.applyAsDouble(j) * rw - rx.applyAsDouble(j);
            }
            for (int[] e : pEntries) {
                double xi = x.applyAsDouble(e[0]);
                double xj = x.applyAsDouble(e[1]);
                double g = rw * xi * xj - 0.5 * (rx.applyAsDouble(e[0]) * xj + xi * rx.applyAsDouble(e[1]));
                want[k++] = e[0] == e[1] ? g : 2 * g;
            }
            for (int q = 0; q < rows; q++) {
                assertEquals(want[q], Double.parseDouble(out[q * lanes + l]), 1e-14 * (1 + Math.abs(want[q])),
                        "row " + q + ", lane " + l);
            }
        }
    }
}
