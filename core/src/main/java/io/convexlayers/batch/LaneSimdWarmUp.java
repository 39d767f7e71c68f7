// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.batch;

/**
 * Compiles the SIMD kernels before the first solve needs them. Until the JIT's optimizing compiler
 * has compiled a Vector API method, it runs as plain Java that allocates an object per vector
 * operation, tens of times slower than the scalar loops; a first solve that waits for that compiles
 * several times slower than with scalar code. So, once per JVM, a daemon thread calls every kernel
 * on a few entries, every branch taken, until the optimizing compiler has picked them up (a few
 * thousand calls, some tens of milliseconds of one core). Results never depend on it: the kernels
 * give the same bits compiled or not.
 */
final class LaneSimdWarmUp implements Runnable {
    /** Calls per kernel and branch: past the JIT's thresholds for compiling a method and its loops. */
    private static final int CALLS = 6000;
    private final Lanes8Kernels kernels;

    private LaneSimdWarmUp(Lanes8Kernels kernels) {
        this.kernels = kernels;
    }

    /** Starts the warm-up of {@code kernels} on a daemon thread. */
    static void start(Lanes8Kernels kernels) {
        Thread t = new Thread(new LaneSimdWarmUp(kernels), "convexlayers-simd-warm-up");
        t.setDaemon(true);
        t.setPriority(Thread.MIN_PRIORITY);
        t.start();
    }

    @Override
    public void run() {
        // A 3 × 2 matrix with 4 entries: column 0 rows {0, 2}, column 1 rows {1, 2}.
        int[] colStart = {0, 2, 4};
        int[] rowIndex = {0, 2, 1, 2};
        double[] values = filled(4 * 8, 0.5);
        // The upper triangle of a symmetric 2 × 2 matrix: column 0 row {0}, column 1 rows {0, 1}.
        int[] upperStart = {0, 1, 3};
        int[] upperRows = {0, 0, 1};
        double[] x = filled(3 * 8, 1.0);
        double[] out = new double[3 * 8];
        double[] factor = filled(6 * 8, 0.25);
        double[] scale = filled(3 * 8, 1.0);
        double[] z = filled(3 * 8, 1.0);
        double[] lanes = new double[8];
        double[] other = filled(8, 1.0);
        double[] residuals = new double[7 * 8];
        // Seven rows and four: the long sums' four-row loop with and without a tail.
        double[] rows = filled(7 * 8, 0.5);
        int[] slots = {0, 1};
        boolean[] on = {true, false, true, true, true, true, false, true};
        boolean[] interior = new boolean[8];
        for (int call = 0; call < CALLS; call++) {
            boolean flip = (call & 1) == 0;
            kernels.multiplyAdd(2, colStart, rowIndex, values, flip, x, 0, out, 0);
            kernels.transposeMultiplyAdd(2, colStart, rowIndex, values, flip, x, 0, out, 0);
            kernels.symmetricMultiplyAdd(2, upperStart, upperRows, values, flip, x, 0, out, 0);
            kernels.forwardSolve(factor, flip ? scale : null, 3, flip, z, 0);
            kernels.backwardSolve(factor, flip ? null : scale, 3, !flip, z, 0);
            kernels.dotAdd(values, 0, 8, 16, out, 0);
            kernels.accumulateNorms(2, colStart, rowIndex, values, out, x, flip, false);
            kernels.accumulateNorms(2, colStart, rowIndex, values, null, x, !flip, true);
            kernels.applyFactors(2, colStart, rowIndex, values, scale, scale);
            kernels.sumSquares(rows, flip ? 7 : 4, lanes);
            kernels.scaleLanes(z, 3, scale);
            kernels.tauCoefficients(rows, rows, rows, rows, flip ? 7 : 4, lanes, other, lanes);
            kernels.subtractScaled(z, scale, x, 3);
            kernels.maxAbs(z, 3, lanes);
            kernels.stepLimits(x, z, 0, 3, lanes);
            kernels.residualMaxima(x, z, scale, scale, other, flip, 3, residuals);
            kernels.scaleEntry(x, 8, scale, out, 16);
            // The interior-point tile's and the backward pass's lane loops (LaneLoops).
            kernels.inverseSqrt(scale, 24, out);
            kernels.scaleRowInto(values, slots, slots, 0, 2, scale, 8, out, 8, 0);
            kernels.addScaled(x, other, z, 0, 3, out);
            kernels.addScaledWhereNumber(z, 0, other, x, flip ? 0 : 1, 2);
            kernels.negatedScaledPlus(other, x, flip ? z : null, 0, 3, out);
            kernels.laneDotAdd(x, z, 0, 3, lanes);
            kernels.shiftedDotAdd(x, z, other, scale, 3, lanes);
            kernels.residualRows(x, z, scale, other, flip, z, 3, out, lanes, flip ? lanes : null);
            kernels.correctorTarget(x, z, scale, scale, other, 0, 3, out);
            kernels.scaling(scale, scale, on, 0, 3, out, z, interior);
            kernels.productDifference(x, 0, z, 8, scale, 16, other, 0, out, 8);
            kernels.symmetricGradient(z, 16, x, 0, 8, flip ? 1 : 2, out, 0);
            kernels.unscaledResidualRows(x, z, 0, scale, scale, other, other, flip, x, 0, 3, residuals, lanes,
                    flip ? null : other);
            java.util.Arrays.fill(out, 0);
            java.util.Arrays.fill(z, 1.0);
        }
    }

    private static double[] filled(int length, double value) {
        double[] v = new double[length];
        java.util.Arrays.fill(v, value);
        return v;
    }
}
