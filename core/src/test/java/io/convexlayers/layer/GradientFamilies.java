// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.layer;

import io.convexlayers.dsl.Constant;
import io.convexlayers.dsl.Parameter;
import io.convexlayers.dsl.Problem;
import io.convexlayers.dsl.Shape;
import io.convexlayers.dsl.Variable;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;

import java.util.Random;

import static io.convexlayers.dsl.Atoms.entr;
import static io.convexlayers.dsl.Atoms.logSumExp;
import static io.convexlayers.dsl.Atoms.norm2;
import static io.convexlayers.dsl.Atoms.quadForm;
import static io.convexlayers.dsl.Atoms.sum;
import static io.convexlayers.dsl.Atoms.sumSquares;
import static io.convexlayers.layer.LayerTesting.gaussian;

/**
 * Layers over small DSL problems whose gradient of a linear loss is known in closed form (from a
 * planted active set, a dual Newton solve or an explicit solution map), for checking derivatives
 * without finite differences.
 */
final class GradientFamilies {
    private GradientFamilies() {
    }

    /** A layer (settings still to choose), its parameter values, the loss weights on x and the exact gradient. */
    record Family(String name, ConvexLayer.Builder builder, double[][] values, double[] weights, double[] truth) {
    }

    /** min ½xᵀPx + qᵀx s.t. Gx ≤ h with a planted solution: active rows 0..k−1 with duals ≥ 0.5. */
    static Family qp(int seed, int n, int m, int k) {
        Random rnd = new Random(seed);
        double[] pm = spd(rnd, n);
        double[] gm = gaussian(rnd, m * n);
        double[] xs = gaussian(rnd, n);
        double[] h = new double[m];
        double[] lam = new double[m];
        for (int i = 0; i < m; i++) {
            h[i] = row(gm, i, n, xs) + (i < k ? 0 : 0.5 + rnd.nextDouble());
            lam[i] = i < k ? 0.5 + rnd.nextDouble() : 0;
        }
        double[] q = new double[n];
        for (int j = 0; j < n; j++) {
            q[j] = -row(pm, j, n, xs);
            for (int i = 0; i < m; i++) {
                q[j] -= gm[i * n + j] * lam[i];
            }
        }
        Variable x = Variable.vector("x", n);
        Parameter qp = Parameter.vector("q", n);
        Parameter hp = Parameter.vector("h", m);
        Problem p = Problem.minimize(quadForm(x, matrix(pm, n, n)).times(0.5).plus(qp.dot(x)),
                matrix(gm, m, n).times(x).le(hp));
        double[] w = gaussian(rnd, n);
        // KKT of the active rows: [[P, G_Aᵀ], [G_A, 0]]·(dx, dλ) = (−dq, dh_A); dL/dq = −u_x, dL/dh_A = u_λ
        // where [[P, G_Aᵀ], [G_A, 0]]ᵀ·u = (w, 0).
        DMatrixRMaj kkt = new DMatrixRMaj(n + k, n + k);
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                kkt.set(i, j, pm[i * n + j]);
            }
            for (int a = 0; a < k; a++) {
                kkt.set(i, n + a, gm[a * n + i]);
                kkt.set(n + a, i, gm[a * n + i]);
            }
        }
        double[] u = solveTransposed(kkt, concat(w, new double[k]));
        double[] truth = new double[n + m];
        for (int j = 0; j < n; j++) {
            truth[j] = -u[j];
        }
        for (int a = 0; a < k; a++) {
            truth[n + a] = u[n + a];
        }
        return new Family("qp n=" + n, ConvexLayer.builder(p).parameters(qp, hp).outputs(x), new double[][] {q, h}, w,
                truth);
    }

    /** min cᵀx s.t. Gx ≤ h with a planted non-degenerate vertex: rows 0..n−1 active with duals ≥ 0.5. */
    static Family lp() {
        Random rnd = new Random(2);
        int n = 4;
        int m = 9;
        double[] gm = gaussian(rnd, m * n);
        double[] xs = gaussian(rnd, n);
        double[] h = new double[m];
        double[] c = new double[n];
        for (int i = 0; i < m; i++) {
            h[i] = row(gm, i, n, xs) + (i < n ? 0 : 0.5 + rnd.nextDouble());
        }
        for (int i = 0; i < n; i++) {
            double lam = 0.5 + rnd.nextDouble();
            for (int j = 0; j < n; j++) {
                c[j] -= gm[i * n + j] * lam;
            }
        }
        Variable x = Variable.vector("x", n);
        Parameter cp = Parameter.vector("c", n);
        Parameter hp = Parameter.vector("h", m);
        Problem p = Problem.minimize(cp.dot(x), matrix(gm, m, n).times(x).le(hp));
        double[] w = gaussian(rnd, n);
        // x = G_A⁻¹h_A: dL/dh_A = G_A⁻ᵀw, dL/dc = 0.
        DMatrixRMaj ga = new DMatrixRMaj(n, n);
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                ga.set(i, j, gm[i * n + j]);
            }
        }
        double[] u = solveTransposed(ga, w);
        double[] truth = new double[n + m];
        System.arraycopy(u, 0, truth, n, n);
        return new Family("lp", ConvexLayer.builder(p).parameters(cp, hp).outputs(x), new double[][] {c, h}, w, truth);
    }

    /** max Σ entr(x) + θᵀx s.t. Ax = b: x = exp(θ − 1 − Aᵀν), ν by Newton on the dual. */
    static Family entropy() {
        Random rnd = new Random(3);
        int n = 6;
        int m = 2;
        double[] am = new double[m * n];
        for (int i = 0; i < am.length; i++) {
            am[i] = 0.2 + rnd.nextDouble();
        }
        double[] x0 = new double[n];
        for (int j = 0; j < n; j++) {
            x0[j] = 0.5 + rnd.nextDouble();
        }
        double[] b = new double[m];
        for (int i = 0; i < m; i++) {
            b[i] = row(am, i, n, x0);
        }
        double[] th = gaussian(rnd, n);
        for (int j = 0; j < n; j++) {
            th[j] *= 0.3;
        }
        Variable x = Variable.vector("x", n);
        Parameter tp = Parameter.vector("theta", n);
        Parameter bp = Parameter.vector("b", m);
        Problem p = Problem.maximize(sum(entr(x)).plus(tp.dot(x)), matrix(am, m, n).times(x).eq(bp));
        double[] w = gaussian(rnd, n);
        double[] xe = entropySolution(am, m, n, th, b);
        // dx = X(dθ − Aᵀdν), A dx = db ⇒ dν = (AXAᵀ)⁻¹(A X dθ − db).
        // dL/dθ = Xw − XAᵀ(AXAᵀ)⁻¹AXw, dL/db = (AXAᵀ)⁻¹AXw.
        DMatrixRMaj axa = new DMatrixRMaj(m, m);
        double[] axw = new double[m];
        for (int i = 0; i < m; i++) {
            for (int r = 0; r < m; r++) {
                double v = 0;
                for (int j = 0; j < n; j++) {
                    v += am[i * n + j] * xe[j] * am[r * n + j];
                }
                axa.set(i, r, v);
            }
            for (int j = 0; j < n; j++) {
                axw[i] += am[i * n + j] * xe[j] * w[j];
            }
        }
        double[] t = solve(axa, axw);
        double[] truth = new double[n + m];
        for (int j = 0; j < n; j++) {
            double at = 0;
            for (int i = 0; i < m; i++) {
                at += am[i * n + j] * t[i];
            }
            truth[j] = xe[j] * (w[j] - at);
        }
        System.arraycopy(t, 0, truth, n, m);
        return new Family("entropy", ConvexLayer.builder(p).parameters(tp, bp).outputs(x), new double[][] {th, b}, w,
                truth);
    }

    /** max θᵀx + Σ entr(x) s.t. 1ᵀx = 1: x = softmax(θ), dx/dθ = diag(x) − xxᵀ. */
    static Family softmax() {
        Random rnd = new Random(4);
        int n = 5;
        double[] th = gaussian(rnd, n);
        Variable x = Variable.vector("x", n);
        Parameter tp = Parameter.vector("theta", n);
        Problem p = Problem.maximize(tp.dot(x).plus(sum(entr(x))), sum(x).eq(1));
        double[] w = gaussian(rnd, n);
        double[] sm = new double[n];
        double z = 0;
        for (int j = 0; j < n; j++) {
            sm[j] = Math.exp(th[j]);
            z += sm[j];
        }
        double xw = 0;
        for (int j = 0; j < n; j++) {
            sm[j] /= z;
            xw += sm[j] * w[j];
        }
        double[] truth = new double[n];
        for (int j = 0; j < n; j++) {
            truth[j] = sm[j] * (w[j] - xw);
        }
        return new Family("softmax", ConvexLayer.builder(p).parameters(tp).outputs(x), new double[][] {th}, w, truth);
    }

    /** min logsumexp(x) + ½‖x − θ‖²: x − θ + softmax(x) = 0, dx/dθ = (I + diag(p) − ppᵀ)⁻¹. */
    static Family logSumExpFamily() {
        Random rnd = new Random(5);
        int n = 5;
        double[] th = gaussian(rnd, n);
        Variable x = Variable.vector("x", n);
        Parameter tp = Parameter.vector("theta", n);
        Problem p = Problem.minimize(logSumExp(x).plus(sumSquares(x.minus(tp)).times(0.5)));
        double[] w = gaussian(rnd, n);
        double[] xe = th.clone();
        for (int it = 0; it < 50; it++) { // Newton on F(x) = x − θ + softmax(x)
            double[] pr = softmaxOf(xe);
            DMatrixRMaj jac = lseJacobian(pr);
            double[] f = new double[n];
            for (int j = 0; j < n; j++) {
                f[j] = xe[j] - th[j] + pr[j];
            }
            double[] d = solve(jac, f);
            for (int j = 0; j < n; j++) {
                xe[j] -= d[j];
            }
        }
        double[] truth = solveTransposed(lseJacobian(softmaxOf(xe)), w); // J symmetric; dL/dθ = J⁻ᵀw
        return new Family("logsumexp", ConvexLayer.builder(p).parameters(tp).outputs(x), new double[][] {th}, w,
                truth);
    }

    /** min ½‖x − θ‖² s.t. ‖x‖ ≤ r with ‖θ‖ > r: x = rθ/‖θ‖. */
    static Family socp() {
        Random rnd = new Random(6);
        int n = 4;
        double[] th = gaussian(rnd, n);
        double norm = Math.sqrt(LayerTesting.dot(th, th));
        double r = 0.6 * norm;
        Variable x = Variable.vector("x", n);
        Parameter tp = Parameter.vector("theta", n);
        Parameter rp = Parameter.scalar("r");
        Problem p = Problem.minimize(sumSquares(x.minus(tp)).times(0.5), norm2(x).le(rp));
        double[] w = gaussian(rnd, n);
        // dx = (r/‖θ‖)(I − uuᵀ)dθ + u·dr with u = θ/‖θ‖.
        double uw = 0;
        for (int j = 0; j < n; j++) {
            uw += th[j] / norm * w[j];
        }
        double[] truth = new double[n + 1];
        for (int j = 0; j < n; j++) {
            truth[j] = r / norm * (w[j] - th[j] / norm * uw);
        }
        truth[n] = uw;
        return new Family("socp", ConvexLayer.builder(p).parameters(tp, rp).outputs(x), new double[][] {th, {r}}, w,
                truth);
    }

    // ---- small dense helpers ----------------------------------------------------------------------

    static Constant matrix(double[] rowMajor, int rows, int cols) {
        return Constant.of(Shape.matrix(rows, cols), rowMajor);
    }

    static double[] entropySolution(double[] am, int m, int n, double[] th, double[] b) {
        double[] nu = new double[m];
        double[] x = new double[n];
        for (int it = 0; it < 100; it++) {
            for (int j = 0; j < n; j++) {
                double at = 0;
                for (int i = 0; i < m; i++) {
                    at += am[i * n + j] * nu[i];
                }
                x[j] = Math.exp(th[j] - 1 - at);
            }
            // dual g(ν) = Σ exp(θ − 1 − Aᵀν) + bᵀν: gradient b − Ax, Hessian AXAᵀ
            DMatrixRMaj hess = new DMatrixRMaj(m, m);
            double[] grad = new double[m];
            for (int i = 0; i < m; i++) {
                grad[i] = b[i] - row(am, i, n, x);
                for (int r = 0; r < m; r++) {
                    double v = 0;
                    for (int j = 0; j < n; j++) {
                        v += am[i * n + j] * x[j] * am[r * n + j];
                    }
                    hess.set(i, r, v);
                }
            }
            double[] d = solve(hess, grad);
            for (int i = 0; i < m; i++) {
                nu[i] -= d[i];
            }
        }
        return x;
    }

    static double[] softmaxOf(double[] v) {
        double mx = Double.NEGATIVE_INFINITY;
        for (double e : v) {
            mx = Math.max(mx, e);
        }
        double[] p = new double[v.length];
        double z = 0;
        for (int j = 0; j < v.length; j++) {
            p[j] = Math.exp(v[j] - mx);
            z += p[j];
        }
        for (int j = 0; j < v.length; j++) {
            p[j] /= z;
        }
        return p;
    }

    static DMatrixRMaj lseJacobian(double[] p) {
        int n = p.length;
        DMatrixRMaj j = new DMatrixRMaj(n, n);
        for (int a = 0; a < n; a++) {
            for (int c = 0; c < n; c++) {
                j.set(a, c, (a == c ? 1 + p[a] : 0) - p[a] * p[c]);
            }
        }
        return j;
    }

    static double[] spd(Random rnd, int n) {
        double[] l = gaussian(rnd, n * n);
        double[] p = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double v = i == j ? 1 : 0;
                for (int k = 0; k < n; k++) {
                    v += l[i * n + k] * l[j * n + k];
                }
                p[i * n + j] = v;
            }
        }
        return p;
    }

    static double row(double[] mat, int i, int n, double[] v) {
        double s = 0;
        for (int j = 0; j < n; j++) {
            s += mat[i * n + j] * v[j];
        }
        return s;
    }

    static double[] concat(double[] a, double[] b) {
        double[] out = new double[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    static double[] solve(DMatrixRMaj a, double[] b) {
        DMatrixRMaj x = new DMatrixRMaj(b.length, 1);
        if (!CommonOps_DDRM.solve(a, new DMatrixRMaj(b.length, 1, true, b), x)) {
            throw new AssertionError("singular test matrix");
        }
        return x.data;
    }

    static double[] solveTransposed(DMatrixRMaj a, double[] b) {
        DMatrixRMaj t = new DMatrixRMaj(a.numCols, a.numRows);
        CommonOps_DDRM.transpose(a, t);
        return solve(t, b);
    }
}
