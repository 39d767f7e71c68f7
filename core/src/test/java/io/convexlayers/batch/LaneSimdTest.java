// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.batch;

import io.convexlayers.data.ConeDims;
import io.convexlayers.data.CscMatrix;
import io.convexlayers.data.SparsePattern;
import io.convexlayers.solver.hsde.Equilibration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Random;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The SIMD lane loops against the scalar ones, bit for bit: the tile products (shared and per-lane
 * values, empty columns, offsets, accumulation into what the output held) and equilibration (A and
 * a symmetric P, ∞-norm passes and the ℓ2 pass). The test JVM has the Vector API (core's surefire
 * configuration) at the processor's widest vectors, and again in the core build's {@code simd-256}
 * run at 256 bits (two vectors per entry); on a processor without such vectors the comparisons are
 * skipped with the reason {@link LaneSimd#description()} gives.
 */
class LaneSimdTest {

    @AfterEach
    void restore() {
        LaneSimd.setEnabled(true);
    }

    @Test
    void theSwitchSaysWhatRuns() {
        assumeTrue(LaneSimd.available(), LaneSimd.description());
        LaneSimd.setEnabled(false);
        assertNull(LaneSimd.kernels());
        assertEquals("scalar (SIMD turned off)", LaneSimd.description());
        LaneSimd.setEnabled(true);
        assertTrue(LaneSimd.kernels() instanceof VectorLanes8Kernels);
        assertTrue(LaneSimd.description().startsWith("SIMD"), LaneSimd.description());
    }

    @Test
    void theKernelsRunAtTheNamedWidth() {
        assumeTrue(LaneSimd.available(), LaneSimd.description());
        String named = System.getProperty(VectorLanes8Kernels.WIDTH_PROPERTY);
        int bits = LaneSimd.kernels().vectorBits();
        if (named != null) {
            assertEquals(Integer.parseInt(named), bits, "the core build's simd-256 run names its width");
        }
        assertEquals(bits == 512 ? "SIMD (Vector API, 512-bit) for 8-lane tiles"
                : "SIMD (Vector API, 256-bit, two vectors per entry) for 8-lane tiles", LaneSimd.description());
    }

    @Test
    void aWidthThatIsNeitherIsRefusedWithTheReason() throws Exception {
        assertEquals("cpu loops: scalar (-Dconvexlayers.simd.bits must be 256 or 512, not 300)",
                versionLoopsLine("--add-modules", "jdk.incubator.vector", "-Dconvexlayers.simd.bits=300"));
    }

    @Test
    void aJvmWithoutTheVectorApiRunsTheScalarLoopsAndSaysWhy() throws Exception {
        // The command line in JVMs of its own: one without the module (nothing of the Vector API may
        // be linked), one with it but SIMD turned off by the property.
        assertEquals("cpu loops: scalar (start the JVM with --add-modules jdk.incubator.vector for SIMD)",
                versionLoopsLine());
        assertEquals("cpu loops: scalar (-Dconvexlayers.simd=false)",
                versionLoopsLine("--add-modules", "jdk.incubator.vector", "-Dconvexlayers.simd=false"));
    }

    private static String versionLoopsLine(String... jvmOptions) throws Exception {
        java.util.List<String> command = new java.util.ArrayList<>();
        command.add(java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(java.util.List.of(jvmOptions));
        command.addAll(java.util.List.of("-cp", System.getProperty("java.class.path"), "io.convexlayers.cli.Main",
                "--version"));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS), "the JVM ended");
        assertEquals(0, p.exitValue(), out);
        return out.lines().filter(l -> l.startsWith("cpu loops: ")).findFirst().orElse(out);
    }

    @ParameterizedTest(name = "shared {0}, density {1}")
    @CsvSource({"true, 0.4", "false, 0.4", "true, 1.0", "false, 1.0"})
    void productsAreTheScalarProductsBitForBit(boolean shared, double density) {
        Random rnd = new Random(shared ? 21 : 22);
        int rows = 23;
        int cols = 17;
        // Density 1: full columns except the empty column 3, so blocks of four full columns (4–7,
        // 8–11, 12–15) mix with single columns (0–3, 16).
        SparsePattern pattern = randomPattern(rows, cols, density, rnd);
        double[] values = gaussian(shared ? pattern.nnz() : pattern.nnz() * 8, rnd);
        int off = 24;
        double[] x = gaussian(off + cols * 8, rnd);
        double[] y = gaussian(off + rows * 8, rnd);
        double[] ax = gaussian(off + rows * 8, rnd);
        double[] aty = gaussian(off + cols * 8, rnd);
        double[][] both = compare(() -> {
            double[] outA = ax.clone();
            double[] outT = aty.clone();
            TileSparse.multiplyAdd(pattern, values, shared, 8, x, off, outA, off);
            TileSparse.transposeMultiplyAdd(pattern, values, shared, 8, y, off, outT, off);
            return concat(outA, outT);
        });
        assertArrayEquals(both[0], both[1]);
        assertNotEquals(0, diff(both[0], concat(ax, aty)), "the products changed the outputs");
    }

    @ParameterizedTest(name = "density {0}")
    @ValueSource(doubles = {0.4, 1.0})
    void theFusedProductsAreTheTwoScalarProductsBitForBit(double density) {
        Random rnd = new Random(31);
        int rows = 23;
        int cols = 17;
        SparsePattern pattern = randomPattern(rows, cols, density, rnd);
        double[] values = gaussian(pattern.nnz() * 8, rnd);
        double[] x = gaussian(cols * 8, rnd);
        double[] y = gaussian(rows * 8, rnd);
        double[] ax = gaussian(rows * 8, rnd);
        double[] aty = gaussian(cols * 8, rnd);
        // The scalar loops, one product after the other ...
        double[][] separate = compare(() -> {
            double[] outA = ax.clone();
            double[] outT = aty.clone();
            TileSparse.multiplyAdd(pattern, values, false, 8, x, 0, outA, 0);
            TileSparse.transposeMultiplyAdd(pattern, values, false, 8, y, 0, outT, 0);
            return concat(outA, outT);
        });
        // ... against both in one sweep, with and without SIMD.
        double[][] fused = compare(() -> {
            double[] outA = ax.clone();
            double[] outT = aty.clone();
            TileSparse.multiplyBothAdd(pattern, values, 8, x, outA, y, outT);
            return concat(outA, outT);
        });
        assertArrayEquals(separate[0], fused[0]);
        assertArrayEquals(separate[0], fused[1]);
        assertNotEquals(0, diff(separate[0], concat(ax, aty)), "the products changed the outputs");
    }

    @ParameterizedTest(name = "shared {0}, density {1}")
    @CsvSource({"true, 0.4", "false, 0.4", "false, 1.0"})
    void symmetricProductsAreTheScalarProductsBitForBit(boolean shared, double density) {
        Random rnd = new Random(shared ? 41 : 42);
        int n = 19;
        SparsePattern upper = upperPattern(n, density, rnd);
        double[] values = gaussian(shared ? upper.nnz() : upper.nnz() * 8, rnd);
        int off = 16;
        double[] x = gaussian(off + n * 8, rnd);
        double[] px = gaussian(off + n * 8, rnd);
        double[][] both = compare(() -> {
            double[] out = px.clone();
            TileSparse.symmetricMultiplyAdd(upper, values, shared, 8, x, off, out, off);
            return out;
        });
        assertArrayEquals(both[0], both[1]);
        assertNotEquals(0, diff(both[0], px), "the product changed the output");
    }

    @ParameterizedTest(name = "with P {0}, density of A {1}, of P's triangle {2}")
    @org.junit.jupiter.params.provider.CsvSource({"true, 0.5, 0.5", "false, 0.5, 0", "true, 1.0, 0.5", "false, 1.0, 0",
            "true, 1.0, 1.0", "true, 0.5, 1.0"})
    void equilibrationIsTheScalarOneBitForBit(boolean withP, double density, double pDensity) {
        Random rnd = new Random(withP ? 31 : 32);
        int m = 14;
        int n = 9;
        SparsePattern a = randomPattern(m, n, density, rnd); // dense: blocks of full columns and one more
        // A dense triangle: blocks of four full columns (the first without rows above its 4 × 4 corner), one more.
        SparsePattern p = withP ? upperPattern(n, pDensity, rnd) : null;
        double[] aValues = spread(gaussian(a.nnz() * 8, rnd), rnd);
        double[] pValues = withP ? spread(gaussian(p.nnz() * 8, rnd), rnd) : null;
        // Rows 4..7 form a second-order cone: its rows share one factor.
        ConeDims cones = ConeDims.builder().zero(2).nonneg(2).soc(4).nonneg(m - 8).build();
        double[][] both = compare(() -> {
            double[] av = aValues.clone();
            double[] pv = withP ? pValues.clone() : new double[0];
            Equilibration.Factors f = Equilibration.scaleMatrices(a, av, p, withP ? pv : null, cones, 8, true);
            return concat(concat(av, pv), concat(f.d(), f.e()));
        });
        assertArrayEquals(both[0], both[1]);
    }

    /** The norms-to-factors step, at the clamps, at zero (an empty row keeps factor 1) and at NaN. */
    @Test
    void equilibrationFactorsAreTheScalarOnesBitForBit() {
        assumeTrue(LaneSimd.available(), LaneSimd.description());
        double min = Equilibration.MIN_NORM;
        double max = Equilibration.MAX_NORM;
        double[] norms = {0, 1, 2, 1e-9, min, 1e9, max, Double.NaN, 0.3, 7.5e3, 1e-5, 4, 0, 1e300, 5e-4, 9.75};
        double[] simd = norms.clone();
        LaneSimd.kernels().toFactors(simd, simd.length, min, max);
        for (int i = 0; i < norms.length; i++) {
            double v = norms[i];
            double scalar = v == 0 ? 1 : 1 / Math.sqrt(Math.min(Math.max(v, min), max));
            assertEquals(Double.doubleToRawLongBits(scalar), Double.doubleToRawLongBits(simd[i]), "norm " + v);
        }
    }

    @Test
    void theInteriorPointKernelsAreTheScalarLoopsBitForBit() {
        assumeTrue(LaneSimd.available(), LaneSimd.description());
        Lanes8Kernels simd = LaneSimd.kernels();
        Random rnd = new Random(51);
        int rows = 13;
        double[] v = spread(gaussian(rows * 8, rnd), rnd);
        double[] dv = gaussian(rows * 8, rnd);
        double[] r = gaussian(rows * 8, rnd);
        double[] inv = spread(gaussian(rows * 8, rnd), rnd);
        // Max and min follow Math.max/min: NaN wins, −0.0 is below 0.0; a zero step direction has no limit.
        v[3 * 8 + 2] = Double.NaN;
        v[5 * 8 + 6] = -0.0;
        dv[4 * 8 + 1] = 0.0;
        dv[6 * 8 + 5] = -0.0;
        double[] invT = {1, 0.5, 2, 1e-3, 7, 1, 3, Double.POSITIVE_INFINITY};

        double[] max = gaussian(8, rnd);
        double[] expectedMax = max.clone();
        for (int i = 0; i < rows; i++) {
            for (int l = 0; l < 8; l++) {
                expectedMax[l] = Math.max(expectedMax[l], Math.abs(v[i * 8 + l]));
            }
        }
        simd.maxAbs(v, rows, max);
        assertArrayEquals(expectedMax, max);

        double[] limit = {1, 1, 1, 0.5, Double.POSITIVE_INFINITY, 1, 1, 1};
        double[] expectedLimit = limit.clone();
        for (int i = 2; i < 11; i++) {
            for (int l = 0; l < 8; l++) {
                int t = i * 8 + l;
                if (dv[t] < 0) {
                    expectedLimit[l] = Math.min(expectedLimit[l], -v[t] / dv[t]);
                }
            }
        }
        simd.stepLimits(v, dv, 2, 11, limit);
        assertArrayEquals(expectedLimit, limit);

        for (boolean subtract : new boolean[] {true, false}) {
            double[] expected = new double[7 * 8];
            for (int i = 0; i < rows; i++) {
                for (int l = 0; l < 8; l++) {
                    int t = i * 8 + l;
                    double u = v[t] * inv[t];
                    double q = dv[t] * inv[t];
                    double w = r[t] * inv[t];
                    double[] terms = {subtract ? (u + q) * invT[l] - w : (u + q) * invT[l] + w, u * invT[l],
                        q * invT[l], w, u + q, u, q};
                    for (int k = 0; k < 7; k++) {
                        expected[k * 8 + l] = Math.max(expected[k * 8 + l], Math.abs(terms[k]));
                    }
                }
            }
            double[] out = gaussian(7 * 8, rnd); // overwritten, not accumulated
            simd.residualMaxima(v, dv, r, inv, invT, subtract, rows, out);
            assertArrayEquals(expected, out, "subtract " + subtract);
        }

        double[] positive = spread(gaussian(16, rnd), rnd);
        for (int t = 0; t < 16; t++) {
            positive[t] = Math.abs(positive[t]);
        }
        positive[3] = Double.POSITIVE_INFINITY;
        double[] inverse = new double[16];
        simd.inverseSqrt(positive, 16, inverse);
        for (int t = 0; t < 16; t++) {
            assertEquals(Double.doubleToLongBits(1.0 / Math.sqrt(positive[t])), Double.doubleToLongBits(inverse[t]));
        }
        int[] entry = {4, 1, 7};
        int[] slot = {2, 0, 1};
        double[] panel = new double[3 * 24];
        simd.scaleRowInto(v, entry, slot, 0, 3, r, 16, panel, 24, 8);
        for (int t = 0; t < 3; t++) {
            for (int l = 0; l < 8; l++) {
                assertEquals(Double.doubleToLongBits(v[entry[t] * 8 + l] * r[16 + l]),
                        Double.doubleToLongBits(panel[slot[t] * 24 + 8 + l]));
            }
        }

        double[] scaled = new double[24];
        simd.scaleEntry(v, 8, invT, scaled, 16);
        for (int l = 0; l < 8; l++) {
            assertEquals(Double.doubleToLongBits(v[8 + l] * invT[l]), Double.doubleToLongBits(scaled[16 + l]));
        }
    }

    /**
     * Each {@link LaneLoops} loop with the SIMD kernels against its scalar loop, bit for bit: NaN steps that
     * leave a lane alone, zero and negative entries that end a lane's interior, lanes switched off.
     */
    @Test
    void theLaneLoopsAreTheScalarLoopsBitForBit() {
        Random rnd = new Random(61);
        int rows = 11;
        double[] x = spread(gaussian(rows * 8, rnd), rnd);
        double[] y = spread(gaussian(rows * 8, rnd), rnd);
        double[] q = spread(gaussian(rows * 8, rnd), rnd);
        double[] a = gaussian(8, rnd);
        double[] withNaN = gaussian(8, rnd);
        withNaN[2] = Double.NaN;
        withNaN[7] = Double.NaN;
        y[5 * 8 + 2] = Double.POSITIVE_INFINITY; // a NaN lane stays as it was even against infinity
        double[] s = spread(gaussian(rows * 8, rnd), rnd);
        double[] z = spread(gaussian(rows * 8, rnd), rnd);
        for (int t = 0; t < s.length; t++) {
            s[t] = Math.abs(s[t]);
            z[t] = Math.abs(z[t]);
        }
        s[4 * 8 + 1] = 0;
        z[9 * 8 + 4] = -1e-3;
        z[6 * 8 + 6] = Double.NaN;
        boolean[] on = {true, true, false, true, true, true, true, false};
        double[][] both = compare(() -> {
            double[] out = new double[rows * 8];
            LaneLoops.addScaled(x, a, y, 1, rows, 8, out);
            double[] moved = x.clone();
            LaneLoops.addScaledWhereNumber(moved, withNaN, y, 2, rows - 1, 8);
            double[] neg = new double[rows * 8];
            LaneLoops.negatedScaledPlus(a, x, null, 0, 3, 8, neg);
            LaneLoops.negatedScaledPlus(a, x, q, 3, rows, 8, neg);
            double[] sums = gaussian(8, new Random(3));
            LaneLoops.dotAdd(x, y, 1, rows, 8, sums);
            double[] shifted = gaussian(8, new Random(4));
            LaneLoops.shiftedDotAdd(x, q, a, y, rows, 8, shifted);
            double[] r1 = new double[rows * 8];
            double[] r2 = new double[rows * 8];
            double[] s1 = new double[8];
            double[] s2 = new double[8];
            double[] s3 = new double[8];
            LaneLoops.residualRows(x, y, q, a, false, s, rows, 8, r1, s1, s2);
            LaneLoops.residualRows(x, y, q, a, true, z, rows, 8, r2, s3, null);
            double[] target = new double[rows * 8];
            LaneLoops.correctorTarget(x, y, q, s, a, 2, rows, 8, target);
            double[] w = gaussian(rows * 8, new Random(5));
            double[] lambda = gaussian(rows * 8, new Random(6));
            boolean[] interior = {true, true, true, true, true, true, true, true};
            LaneLoops.scaling(s, z, on, 1, rows, 8, w, lambda, interior);
            double[] flags = new double[8];
            for (int l = 0; l < 8; l++) {
                flags[l] = interior[l] ? 1 : 0;
            }
            return concat(concat(concat(concat(out, moved), concat(neg, sums)), concat(concat(shifted, r1),
                    concat(r2, concat(s1, concat(s2, s3))))), concat(concat(target, w), concat(lambda, flags)));
        });
        assertArrayEquals(both[0], both[1]);
        double[] flags = java.util.Arrays.copyOfRange(both[1], both[1].length - 8, both[1].length);
        assertArrayEquals(new double[] {1, 0, 1, 1, 0, 1, 0, 1}, flags, "lanes 1, 4 and 6 left the interior");
    }

    /** The first-order method's residual maxima and sums, SIMD against the scalar loop, both signs, bit for bit. */
    @Test
    void theUnscaledResidualRowsAreTheScalarLoopBitForBit() {
        Random rnd = new Random(67);
        int rows = 9;
        double[] p = spread(gaussian(rows * 8, rnd), rnd);
        double[] q = spread(gaussian((rows + 3) * 8, rnd), rnd);
        double[] r = spread(gaussian(rows * 8, rnd), rnd);
        double[] u = spread(gaussian((rows + 5) * 8, rnd), rnd);
        double[] scale = gaussian(rows * 8, rnd);
        for (int k = 0; k < scale.length; k++) {
            scale[k] = 0.1 + Math.abs(scale[k]);
        }
        double[] t = {1, 0.5, 2, 1e-3, 7, 1, 3, 1e6};
        double[] sigma = {1, 2, 0.25, 1, 3, 1e-2, 1, 5};
        p[4 * 8 + 3] = Double.NaN; // a lane whose maxima and sums turn NaN
        double[][] both = compare(() -> {
            double[] out = new double[0];
            for (boolean subtract : new boolean[] {true, false}) {
                double[] maxima = gaussian(7 * 8, new Random(8)); // overwritten, not accumulated
                double[] sums = gaussian(8, new Random(9));
                double[] sums2 = gaussian(8, new Random(10));
                LaneLoops.unscaledResidualRows(p, q, 3 * 8, r, scale, t, sigma, subtract, u, 5 * 8, rows, 8, maxima,
                        sums, subtract ? null : sums2);
                out = concat(out, concat(maxima, concat(sums, sums2)));
            }
            return out;
        });
        assertArrayEquals(both[0], both[1]);
    }

    @Test
    void compiledKernelsDoNotAllocate() {
        assumeTrue(LaneSimd.available(), LaneSimd.description());
        Random rnd = new Random(23);
        SparsePattern pattern = randomPattern(40, 30, 0.3, rnd);
        double[] values = gaussian(pattern.nnz() * 8, rnd);
        double[] x = gaussian(30 * 8, rnd);
        double[] out = new double[40 * 8];
        long allocated = bytesOnceCompiled(() -> {
            TileSparse.multiplyAdd(pattern, values, false, 8, x, 0, out, 0);
            TileSparse.transposeMultiplyAdd(pattern, values, false, 8, out, 0, x, 0);
            java.util.Arrays.fill(out, 0);
            java.util.Arrays.fill(x, 1);
        });
        assertTrue(allocated < 256, "bytes allocated by 4000 compiled SIMD products: " + allocated);
    }

    /**
     * The reduced matrix's block dot products: sixteen vector sums live at once in {@code dotAdd4x4}, which
     * C2 keeps in registers only while nothing passes them to a call it does not inline (a helper that took
     * four of them boxed every one, and assembled the reduced matrix three times slower).
     */
    @Test
    void compiledBlockDotProductsDoNotAllocate() {
        assumeTrue(LaneSimd.available(), LaneSimd.description());
        Lanes8Kernels simd = LaneSimd.kernels();
        Random rnd = new Random(31);
        int stride = 24 * 8;
        double[] panel = gaussian(8 * stride, rnd);
        int[] cols = {0, 1, 2, 3, 4, 5, 6, 7};
        double[] out = new double[64 * 8];
        long allocated = bytesOnceCompiled(() -> {
            simd.dotAdd2x4(panel, 4 * stride, 0, stride, cols, 0, 0, 8 * 8, out);
            simd.dotAdd4x4(panel, 4 * stride, 0, stride, cols, 0, 0, 8 * 8, 16 * 8, 24 * 8, out);
        });
        assertTrue(allocated < 256, "bytes allocated by compiled block dot products: " + allocated);
    }

    /**
     * The residual kernels with and without their optional second sum: a vector that may be null, or one
     * updated only under a condition inside the loop, is boxed at every row (2 976 bytes a call of 30 rows
     * before the kernels had a loop per case or always took the sum).
     */
    @Test
    void compiledResidualKernelsDoNotAllocate() {
        assumeTrue(LaneSimd.available(), LaneSimd.description());
        Random rnd = new Random(29);
        int rows = 30;
        double[] p = gaussian(rows * 8, rnd);
        double[] q = gaussian(rows * 8, rnd);
        double[] c = gaussian(rows * 8, rnd);
        double[] u = gaussian(2 * rows * 8, rnd);
        double[] scale = new double[rows * 8];
        java.util.Arrays.fill(scale, 2);
        double[] tau = gaussian(8, rnd);
        double[] sigma = new double[8];
        java.util.Arrays.fill(sigma, 0.5);
        double[] r = new double[rows * 8];
        double[] out1 = new double[8];
        double[] out2 = new double[8];
        double[] maxima = new double[7 * 8];
        long allocated = bytesOnceCompiled(() -> {
            LaneLoops.residualRows(p, q, c, tau, true, u, rows, 8, r, out1, null);
            LaneLoops.residualRows(p, q, c, tau, false, u, rows, 8, r, out1, out2);
            LaneLoops.unscaledResidualRows(p, q, 0, c, scale, tau, sigma, true, u, rows * 8, rows, 8, maxima,
                    out1, null);
            LaneLoops.unscaledResidualRows(p, q, 0, c, scale, tau, sigma, false, u, 0, rows, 8, maxima, out1,
                    out2);
        });
        assertTrue(allocated < 256, "bytes allocated by 8000 compiled residual kernels: " + allocated);
    }

    /**
     * Bytes this thread allocates in 2 000 calls of {@code call}, measured again until under 256 or 20 s
     * have passed: until the JIT compiles them the vector operations are objects; once compiled, none may be.
     */
    private static long bytesOnceCompiled(Runnable call) {
        com.sun.management.ThreadMXBean bean =
                (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long deadline = System.nanoTime() + 20_000_000_000L;
        long allocated = Long.MAX_VALUE;
        while (allocated >= 256 && System.nanoTime() < deadline) {
            long before = bean.getCurrentThreadAllocatedBytes();
            for (int k = 0; k < 2000; k++) {
                call.run();
            }
            allocated = bean.getCurrentThreadAllocatedBytes() - before;
        }
        return allocated;
    }

    /** Runs {@code work} with the scalar loops, then with SIMD: {scalar result, SIMD result}. */
    static double[][] compare(Supplier<double[]> work) {
        assumeTrue(LaneSimd.available(), LaneSimd.description());
        LaneSimd.setEnabled(false);
        double[] scalar = work.get();
        LaneSimd.setEnabled(true);
        double[] simd = work.get();
        return new double[][] {scalar, simd};
    }

    static SparsePattern randomPattern(int rows, int cols, double density, Random rnd) {
        double[][] mask = new double[rows][cols];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                // Column 3 stays empty: a column without entries must leave its outputs alone.
                mask[i][j] = j != 3 && rnd.nextDouble() < density ? 1 : 0;
            }
        }
        return CscMatrix.fromDense("M", mask).pattern();
    }

    private static SparsePattern upperPattern(int n, double density, Random rnd) {
        double[][] mask = new double[n][n];
        for (int j = 0; j < n; j++) {
            for (int i = 0; i <= j; i++) {
                mask[i][j] = i == j || rnd.nextDouble() < density ? 1 : 0;
            }
        }
        return CscMatrix.fromDense("P", mask).pattern();
    }

    static double[] gaussian(int len, Random rnd) {
        double[] v = new double[len];
        for (int i = 0; i < len; i++) {
            v[i] = rnd.nextGaussian();
        }
        return v;
    }

    /** Entries over six orders of magnitude, so that the passes have something to equalize. */
    private static double[] spread(double[] v, Random rnd) {
        for (int i = 0; i < v.length; i++) {
            v[i] *= Math.pow(10, rnd.nextInt(7) - 3);
        }
        return v;
    }

    static double[] concat(double[] a, double[] b) {
        double[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static double diff(double[] a, double[] b) {
        double d = 0;
        for (int i = 0; i < a.length; i++) {
            d = Math.max(d, Math.abs(a[i] - b[i]));
        }
        return d;
    }
}
