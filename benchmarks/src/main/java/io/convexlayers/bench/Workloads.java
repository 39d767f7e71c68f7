package io.convexlayers.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * The benchmark workloads, each generated from a fixed seed (see {@code shared/PERFORMANCE.md}):
 * <ul>
 *   <li>{@code dense-qp}: n = 128, 128 inequalities, B = 128; P = LLᵀ + 1e-3·I (L uniform on [0,1]),
 *       q, G normal, h = G·z₀ + s₀ (z₀ normal, s₀ uniform on [0,1]); everything per instance.</li>
 *   <li>{@code sparse-qp}: n = 1024, 1024 equalities and 1024 inequalities, A and G sparse at 1%
 *       density plus the identity and shared by the batch, P = I, q normal, b = A·x_s, h = G·x_s,
 *       B = 32. A is square and nonsingular, so the feasible set is one point: the problem is
 *       degenerate (every inequality active, the dual not unique).</li>
 *   <li>{@code sparse-qp-ineq}: the non-degenerate variant: 256 equalities (the first rows of such an
 *       A), 1024 inequalities with h = G·x_s + s₀ (s₀ uniform on [0, ½]), P diagonal uniform on
 *       [1, 2], B = 32.</li>
 *   <li>{@code small-qp-nN-bB}: 2n inequalities, P = MMᵀ + 0.1·I (M normal), G normal,
 *       h = G·z₀ + s₀; everything per instance.</li>
 *   <li>{@code lp-nN-bB}: minimize cᵀx s.t. Gx ≤ h with 2n rows, c = −Gᵀλ₀ (λ₀ uniform) so that
 *       the LP is bounded.</li>
 *   <li>{@code socp-nN-bB}: the LP's data plus four second-order cones ‖F_j x + f_j‖ ≤ ‖e_j‖ + 1 of
 *       size n/5 + 1 (F_j normal, f_j = e_j − F_j z₀ with e_j normal, so z₀ is strictly feasible),
 *       and 0.1·(normal) added to c.</li>
 * </ul>
 */
public final class Workloads {
    private Workloads() {
    }

    /** Small-QP sizes of the grid. */
    public static final int[] SMALL_N = {10, 50, 100};
    /** Batch sizes of the small-QP grid. */
    public static final int[] SMALL_B = {1, 16, 128, 1024};

    /** Every workload name, in report order. */
    public static List<String> names() {
        List<String> names = new ArrayList<>(List.of("dense-qp", "sparse-qp", "sparse-qp-ineq"));
        for (int n : SMALL_N) {
            for (int b : SMALL_B) {
                names.add("small-qp-n" + n + "-b" + b);
            }
        }
        names.add("lp-n50-b128");
        names.add("socp-n50-b128");
        return names;
    }

    /** Generates the named workload (deterministic). */
    public static QpBatch create(String name) {
        if (name.equals("dense-qp")) {
            return denseQp(name, 128, 128, 128, 1);
        }
        if (name.equals("sparse-qp")) {
            return sparseQp(name, 1024, 32, 0.01, 2);
        }
        if (name.equals("sparse-qp-ineq")) {
            return sparseInequalityQp(name, 1024, 256, 32, 0.01, 6);
        }
        int[] nb = sizes(name);
        if (name.startsWith("small-qp-")) {
            return smallQp(name, nb[0], nb[1], 3);
        }
        if (name.startsWith("lp-")) {
            return lp(name, nb[0], nb[1], false, 4);
        }
        if (name.startsWith("socp-")) {
            return lp(name, nb[0], nb[1], true, 5);
        }
        throw new IllegalArgumentException("unknown workload '" + name + "'; known: " + names());
    }

    private static int[] sizes(String name) {
        try {
            String tail = name.substring(name.lastIndexOf("-n") + 2);
            String[] parts = tail.split("-b");
            return new int[] {Integer.parseInt(parts[0]), Integer.parseInt(parts[1])};
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("workload '" + name + "' does not end in -nN-bB", e);
        }
    }

    static QpBatch denseQp(String name, int n, int m, int batch, long seed) {
        Random rnd = new Random(seed);
        double[][] p = new double[batch][];
        double[][] q = new double[batch][];
        double[][] g = new double[batch][];
        double[][] h = new double[batch][];
        for (int k = 0; k < batch; k++) {
            double[] l = new double[n * n];
            for (int i = 0; i < l.length; i++) {
                l[i] = rnd.nextDouble();
            }
            p[k] = gram(l, n, n, 1e-3);
            q[k] = normal(rnd, n);
            g[k] = normal(rnd, m * n);
            h[k] = feasibleRhs(rnd, g[k], m, n);
        }
        return new QpBatch(name, n, 0, m, new int[0], batch, false, p, q, null, new double[batch][0], g, h);
    }

    static QpBatch smallQp(String name, int n, int batch, long seed) {
        Random rnd = new Random(seed * 1_000_003L + n * 7919L + batch);
        int m = 2 * n;
        double[][] p = new double[batch][];
        double[][] q = new double[batch][];
        double[][] g = new double[batch][];
        double[][] h = new double[batch][];
        for (int k = 0; k < batch; k++) {
            p[k] = gram(normal(rnd, n * n), n, n, 0.1);
            q[k] = normal(rnd, n);
            g[k] = normal(rnd, m * n);
            h[k] = feasibleRhs(rnd, g[k], m, n);
        }
        return new QpBatch(name, n, 0, m, new int[0], batch, false, p, q, null, new double[batch][0], g, h);
    }

    /** The paper's sparse QP: 1024 equalities (A square, so x is fixed by them), P = I, no slack. */
    static QpBatch sparseQp(String name, int n, int batch, double density, long seed) {
        return sparseQp(name, n, n, batch, density, false, 0, seed);
    }

    /** The non-degenerate variant: mEq < n equalities, P diagonal on [1, 2], inequality slack on [0, ½]. */
    static QpBatch sparseInequalityQp(String name, int n, int mEq, int batch, double density, long seed) {
        return sparseQp(name, n, mEq, batch, density, true, 0.5, seed);
    }

    /**
     * Sparse QPs with A (the first mEq rows of a sparse-plus-identity matrix) and G shared, b = A·x_s,
     * h = G·x_s + slack·U[0, 1], P = I or diagonal on [1, 2] (the random stream draws only what is used,
     * so the paper's workload stays as it was generated).
     */
    private static QpBatch sparseQp(String name, int n, int mEq, int batch, double density, boolean diagonalP,
                                    double slack, long seed) {
        Random rnd = new Random(seed);
        double[] a = Arrays.copyOf(sparseWithIdentity(rnd, n, density), mEq * n);
        double[] g = sparseWithIdentity(rnd, n, density);
        double[] p = new double[n * n];
        for (int i = 0; i < n; i++) {
            p[i * n + i] = diagonalP ? 1 + rnd.nextDouble() : 1;
        }
        double[][] q = new double[batch][];
        double[][] b = new double[batch][];
        double[][] h = new double[batch][];
        for (int k = 0; k < batch; k++) {
            q[k] = normal(rnd, n);
            double[] xs = normal(rnd, n);
            b[k] = multiply(a, mEq, n, xs);
            h[k] = multiply(g, n, n, xs);
            for (int i = 0; i < n && slack > 0; i++) {
                h[k][i] += slack * rnd.nextDouble();
            }
        }
        return new QpBatch(name, n, mEq, n, new int[0], batch, true, new double[][] {p}, q,
                new double[][] {a}, b, new double[][] {g}, h);
    }

    static QpBatch lp(String name, int n, int batch, boolean withSoc, long seed) {
        Random rnd = new Random(seed * 1_000_003L + n * 7919L + batch);
        int m = 2 * n;
        int cones = withSoc ? 4 : 0;
        int socSize = n / 5 + 1;
        double[][] f = new double[cones][];
        for (int j = 0; j < cones; j++) {
            f[j] = normal(rnd, (socSize - 1) * n);
        }
        int rows = m + cones * socSize;
        double[][] q = new double[batch][];
        double[][] g = new double[batch][];
        double[][] h = new double[batch][];
        for (int k = 0; k < batch; k++) {
            double[] gk = normal(rnd, m * n);
            double[] lambda0 = new double[m];
            for (int i = 0; i < m; i++) {
                lambda0[i] = rnd.nextDouble();
            }
            double[] c = new double[n];
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    c[j] -= gk[i * n + j] * lambda0[i];
                }
            }
            if (withSoc) {
                double[] extra = normal(rnd, n);
                for (int j = 0; j < n; j++) {
                    c[j] += 0.1 * extra[j];
                }
            }
            double[] z0 = normal(rnd, n);
            double[] hk = multiply(gk, m, n, z0);
            for (int i = 0; i < m; i++) {
                hk[i] += rnd.nextDouble();
            }
            double[] gFull = Arrays.copyOf(gk, rows * n);
            double[] hFull = Arrays.copyOf(hk, rows);
            int row = m;
            for (int j = 0; j < cones; j++) {
                // h − Gx = (‖e‖ + 1, F x + f) with f = e − F z₀ (strictly feasible at z₀)
                //   ⇒  G rows = (0, −F), h = (‖e‖ + 1, f)
                double[] e = normal(rnd, socSize - 1);
                double norm = 0;
                for (double v : e) {
                    norm += v * v;
                }
                double[] fz = multiply(f[j], socSize - 1, n, z0);
                double[] fj = new double[socSize - 1];
                for (int r = 0; r < socSize - 1; r++) {
                    fj[r] = e[r] - fz[r];
                }
                hFull[row] = Math.sqrt(norm) + 1;
                for (int r = 0; r < socSize - 1; r++) {
                    hFull[row + 1 + r] = fj[r];
                    for (int c2 = 0; c2 < n; c2++) {
                        gFull[(row + 1 + r) * n + c2] = -f[j][r * n + c2];
                    }
                }
                row += socSize;
            }
            q[k] = c;
            g[k] = gFull;
            h[k] = hFull;
        }
        int[] soc = new int[cones];
        Arrays.fill(soc, socSize);
        return new QpBatch(name, n, 0, m, soc, batch, false, null, q, null, new double[batch][0], g, h);
    }

    /** MᵀM-style Gram matrix L·Lᵀ + shift·I of a row-major rows×cols L. */
    private static double[] gram(double[] l, int rows, int cols, double shift) {
        double[] p = new double[rows * rows];
        for (int i = 0; i < rows; i++) {
            for (int j = i; j < rows; j++) {
                double s = 0;
                for (int t = 0; t < cols; t++) {
                    s += l[i * cols + t] * l[j * cols + t];
                }
                p[i * rows + j] = s;
                p[j * rows + i] = s;
            }
            p[i * rows + i] += shift;
        }
        return p;
    }

    private static double[] normal(Random rnd, int len) {
        double[] v = new double[len];
        for (int i = 0; i < len; i++) {
            v[i] = rnd.nextGaussian();
        }
        return v;
    }

    /** h = G·z₀ + s₀ with z₀ normal and s₀ uniform on [0, 1]: strictly feasible at z₀ when s₀ > 0. */
    private static double[] feasibleRhs(Random rnd, double[] g, int m, int n) {
        double[] z0 = normal(rnd, n);
        double[] h = multiply(g, m, n, z0);
        for (int i = 0; i < m; i++) {
            h[i] += rnd.nextDouble();
        }
        return h;
    }

    private static double[] sparseWithIdentity(Random rnd, int n, double density) {
        double[] a = new double[n * n];
        for (int i = 0; i < n * n; i++) {
            if (rnd.nextDouble() < density) {
                a[i] = rnd.nextGaussian();
            }
        }
        for (int i = 0; i < n; i++) {
            a[i * n + i] += 1;
        }
        return a;
    }

    static double[] multiply(double[] a, int rows, int cols, double[] x) {
        double[] y = new double[rows];
        for (int i = 0; i < rows; i++) {
            double s = 0;
            for (int j = 0; j < cols; j++) {
                s += a[i * cols + j] * x[j];
            }
            y[i] = s;
        }
        return y;
    }
}
