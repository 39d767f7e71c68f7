// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.solver.linsys;

import io.convexlayers.data.SparsePattern;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Seeded random tiles of KKT systems and an independent dense reference: the full
 * (n + m) × (n + m) matrix [[rhoX·I + P, Aᵀ], [A, −diag(rhoY)]] of each lane, built entry by entry
 * and solved by EJML's LU.
 */
final class RandomKkt {
    final TileMatrices mats;
    final Random rnd;

    private RandomKkt(TileMatrices mats, Random rnd) {
        this.mats = mats;
        this.rnd = rnd;
    }

    /** Options of a random tile. */
    record Spec(int n, int m, int lanes, double density, boolean withP, boolean aShared, boolean pShared,
                int emptyCols, int emptyRows) {
        static Spec of(int n, int m, int lanes, double density) {
            return new Spec(n, m, lanes, density, true, false, false, 0, 0);
        }

        Spec withP(boolean p) {
            return new Spec(n, m, lanes, density, p, aShared, pShared, emptyCols, emptyRows);
        }

        Spec shared() {
            return new Spec(n, m, lanes, density, withP, true, true, emptyCols, emptyRows);
        }

        Spec empty(int cols, int rows) {
            return new Spec(n, m, lanes, density, withP, aShared, pShared, cols, rows);
        }
    }

    static RandomKkt create(long seed, Spec s) {
        Random rnd = new Random(seed);
        int n = s.n();
        int m = s.m();
        int lanes = s.lanes();
        // A: random pattern; the first emptyCols columns and the last emptyRows rows stay empty;
        // every other row gets at least one entry.
        boolean[][] in = new boolean[m][n];
        for (int i = 0; i < m - s.emptyRows(); i++) {
            for (int j = s.emptyCols(); j < n; j++) {
                in[i][j] = rnd.nextDouble() < s.density();
            }
            if (n > s.emptyCols()) {
                in[i][s.emptyCols() + rnd.nextInt(n - s.emptyCols())] = true;
            }
        }
        SparsePattern a = pattern("A", in, m, n);
        double[] aValues = new double[a.nnz() * (s.aShared() ? 1 : lanes)];
        for (int k = 0; k < aValues.length; k++) {
            aValues[k] = rnd.nextGaussian();
        }
        SparsePattern p = null;
        double[] pValues = null;
        if (s.withP()) {
            boolean[][] pin = new boolean[n][n];
            for (int j = 0; j < n; j++) {
                pin[j][j] = rnd.nextDouble() < 0.8;
                for (int i = 0; i < j; i++) {
                    pin[i][j] = rnd.nextDouble() < 0.15;
                }
            }
            p = pattern("P", pin, n, n);
            int pl = s.pShared() ? 1 : lanes;
            pValues = new double[p.nnz() * pl];
            for (int l = 0; l < pl; l++) {
                fillDiagonallyDominant(p, pValues, pl, l, rnd);
            }
        }
        TileMatrices mats = new TileMatrices(a, aValues, s.aShared(), p, pValues, s.pShared(), lanes);
        return new RandomKkt(mats, rnd);
    }

    /** Symmetric values on the upper pattern with diagonal ≥ Σ|off-diagonal| in its row: PSD. */
    private static void fillDiagonallyDominant(SparsePattern p, double[] v, int stride, int lane, Random rnd) {
        int n = p.cols();
        double[] rowSum = new double[n];
        for (int j = 0; j < n; j++) {
            for (int k = p.colStart(j); k < p.colStart(j + 1); k++) {
                int i = p.rowIndex(k);
                if (i != j) {
                    double x = rnd.nextGaussian();
                    v[k * stride + lane] = x;
                    rowSum[i] += Math.abs(x);
                    rowSum[j] += Math.abs(x);
                }
            }
        }
        for (int j = 0; j < n; j++) {
            int k = p.find(j, j);
            if (k >= 0) {
                v[k * stride + lane] = rowSum[j] + rnd.nextDouble();
            }
        }
        // A missing diagonal entry with off-diagonals would break PSD: move the weight elsewhere.
        for (int j = 0; j < n; j++) {
            if (p.find(j, j) < 0 && rowSum[j] > 0) {
                for (int k = p.colStart(j); k < p.colStart(j + 1); k++) {
                    if (p.rowIndex(k) != j) {
                        v[k * stride + lane] = 0;
                    }
                }
                for (int c = j + 1; c < n; c++) {
                    int k = p.find(j, c);
                    if (k >= 0) {
                        v[k * stride + lane] = 0;
                    }
                }
            }
        }
    }

    static SparsePattern pattern(String name, boolean[][] in, int rows, int cols) {
        List<Integer> ri = new ArrayList<>();
        int[] cs = new int[cols + 1];
        for (int j = 0; j < cols; j++) {
            for (int i = 0; i < rows; i++) {
                if (in[i][j]) {
                    ri.add(i);
                }
            }
            cs[j + 1] = ri.size();
        }
        return new SparsePattern(name, rows, cols, cs, ri.stream().mapToInt(Integer::intValue).toArray());
    }

    /**
     * rhoY per lane: base·(0.5 .. 2) per row, with the first {@code zeroRows} rows 1000× smaller
     * (like zero-cone rows); {@code sameForAllLanes} copies lane 0's weights.
     */
    double[] rhoY(double base, int zeroRows, boolean sameForAllLanes) {
        int m = mats.m();
        int lanes = mats.lanes();
        double[] r = new double[m * lanes];
        for (int i = 0; i < m; i++) {
            for (int l = 0; l < lanes; l++) {
                double v = sameForAllLanes && l > 0 ? r[i * lanes]
                        : base * (0.5 + 1.5 * rnd.nextDouble()) * (i < zeroRows ? 1e-3 : 1);
                r[i * lanes + l] = v;
            }
        }
        return r;
    }

    double[] rhs() {
        double[] r = new double[(mats.n() + mats.m()) * mats.lanes()];
        for (int k = 0; k < r.length; k++) {
            r[k] = rnd.nextGaussian();
        }
        return r;
    }

    /** The full KKT matrix of lane l. */
    DMatrixRMaj kkt(int l, double rhoX, double[] rhoY) {
        int n = mats.n();
        int m = mats.m();
        int lanes = mats.lanes();
        DMatrixRMaj k = new DMatrixRMaj(n + m, n + m);
        for (int j = 0; j < n; j++) {
            k.add(j, j, rhoX);
        }
        SparsePattern p = mats.pPattern();
        if (p != null) {
            for (int j = 0; j < n; j++) {
                for (int q = p.colStart(j); q < p.colStart(j + 1); q++) {
                    int i = p.rowIndex(q);
                    k.add(i, j, mats.p(q, l));
                    if (i != j) {
                        k.add(j, i, mats.p(q, l));
                    }
                }
            }
        }
        SparsePattern a = mats.aPattern();
        for (int j = 0; j < n; j++) {
            for (int q = a.colStart(j); q < a.colStart(j + 1); q++) {
                int i = a.rowIndex(q);
                k.add(n + i, j, mats.a(q, l));
                k.add(j, n + i, mats.a(q, l));
            }
        }
        for (int i = 0; i < m; i++) {
            k.add(n + i, n + i, -rhoY[i * lanes + l]);
        }
        return k;
    }

    static DMatrixRMaj lane(double[] v, int len, int lanes, int l) {
        DMatrixRMaj x = new DMatrixRMaj(len, 1);
        for (int i = 0; i < len; i++) {
            x.set(i, 0, v[i * lanes + l]);
        }
        return x;
    }

    /** EJML's dense solution of lane l. */
    DMatrixRMaj reference(int l, double rhoX, double[] rhoY, double[] rhs) {
        int size = mats.n() + mats.m();
        DMatrixRMaj x = new DMatrixRMaj(size, 1);
        if (!CommonOps_DDRM.solve(kkt(l, rhoX, rhoY), lane(rhs, size, mats.lanes(), l), x)) {
            throw new AssertionError("reference solve failed");
        }
        return x;
    }

    /** ‖K·sol − rhs‖∞ / (‖K‖∞·‖sol‖∞ + ‖rhs‖∞) of lane l. */
    double relativeResidual(int l, double rhoX, double[] rhoY, double[] rhs, double[] sol) {
        int size = mats.n() + mats.m();
        int lanes = mats.lanes();
        DMatrixRMaj k = kkt(l, rhoX, rhoY);
        DMatrixRMaj x = lane(sol, size, lanes, l);
        DMatrixRMaj b = lane(rhs, size, lanes, l);
        DMatrixRMaj r = new DMatrixRMaj(size, 1);
        CommonOps_DDRM.mult(k, x, r);
        double res = 0;
        double kNorm = 0;
        for (int i = 0; i < size; i++) {
            res = Math.max(res, Math.abs(r.get(i, 0) - b.get(i, 0)));
            double rowSum = 0;
            for (int j = 0; j < size; j++) {
                rowSum += Math.abs(k.get(i, j));
            }
            kNorm = Math.max(kNorm, rowSum);
        }
        return res / (kNorm * CommonOps_DDRM.elementMaxAbs(x) + CommonOps_DDRM.elementMaxAbs(b));
    }

    /** ‖sol − ref‖∞ / ‖ref‖∞ of lane l. */
    double relativeError(int l, double[] sol, DMatrixRMaj ref) {
        int size = mats.n() + mats.m();
        double err = 0;
        for (int i = 0; i < size; i++) {
            err = Math.max(err, Math.abs(sol[i * mats.lanes() + l] - ref.get(i, 0)));
        }
        return err / Math.max(1e-300, CommonOps_DDRM.elementMaxAbs(ref));
    }
}
