package io.convexlayers.solver.linsys;

import io.convexlayers.solver.LinearSystemKind;

/** TEMPORARY stand-in until the linsys branch merges. */
public final class LinearSystemFactory {
    private LinearSystemFactory() {}

    public static LinearSystem create(LinearSystemKind kind, TileMatrices t) {
        return new LinearSystem() {
            final int n = t.n(), m = t.m(), L = t.lanes();
            final double[][] chol = new double[L][];
            final double[] rhoY = new double[m * L];
            public void factor(double rhoX, double[] ry) {
                System.arraycopy(ry, 0, rhoY, 0, ry.length);
                for (int l = 0; l < L; l++) {
                    double[][] a = new double[m][n];
                    for (int j = 0; j < n; j++) for (int k = t.aPattern().colStart(j); k < t.aPattern().colStart(j + 1); k++) a[t.aPattern().rowIndex(k)][j] = t.a(k, l);
                    double[] K = new double[n * n];
                    for (int i = 0; i < n; i++) K[i * n + i] = rhoX;
                    if (t.pPattern() != null) for (int j = 0; j < n; j++) for (int k = t.pPattern().colStart(j); k < t.pPattern().colStart(j + 1); k++) { int i = t.pPattern().rowIndex(k); K[i * n + j] += t.p(k, l); if (i != j) K[j * n + i] += t.p(k, l); }
                    for (int r = 0; r < m; r++) { double w = 1 / rhoY[r * L + l]; for (int i = 0; i < n; i++) if (a[r][i] != 0) for (int j = 0; j < n; j++) K[i * n + j] += w * a[r][i] * a[r][j]; }
                    for (int j = 0; j < n; j++) { double s = K[j * n + j]; for (int k = 0; k < j; k++) s -= K[j * n + k] * K[j * n + k]; s = Math.sqrt(s); K[j * n + j] = s; for (int i = j + 1; i < n; i++) { double q = K[i * n + j]; for (int k = 0; k < j; k++) q -= K[i * n + k] * K[j * n + k]; K[i * n + j] = q / s; } }
                    chol[l] = K;
                }
            }
            public void solve(double[] rhs) {
                for (int l = 0; l < L; l++) {
                    double[] x = new double[n];
                    for (int j = 0; j < n; j++) x[j] = rhs[j * L + l];
                    for (int j = 0; j < n; j++) for (int k = t.aPattern().colStart(j); k < t.aPattern().colStart(j + 1); k++) { int r = t.aPattern().rowIndex(k); x[j] += t.a(k, l) * rhs[(n + r) * L + l] / rhoY[r * L + l]; }
                    double[] K = chol[l];
                    for (int i = 0; i < n; i++) { double s = x[i]; for (int k = 0; k < i; k++) s -= K[i * n + k] * x[k]; x[i] = s / K[i * n + i]; }
                    for (int i = n - 1; i >= 0; i--) { double s = x[i]; for (int k = i + 1; k < n; k++) s -= K[k * n + i] * x[k]; x[i] = s / K[i * n + i]; }
                    double[] ax = new double[m];
                    for (int j = 0; j < n; j++) for (int k = t.aPattern().colStart(j); k < t.aPattern().colStart(j + 1); k++) ax[t.aPattern().rowIndex(k)] += t.a(k, l) * x[j];
                    for (int r = 0; r < m; r++) rhs[(n + r) * L + l] = (ax[r] - rhs[(n + r) * L + l]) / rhoY[r * L + l];
                    for (int j = 0; j < n; j++) rhs[j * L + l] = x[j];
                }
            }
            public boolean sharedFactor() { return false; }
            public String name() { return "temp-dense"; }
        };
    }
}
