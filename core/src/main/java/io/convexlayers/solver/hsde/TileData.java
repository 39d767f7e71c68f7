// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.solver.hsde;

import io.convexlayers.batch.TileSparse;
import io.convexlayers.data.BatchArray;
import io.convexlayers.data.BatchConeProgram;
import io.convexlayers.solver.linsys.TileMatrices;

import java.util.Arrays;

/**
 * The unscaled data (P, A, b, c) of a chosen set of instances laid out as a tile of lanes
 * (batch-minor, lane l = instance {@code instances[l]}), with the products and residual statistics
 * that polishing needs. Shared matrices stay shared; per-instance ones are gathered.
 */
final class TileData {
    final int n;
    final int m;
    final int lanes;
    final TileMatrices mats;
    final double[] b;
    final double[] c;

    TileData(BatchConeProgram batch, int[] instances) {
        this.n = batch.n();
        this.m = batch.m();
        this.lanes = instances.length;
        BatchArray a = batch.aValues();
        BatchArray p = batch.pValues();
        double[] aVals = a.isShared() ? a.rawData() : new double[a.length() * lanes];
        double[] pVals = p == null ? null : p.isShared() ? p.rawData() : new double[p.length() * lanes];
        this.mats = new TileMatrices(batch.aPattern(), aVals, a.isShared(), batch.pPattern(), pVals,
                p == null || p.isShared(), lanes);
        this.b = new double[m * lanes];
        this.c = new double[n * lanes];
        load(batch, instances);
    }

    /**
     * Refills this tile's arrays with {@code instances}' data of {@code batch} (the batch it was made for,
     * as many instances as lanes): what was built over {@link #mats} stays valid.
     */
    void load(BatchConeProgram batch, int[] instances) {
        if (instances.length != lanes) {
            throw new IllegalArgumentException(instances.length + " instances for a tile of " + lanes + " lanes");
        }
        BatchArray a = batch.aValues();
        BatchArray p = batch.pValues();
        if (!a.isShared()) {
            gather(a, instances, mats.aValues());
        }
        if (p != null && !p.isShared()) {
            gather(p, instances, mats.pValues());
        }
        gather(batch.b(), instances, b);
        gather(batch.c(), instances, c);
    }

    /** Copies the chosen instances' entries into {@code out}, batch-minor (shared arrays repeated per lane). */
    private static void gather(BatchArray arr, int[] instances, double[] out) {
        int len = arr.length();
        int lanes = instances.length;
        double[] raw = arr.rawData();
        if (arr.isShared()) {
            for (int i = 0; i < len; i++) {
                Arrays.fill(out, i * lanes, (i + 1) * lanes, raw[i]);
            }
            return;
        }
        int batch = arr.batch();
        for (int i = 0; i < len; i++) {
            int row = i * batch;
            int o = i * lanes;
            for (int l = 0; l < lanes; l++) {
                out[o + l] = raw[row + instances[l]];
            }
        }
    }

    /** out = A·x (m × lanes) from x (n × lanes). */
    void multiplyA(double[] x, double[] out) {
        java.util.Arrays.fill(out, 0, m * lanes, 0.0);
        TileSparse.multiplyAdd(mats.aPattern(), mats.aValues(), mats.aShared(), lanes, x, 0, out, 0);
    }

    /** out = Aᵀ·y (n × lanes) from y (m × lanes). */
    void multiplyAt(double[] y, double[] out) {
        java.util.Arrays.fill(out, 0, n * lanes, 0.0);
        TileSparse.transposeMultiplyAdd(mats.aPattern(), mats.aValues(), mats.aShared(), lanes, y, 0, out, 0);
    }

    /** out = P·x (n × lanes) with P stored as its upper triangle; zero when P = 0. */
    void multiplyP(double[] x, double[] out) {
        java.util.Arrays.fill(out, 0, n * lanes, 0.0);
        if (mats.pPattern() != null) {
            TileSparse.symmetricMultiplyAdd(mats.pPattern(), mats.pValues(), mats.pShared(), lanes, x, 0, out, 0);
        }
    }

    /**
     * The solution statistics of {@link ResidualStats} (residuals, their scales, objectives; τ = 1,
     * certificate entries zero) of the points (x, y, s), one row of {@link ResidualStats#WIDTH} per lane.
     */
    double[] statistics(double[] x, double[] y, double[] s) {
        double[] ax = new double[m * lanes];
        double[] aty = new double[n * lanes];
        double[] px = new double[n * lanes];
        multiplyA(x, ax);
        multiplyAt(y, aty);
        multiplyP(x, px);
        double[] st = new double[lanes * ResidualStats.WIDTH];
        for (int l = 0; l < lanes; l++) {
            double pri = 0;
            double priScale = 0;
            double by = 0;
            for (int i = 0; i < m; i++) {
                int k = i * lanes + l;
                pri = Math.max(pri, Math.abs(ax[k] + s[k] - b[k]));
                priScale = Math.max(priScale, Math.max(Math.abs(ax[k]), Math.max(Math.abs(s[k]), Math.abs(b[k]))));
                by += b[k] * y[k];
            }
            double dua = 0;
            double duaScale = 0;
            double xpx = 0;
            double cx = 0;
            for (int j = 0; j < n; j++) {
                int k = j * lanes + l;
                dua = Math.max(dua, Math.abs(px[k] + aty[k] + c[k]));
                duaScale = Math.max(duaScale, Math.max(Math.abs(px[k]), Math.max(Math.abs(aty[k]), Math.abs(c[k]))));
                xpx += x[k] * px[k];
                cx += c[k] * x[k];
            }
            int o = l * ResidualStats.WIDTH;
            st[o + ResidualStats.PRIMAL_RES] = pri;
            st[o + ResidualStats.PRIMAL_SCALE] = priScale;
            st[o + ResidualStats.DUAL_RES] = dua;
            st[o + ResidualStats.DUAL_SCALE] = duaScale;
            st[o + ResidualStats.GAP] = Math.abs(xpx + cx + by);
            st[o + ResidualStats.GAP_SCALE] = Math.max(Math.abs(xpx), Math.max(Math.abs(cx), Math.abs(by)));
            st[o + ResidualStats.PRIMAL_OBJ] = 0.5 * xpx + cx;
            st[o + ResidualStats.DUAL_OBJ] = -0.5 * xpx - by;
            st[o + ResidualStats.TAU] = 1;
        }
        return st;
    }
}
