// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.backend.cpu;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Anderson acceleration against its definition, step by step: the extrapolated point is
 * G(x) − (ΔX + ΔF)·γ with (ΔFᵀΔF + λ‖ΔF‖²_F·I)γ = ΔFᵀf over the last {@code memory} differences,
 * solved here independently with EJML from the whole recorded history (so the kept Gram matrix,
 * its slot bookkeeping and the ring's wrap-around are all checked); and each lane of a tile, across
 * rejections, resets and compaction, against the same lane run alone, bit for bit.
 */
class CpuAndersonTest {
    private static final int LENGTH = 13;
    private static final int MEMORY = 5;
    private static final double REGULARIZATION = 1e-8;

    /** An affine contraction G(x) = M·x + q, different per seed. */
    private record AffineMap(double[][] m, double[] q) {
        static AffineMap random(long seed) {
            Random r = new Random(seed);
            double[][] m = new double[LENGTH][LENGTH];
            double[] q = new double[LENGTH];
            for (int i = 0; i < LENGTH; i++) {
                for (int j = 0; j < LENGTH; j++) {
                    m[i][j] = 0.9 / LENGTH * r.nextGaussian();
                }
                m[i][i] += 0.6;
                q[i] = r.nextGaussian();
            }
            return new AffineMap(m, q);
        }

        double[] apply(double[] x) {
            double[] out = q.clone();
            for (int i = 0; i < LENGTH; i++) {
                for (int j = 0; j < LENGTH; j++) {
                    out[i] += m[i][j] * x[j];
                }
            }
            return out;
        }
    }

    @Test
    void everyStepIsTheRegularizedTypeTwoExtrapolationOverTheLastMemoryDifferences() {
        AffineMap map = AffineMap.random(7);
        CpuAnderson anderson = new CpuAnderson(LENGTH, 1, MEMORY, REGULARIZATION);
        double[] anchor = new Random(8).doubles(LENGTH).toArray();
        List<double[]> anchors = new ArrayList<>();
        List<double[]> residuals = new ArrayList<>();
        int extrapolated = 0;
        for (int step = 0; step < 3 * MEMORY; step++) {
            double[] g = map.apply(anchor);
            anchors.add(anchor.clone());
            residuals.add(minus(g, anchor));
            double[] expected = expected(g, anchors, residuals);
            double[] v = g.clone();
            anderson.step(v, anchor, new boolean[]{true});
            assertArrayEquals(v, anchor, 0, "the anchor becomes the new point");
            for (int i = 0; i < LENGTH; i++) {
                assertEquals(expected[i], v[i], 1e-9 * (1 + Math.abs(expected[i])), "step " + step + " entry " + i);
            }
            extrapolated += step > 0 ? 1 : 0;
            anchor = v;
        }
        assertTrue(extrapolated > 2 * MEMORY, "the history wrapped around more than once");
    }

    @Test
    void eachLaneOfATileIsThatLaneAloneBitForBitAcrossRejectionsResetsAndCompaction() {
        int lanes = 8;
        AffineMap[] maps = new AffineMap[lanes];
        CpuAnderson[] single = new CpuAnderson[lanes];
        double[][] singleAnchor = new double[lanes][];
        for (int l = 0; l < lanes; l++) {
            maps[l] = AffineMap.random(100 + l);
            single[l] = new CpuAnderson(LENGTH, 1, MEMORY, REGULARIZATION);
            singleAnchor[l] = new Random(200 + l).doubles(LENGTH).toArray();
        }
        CpuAnderson tile = new CpuAnderson(LENGTH, lanes, MEMORY, REGULARIZATION);
        double[] tileAnchor = interleave(singleAnchor, lanes);
        int[] live = {0, 1, 2, 3, 4, 5, 6, 7};
        for (int step = 0; step < 4 * MEMORY; step++) {
            if (step == 2 * MEMORY) {
                // Keep lanes 1, 3 and 6: the tile continues three lanes wide.
                live = new int[]{1, 3, 6};
                tile = tile.compact(new int[]{1, 3, 6});
                tileAnchor = gather(tileAnchor, lanes, live);
                lanes = live.length;
            }
            double[][] g = new double[lanes][];
            boolean[] apply = new boolean[lanes];
            for (int j = 0; j < lanes; j++) {
                int l = live[j];
                g[j] = maps[l].apply(column(tileAnchor, lanes, j));
                apply[j] = (step + l) % 7 != 3; // some steps keep the plain point
                double[] v = g[j].clone();
                single[l].step(v, singleAnchor[l], new boolean[]{apply[j]});
                singleAnchor[l] = v;
            }
            double[] v = interleave(g, lanes);
            tile.step(v, tileAnchor, apply);
            tileAnchor = v;
            if (step == MEMORY + 2 || step == 3 * MEMORY) {
                // Reject the last step on the first live lane; forget the history of the last one.
                boolean[] reject = new boolean[lanes];
                boolean[] reset = new boolean[lanes];
                reject[0] = true;
                reset[lanes - 1] = true;
                tile.reject(v, tileAnchor, reject);
                tile.reset(reset);
                single[live[0]].reject(singleAnchor[live[0]], singleAnchor[live[0]], new boolean[]{true});
                single[live[lanes - 1]].reset(new boolean[]{true});
            }
            for (int j = 0; j < lanes; j++) {
                assertArrayEquals(singleAnchor[live[j]], column(tileAnchor, lanes, j), 0,
                        "lane " + live[j] + " at step " + step);
            }
        }
    }

    /** G(x) − (ΔX + ΔF)γ over the last differences of the recorded (x, f) pairs, or G(x) without any. */
    private static double[] expected(double[] g, List<double[]> anchors, List<double[]> residuals) {
        int pairs = anchors.size();
        int c = Math.min(pairs - 1, MEMORY);
        if (c == 0) {
            return g.clone();
        }
        DMatrixRMaj df = new DMatrixRMaj(LENGTH, c);
        DMatrixRMaj dg = new DMatrixRMaj(LENGTH, c);
        double frobenius = 0;
        for (int a = 0; a < c; a++) {
            int later = pairs - 1 - a;
            for (int i = 0; i < LENGTH; i++) {
                double f = residuals.get(later)[i] - residuals.get(later - 1)[i];
                double x = anchors.get(later)[i] - anchors.get(later - 1)[i];
                df.set(i, a, f);
                dg.set(i, a, x + f);
                frobenius += f * f;
            }
        }
        DMatrixRMaj gram = new DMatrixRMaj(c, c);
        CommonOps_DDRM.multTransA(df, df, gram);
        for (int a = 0; a < c; a++) {
            gram.add(a, a, REGULARIZATION * frobenius);
        }
        DMatrixRMaj rhs = new DMatrixRMaj(c, 1);
        CommonOps_DDRM.multTransA(df, new DMatrixRMaj(LENGTH, 1, true, residuals.get(pairs - 1)), rhs);
        DMatrixRMaj gamma = new DMatrixRMaj(c, 1);
        assertTrue(CommonOps_DDRM.solve(gram, rhs, gamma));
        double[] out = g.clone();
        for (int i = 0; i < LENGTH; i++) {
            for (int a = 0; a < c; a++) {
                out[i] -= dg.get(i, a) * gamma.get(a);
            }
        }
        return out;
    }

    private static double[] minus(double[] x, double[] y) {
        double[] out = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = x[i] - y[i];
        }
        return out;
    }

    private static double[] interleave(double[][] columns, int lanes) {
        double[] out = new double[LENGTH * lanes];
        for (int l = 0; l < lanes; l++) {
            for (int i = 0; i < LENGTH; i++) {
                out[i * lanes + l] = columns[l][i];
            }
        }
        return out;
    }

    private static double[] column(double[] tile, int lanes, int l) {
        double[] out = new double[LENGTH];
        for (int i = 0; i < LENGTH; i++) {
            out[i] = tile[i * lanes + l];
        }
        return out;
    }

    private static double[] gather(double[] tile, int lanes, int[] keep) {
        double[] out = new double[LENGTH * keep.length];
        for (int j = 0; j < keep.length; j++) {
            for (int i = 0; i < LENGTH; i++) {
                out[i * keep.length + j] = tile[i * lanes + keep[j]];
            }
        }
        return out;
    }
}
