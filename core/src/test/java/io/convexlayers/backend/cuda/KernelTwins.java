// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.backend.cuda;

import io.convexlayers.cone.CpuConeFunctions;

/**
 * The Java twin of every kernel in {@code cuda-kernels/*.cu}: same name (camel case), same
 * parameters, same loop structure, with the grid-stride loop written as a plain loop over the flat
 * thread index. The emulated device runs these, so the host orchestration of the CUDA backend is
 * exercised on any machine, and the GPU tests compare each kernel with its twin on the same inputs.
 * Java's {@link Math#max} and the kernels' {@code cl_max} agree on NaN.
 */
final class KernelTwins {
    private static final double SQRT2 = 1.41421356237309504880;
    private static final int WARP = LaunchGeometry.WARP;
    private static final double INV_SQRT2 = 0.70710678118654752440;

    private KernelTwins() {
    }

    // ---------------------------------------------------------------- vector.cu

    static void clFill(int total, DPtr x, double value) {
        for (int t = 0; t < total; t++) {
            x.set(t, value);
        }
    }

    static void clFillInt(int total, IPtr x, int value) {
        for (int t = 0; t < total; t++) {
            x.set(t, value);
        }
    }

    // Per-lane reductions run on one warp per lane: thread w of the warp accumulates rows w, w + 32, …
    // into its partial result, and a butterfly of shuffles combines the 32 partials. The twins keep one
    // array slot per warp thread and combine them in the same order.

    /** The warp's butterfly sum (offsets 16, 8, 4, 2, 1) of the partials {@code p} (overwritten). */
    static double warpSum(double[] p) {
        double[] q = new double[WARP];
        for (int o = WARP / 2; o > 0; o >>= 1) {
            for (int w = 0; w < WARP; w++) {
                q[w] = p[w] + p[w ^ o];
            }
            System.arraycopy(q, 0, p, 0, WARP);
        }
        return p[0];
    }

    /** The warp's butterfly maximum of the partials {@code p} (overwritten); NaN wins, as in cl_max. */
    static double warpMax(double[] p) {
        double[] q = new double[WARP];
        for (int o = WARP / 2; o > 0; o >>= 1) {
            for (int w = 0; w < WARP; w++) {
                q[w] = Math.max(p[w], p[w ^ o]);
            }
            System.arraycopy(q, 0, p, 0, WARP);
        }
        return p[0];
    }

    static void clLaneDot(int lanes, int len, DPtr a, DPtr b, DPtr out) {
        double[] s = new double[WARP];
        for (int l = 0; l < lanes; l++) {
            for (int w = 0; w < WARP; w++) {
                s[w] = 0;
                for (int i = w; i < len; i += WARP) {
                    s[w] += a.get(i * lanes + l) * b.get(i * lanes + l);
                }
            }
            out.set(l, warpSum(s));
        }
    }

    static void clLaneAbsMax(int lanes, int len, DPtr a, DPtr out) {
        double[] s = new double[WARP];
        for (int l = 0; l < lanes; l++) {
            for (int w = 0; w < WARP; w++) {
                s[w] = 0;
                for (int i = w; i < len; i += WARP) {
                    s[w] = Math.max(s[w], Math.abs(a.get(i * lanes + l)));
                }
            }
            out.set(l, Math.max(out.get(l), warpMax(s)));
        }
    }

    static void clLaneDiffNorm(int lanes, int len, DPtr a, DPtr b, DPtr out) {
        double[] s = new double[WARP];
        for (int l = 0; l < lanes; l++) {
            for (int w = 0; w < WARP; w++) {
                s[w] = 0;
                for (int i = w; i < len; i += WARP) {
                    double r = a.get(i * lanes + l) - b.get(i * lanes + l);
                    s[w] += r * r;
                }
            }
            out.set(l, Math.sqrt(warpSum(s)));
        }
    }

    static void clLaneScale(int total, int lanes, DPtr v, DPtr alpha) {
        for (int t = 0; t < total; t++) {
            v.set(t, v.get(t) * alpha.get(t % lanes));
        }
    }

    static void clLaneAxpby(int total, int lanes, DPtr alpha, DPtr x, DPtr beta, DPtr y) {
        for (int t = 0; t < total; t++) {
            int l = t % lanes;
            y.set(t, alpha.get(l) * x.get(t) + beta.get(l) * y.get(t));
        }
    }

    static void clGatherLanes(int total, int lanes, int k, IPtr laneIdx, DPtr src, DPtr dst) {
        for (int t = 0; t < total; t++) {
            int i = t / k;
            int c = t % k;
            dst.set(t, src.get(i * lanes + laneIdx.get(c)));
        }
    }

    static void clMaskedCopy(int total, int lanes, IPtr mask, DPtr src, DPtr dst) {
        for (int t = 0; t < total; t++) {
            if (mask.get(t % lanes) != 0) {
                dst.set(t, src.get(t));
            }
        }
    }

    static void clNormalize(int lanes, int len, DPtr v) {
        for (int l = 0; l < lanes; l++) {
            laneNormalize(lanes, len, l, v);
        }
    }

    /** {@code cl_normalize_lane} (common.cuh): lane l scaled by one warp. */
    static void laneNormalize(int lanes, int len, int l, DPtr v) {
        double[] s = new double[WARP];
        for (int w = 0; w < WARP; w++) {
            for (int i = w; i < len; i += WARP) {
                double x = v.get(i * lanes + l);
                s[w] += x * x;
            }
        }
        double nv = Math.sqrt(warpSum(s));
        double f = nv > 0 && Double.isFinite(nv) ? Math.sqrt(len) / nv : 1.0;
        for (int i = 0; i < len; i++) {
            v.set(i * lanes + l, v.get(i * lanes + l) * f);
        }
    }

    // ---------------------------------------------------------------- sparse.cu

    static void clCsrMv(int total, int lanes, IPtr rowStart, IPtr colIdx, IPtr valIdx, DPtr vals, int sharedVals,
                        DPtr x, DPtr out, int accumulate, IPtr active) {
        for (int t = 0; t < total; t++) {
            int r = t / lanes;
            int l = t % lanes;
            double s = 0;
            if (active.get(l) != 0) {
                for (int q = rowStart.get(r); q < rowStart.get(r + 1); q++) {
                    int k = valIdx.get(q);
                    double a = sharedVals != 0 ? vals.get(k) : vals.get(k * lanes + l);
                    s += a * x.get(colIdx.get(q) * lanes + l);
                }
            }
            out.set(t, accumulate != 0 ? out.get(t) + s : s);
        }
    }

    // ---------------------------------------------------------------- program.cu

    static void clParamMapLanes(int total, int lanes, int batch, int first, IPtr rowStart, IPtr colIdx, DPtr vals,
                                int numParams, DPtr theta, DPtr out) {
        for (int t = 0; t < total; t++) {
            int r = t / lanes;
            int l = t % lanes;
            double s = 0;
            for (int q = rowStart.get(r); q < rowStart.get(r + 1); q++) {
                int c = colIdx.get(q);
                s += c == numParams ? vals.get(q) : vals.get(q) * theta.get(c * batch + first + l);
            }
            out.set(t, s);
        }
    }

    static void clSpreadLanes(int total, int lanes, DPtr src, DPtr dst) {
        for (int t = 0; t < total; t++) {
            dst.set(t, src.get(t / lanes));
        }
    }

    static void clMulRows(int total, DPtr v, DPtr f) {
        for (int t = 0; t < total; t++) {
            v.set(t, v.get(t) * f.get(t));
        }
    }

    /** The warp's butterfly of maxima is left out: a maximum is the same in any order. */
    static void clLaneSigma(int lanes, int m, int n, DPtr b, DPtr c, double minNorm, double maxNorm, DPtr sigma) {
        for (int l = 0; l < lanes; l++) {
            double nb = 0;
            for (int i = 0; i < m; i++) {
                nb = Math.max(nb, Math.abs(b.get(i * lanes + l)));
            }
            double nc = 0;
            for (int j = 0; j < n; j++) {
                nc = Math.max(nc, Math.abs(c.get(j * lanes + l)));
            }
            sigma.set(l, 1 / Math.min(Math.max(Math.max(nb, nc), minNorm), maxNorm));
        }
    }

    static void clNegate(int total, DPtr src, DPtr dst) {
        for (int t = 0; t < total; t++) {
            dst.set(t, -src.get(t));
        }
    }

    // ---------------------------------------------------------------- derivative.cu

    static void clVjpData(int total, int lanes, int n, int m, int nnzA, IPtr entryRow, IPtr entryCol, DPtr sol,
                          DPtr r, DPtr g) {
        for (int t = 0; t < total; t++) {
            int k = t / lanes;
            int l = t % lanes;
            double rw = r.get((n + m) * lanes + l);
            double v;
            if (k < nnzA) {
                int i = entryRow.get(k);
                int j = entryCol.get(k);
                v = sol.get(j * lanes + l) * r.get((n + i) * lanes + l) - sol.get((n + i) * lanes + l) * r.get(j * lanes + l);
            } else if (k < nnzA + m) {
                int i = k - nnzA;
                v = sol.get((n + i) * lanes + l) * rw - r.get((n + i) * lanes + l);
            } else if (k < nnzA + m + n) {
                int j = k - nnzA - m;
                v = sol.get(j * lanes + l) * rw - r.get(j * lanes + l);
            } else {
                int q = k - nnzA - m - n + nnzA;
                int i = entryRow.get(q);
                int j = entryCol.get(q);
                double xi = sol.get(i * lanes + l);
                double xj = sol.get(j * lanes + l);
                double p = rw * xi * xj - 0.5 * (r.get(i * lanes + l) * xj + xi * r.get(j * lanes + l));
                v = i == j ? p : 2 * p;
            }
            g.set(t, v);
        }
    }

    // ---------------------------------------------------------------- hsde.cu

    static void clHsdeRhs(int total, int lanes, int n, double rhoX, DPtr rhoY, DPtr v, DPtr out) {
        for (int t = 0; t < total; t++) {
            int i = t / lanes;
            out.set(t, i < n ? rhoX * v.get(t) : -rhoY.get(t - n * lanes) * v.get(t));
        }
    }

    static void clHsdeTau(int lanes, int n, int m, double rhoX, DPtr rhoY, DPtr g, DPtr p, DPtr v, int fixTau,
                          double tauWeight) {
        for (int l = 0; l < lanes; l++) {
            int tauAt = (n + m) * lanes + l;
            p.set(tauAt, fixTau != 0 ? 1.0 : laneTauRoot(lanes, n, m, l, rhoX, rhoY, g, p, v, tauWeight));
        }
    }

    /** {@code cl_tau_root} (hsde.cuh): lane l's τ̃, computed by one warp. */
    static double laneTauRoot(int lanes, int n, int m, int l, double rhoX, DPtr rhoY, DPtr g, DPtr p, DPtr v,
                              double tauWeight) {
        double[] pa = new double[WARP];
        double[] pb = new double[WARP];
        double[] pc = new double[WARP];
        for (int w = 0; w < WARP; w++) {
            for (int i = w; i < n + m; i += WARP) {
                int k = i * lanes + l;
                double r = i < n ? rhoX : rhoY.get(k - n * lanes);
                double gk = g.get(k);
                double pk = p.get(k);
                double mu = v.get(k);
                pa[w] += r * gk * gk;
                pb[w] += r * (mu * gk - 2 * pk * gk);
                pc[w] += r * pk * (pk - mu);
            }
        }
        double sa = warpSum(pa);
        double sb = warpSum(pb);
        double sc = warpSum(pc);
        double eta = v.get((n + m) * lanes + l);
        double a = tauWeight + sa;
        double b = sb - eta * tauWeight;
        double rad = b * b - 4 * a * sc;
        return (-b + Math.sqrt(Math.max(rad, 0.0))) / (2 * a);
    }

    static void clHsdeLinearFinish(int total, int lanes, int nm, DPtr g, DPtr p) {
        for (int t = 0; t < total; t++) {
            p.set(t, p.get(t) - p.get(nm * lanes + t % lanes) * g.get(t));
        }
    }

    static void clHsdeReflect(int total, int lanes, int len, DPtr uTilde, DPtr v, DPtr u, int fixTau) {
        for (int t = 0; t < total; t++) {
            double x = 2 * uTilde.get(t) - v.get(t);
            if (t / lanes == len - 1) {
                x = fixTau != 0 ? 1.0 : Math.max(x, 0.0);
            }
            u.set(t, x);
        }
    }

    static void clHsdePolyhedralTail(int total, int lanes, int nm, int nnStart, int nnEnd, int fixTau, int relaxNow,
                                     double alpha, DPtr g, DPtr p, DPtr v, DPtr u) {
        for (int t = 0; t < total; t++) {
            int i = t / lanes;
            double ut = p.get(t);
            if (i < nm) {
                ut -= p.get(nm * lanes + t % lanes) * g.get(t);
                p.set(t, ut);
            }
            double x = 2 * ut - v.get(t);
            if (i == nm) {
                x = fixTau != 0 ? 1.0 : Math.max(x, 0.0);
            } else if (i >= nnStart && i < nnEnd) {
                x = Math.max(x, 0.0);
            }
            u.set(t, x);
            if (relaxNow != 0) {
                v.set(t, v.get(t) + alpha * (x - ut));
            }
        }
    }

    static void clHsdeRelax(int total, double alpha, DPtr v, DPtr u, DPtr uTilde) {
        for (int t = 0; t < total; t++) {
            v.set(t, v.get(t) + alpha * (u.get(t) - uTilde.get(t)));
        }
    }

    static void clHsdeDual(int total, int lanes, int n, int m, double rhoX, DPtr rhoY, double tauWeight, DPtr v,
                           DPtr u, DPtr uTilde, DPtr rsk) {
        for (int t = 0; t < total; t++) {
            int i = t / lanes;
            double w = i < n ? rhoX : (i < n + m ? rhoY.get(t - n * lanes) : tauWeight);
            rsk.set(t, w * (v.get(t) + u.get(t) - 2 * uTilde.get(t)));
        }
    }

    static void clHsdeResetScale(int total, int lanes, int n, int m, double rhoX, DPtr rhoY, double tauWeight,
                                 IPtr changed, DPtr v, DPtr u, DPtr uTilde, DPtr rsk, DPtr anchor) {
        for (int t = 0; t < total; t++) {
            if (changed.get(t % lanes) != 0) {
                int i = t / lanes;
                double w = i < n ? rhoX : (i < n + m ? rhoY.get(t - n * lanes) : tauWeight);
                double x = rsk.get(t) / w + 2 * uTilde.get(t) - u.get(t);
                v.set(t, x);
                anchor.set(t, x);
            }
        }
    }

    static void clHsdeResiduals(int lanes, int n, int m, DPtr ax, DPtr aty, DPtr px, DPtr u, DPtr rsk, DPtr d,
                                DPtr e, DPtr bHat, DPtr cHat, DPtr sigma, DPtr magnitudes, DPtr stats) {
        for (int l = 0; l < lanes; l++) {
            laneResidualStats(lanes, n, m, l, ax, aty, px, u, rsk, d, e, bHat, cHat, sigma, magnitudes, stats);
        }
    }

    /** {@code cl_residual_stats} (hsde.cuh): lane l's statistics, computed by one warp. */
    static void laneResidualStats(int lanes, int n, int m, int l, DPtr ax, DPtr aty, DPtr px, DPtr u, DPtr rsk,
                                  DPtr d, DPtr e, DPtr bHat, DPtr cHat, DPtr sigma, DPtr magnitudes, DPtr stats) {
        // Partials per warp thread, one row per quantity: the 16 reductions of the kernel.
        final int priRes = 0, axN = 1, sN = 2, bN = 3, certAxs = 4, bty = 5, duaRes = 6, pxN = 7, atyN = 8,
                cN = 9, certPx = 10, certAty = 11, ctx = 12, xpx = 13, yN = 14, xN = 15;
        double[][] q = new double[16][WARP];
        int nl = n * lanes;
        double tau = u.get((n + m) * lanes + l);
        double sg = sigma.get(l);
        double t = 1 / (sg * tau);
        for (int w = 0; w < WARP; w++) {
            for (int i = w; i < m; i += WARP) {
                int k = i * lanes + l;
                double dinv = 1 / d.get(k);
                double axi = ax.get(k) * dinv;
                double si = rsk.get(nl + k) * dinv;
                double bi = bHat.get(k) * dinv / sg;
                q[priRes][w] = Math.max(q[priRes][w], Math.abs((axi + si) * t - bi));
                q[axN][w] = Math.max(q[axN][w], Math.abs(axi * t));
                q[sN][w] = Math.max(q[sN][w], Math.abs(si * t));
                q[bN][w] = Math.max(q[bN][w], Math.abs(bi));
                q[certAxs][w] = Math.max(q[certAxs][w], Math.abs((axi + si) / sg));
                q[bty][w] += bHat.get(k) * u.get(nl + k);
                q[yN][w] = Math.max(q[yN][w], Math.abs(d.get(k) * u.get(nl + k)));
            }
            for (int j = w; j < n; j += WARP) {
                int k = j * lanes + l;
                double einv = 1 / e.get(k);
                double pxj = px.get(k) * einv;
                double atyj = aty.get(k) * einv;
                double cj = cHat.get(k) * einv / sg;
                q[duaRes][w] = Math.max(q[duaRes][w], Math.abs((pxj + atyj) * t + cj));
                q[pxN][w] = Math.max(q[pxN][w], Math.abs(pxj * t));
                q[atyN][w] = Math.max(q[atyN][w], Math.abs(atyj * t));
                q[cN][w] = Math.max(q[cN][w], Math.abs(cj));
                q[certPx][w] = Math.max(q[certPx][w], Math.abs(pxj / sg));
                q[certAty][w] = Math.max(q[certAty][w], Math.abs(atyj / sg));
                q[ctx][w] += cHat.get(k) * u.get(k);
                q[xpx][w] += px.get(k) * u.get(k);
                q[xN][w] = Math.max(q[xN][w], Math.abs(e.get(k) * u.get(k)));
            }
        }
        residualStats(l, lanes, q, tau, t, sg, rsk.get((n + m) * lanes + l), magnitudes, stats);
    }

    /** The warp reductions and the 17 statistics of {@code cl_hsde_residuals} for lane l. */
    private static void residualStats(int l, int lanes, double[][] q, double tau, double t, double sg,
                                      double tauRsk, DPtr magnitudes, DPtr stats) {
        double priRes = warpMax(q[0]), axN = warpMax(q[1]), sN = warpMax(q[2]), bN = warpMax(q[3]);
        double certAxs = warpMax(q[4]), bty = warpSum(q[5]);
        double duaRes = warpMax(q[6]), pxN = warpMax(q[7]), atyN = warpMax(q[8]), cN = warpMax(q[9]);
        double certPx = warpMax(q[10]), certAty = warpMax(q[11]), ctx = warpSum(q[12]), xpx = warpSum(q[13]);
        double xPx = xpx * t * t;
        double cTx = ctx * t / sg;
        double bTy = bty * t / sg;
        int o = l * 17;
        stats.set(o, priRes);
        stats.set(o + 1, Math.max(axN, Math.max(sN, bN)));
        stats.set(o + 2, duaRes);
        stats.set(o + 3, Math.max(pxN, Math.max(atyN, cN)));
        stats.set(o + 4, Math.abs(xPx + cTx + bTy));
        stats.set(o + 5, Math.max(Math.abs(xPx), Math.max(Math.abs(cTx), Math.abs(bTy))));
        stats.set(o + 6, 0.5 * xPx + cTx);
        stats.set(o + 7, -0.5 * xPx - bTy);
        stats.set(o + 8, tau);
        stats.set(o + 9, tauRsk);
        stats.set(o + 10, bty / (sg * sg));
        stats.set(o + 11, certAty);
        stats.set(o + 12, ctx / (sg * sg));
        stats.set(o + 13, certAxs);
        stats.set(o + 14, certPx);
        stats.set(o + 15, magnitudes.get(lanes + l) * warpMax(q[15]) / sg);
        stats.set(o + 16, magnitudes.get(l) * warpMax(q[14]) / sg);
    }

    // ---------------------------------------------------------------- equilibrate.cu

    private static double eqAccumulate(double s, double v, int l2) {
        return l2 != 0 ? s + v * v : Math.max(s, Math.abs(v));
    }

    static void clEqColNorms(int total, int lanes, int l2, IPtr aColStart, DPtr aVals, int hasP, IPtr pRowStart,
                             IPtr pValIdx, DPtr pVals, DPtr colNorm) {
        for (int t = 0; t < total; t++) {
            int j = t / lanes;
            int l = t % lanes;
            double s = 0;
            for (int k = aColStart.get(j); k < aColStart.get(j + 1); k++) {
                s = eqAccumulate(s, aVals.get(k * lanes + l), l2);
            }
            if (hasP != 0) {
                for (int q = pRowStart.get(j); q < pRowStart.get(j + 1); q++) {
                    s = eqAccumulate(s, pVals.get(pValIdx.get(q) * lanes + l), l2);
                }
            }
            colNorm.set(t, s);
        }
    }

    static void clEqRowNorms(int total, int lanes, int l2, IPtr aRowStart, IPtr aValIdx, DPtr aVals, DPtr rowNorm) {
        for (int t = 0; t < total; t++) {
            int i = t / lanes;
            int l = t % lanes;
            double s = 0;
            for (int q = aRowStart.get(i); q < aRowStart.get(i + 1); q++) {
                s = eqAccumulate(s, aVals.get(aValIdx.get(q) * lanes + l), l2);
            }
            rowNorm.set(t, s);
        }
    }

    static void clEqEqualize(int total, int lanes, IPtr groupStart, IPtr groupLen, DPtr rowNorm) {
        for (int t = 0; t < total; t++) {
            int g = t / lanes;
            int l = t % lanes;
            int start = groupStart.get(g);
            int len = groupLen.get(g);
            double mx = 0;
            for (int i = start; i < start + len; i++) {
                mx = Math.max(mx, rowNorm.get(i * lanes + l));
            }
            for (int i = start; i < start + len; i++) {
                rowNorm.set(i * lanes + l, mx);
            }
        }
    }

    static void clEqFactors(int total, int l2, double minNorm, double maxNorm, DPtr norm, DPtr acc) {
        for (int t = 0; t < total; t++) {
            double v = norm.get(t);
            if (l2 != 0) {
                v = Math.sqrt(v);
            }
            double f = v == 0 ? 1.0 : 1.0 / Math.sqrt(Math.min(Math.max(v, minNorm), maxNorm));
            norm.set(t, f);
            acc.set(t, acc.get(t) * f);
        }
    }

    static void clEqApply(int total, int lanes, IPtr entryRow, IPtr entryCol, DPtr vals, DPtr rowF, DPtr colF) {
        for (int t = 0; t < total; t++) {
            int k = t / lanes;
            int l = t % lanes;
            vals.set(t, vals.get(t) * (rowF.get(entryRow.get(k) * lanes + l) * colF.get(entryCol.get(k) * lanes + l)));
        }
    }

    // ---------------------------------------------------------------- cones.cu

    static void clProjNonneg(int total, DPtr v) {
        for (int t = 0; t < total; t++) {
            v.set(t, Math.max(v.get(t), 0.0));
        }
    }

    static void clProjSoc(int total, int lanes, IPtr start, IPtr size, DPtr v) {
        for (int w = 0; w < total; w++) {
            int c = w / lanes;
            int l = w % lanes;
            int r0 = start.get(c);
            int q = size.get(c);
            double t = v.get(r0 * lanes + l);
            double nz = 0;
            for (int i = 1; i < q; i++) {
                double z = v.get((r0 + i) * lanes + l);
                nz += z * z;
            }
            nz = Math.sqrt(nz);
            if (nz <= t) {
                continue;
            }
            if (nz <= -t) {
                for (int i = 0; i < q; i++) {
                    v.set((r0 + i) * lanes + l, 0);
                }
                continue;
            }
            double a = 0.5 * (1 + t / nz);
            v.set(r0 * lanes + l, a * nz);
            for (int i = 1; i < q; i++) {
                v.set((r0 + i) * lanes + l, v.get((r0 + i) * lanes + l) * a);
            }
        }
    }

    /**
     * Twin of {@code cl_sym_eigen}: the CPU's SymmetricEigen on the lower triangle at base, eigenvalues
     * onto the diagonal of that block, eigenvectors as the columns of the block after it.
     */
    static void clSymEigen(int k, int base, int lanes, int l, DPtr s) {
        double[] a = new double[k * k];
        for (int i = 0; i < k; i++) {
            for (int j = 0; j <= i; j++) {
                a[i * k + j] = s.get((base + i * k + j) * lanes + l);
            }
        }
        double[] values = new double[k];
        double[] rows = new double[k * k];
        CpuConeFunctions.eigen(a, k, values, rows);
        int vb = base + k * k;
        for (int i = 0; i < k; i++) {
            s.set((base + i * k + i) * lanes + l, values[i]);
            for (int e = 0; e < k; e++) {
                s.set((vb + i * k + e) * lanes + l, rows[e * k + i]);
            }
        }
    }

    /** Twin of the device function {@code cl_svec_unpack}. */
    static void clSvecUnpack(int k, int r0, int base, int lanes, int l, DPtr v, DPtr s) {
        int idx = r0;
        for (int j = 0; j < k; j++) {
            for (int i = j; i < k; i++) {
                double x = v.get(idx * lanes + l);
                idx++;
                if (i == j) {
                    s.set((base + i * k + i) * lanes + l, x);
                } else {
                    s.set((base + i * k + j) * lanes + l, x * INV_SQRT2);
                    s.set((base + j * k + i) * lanes + l, x * INV_SQRT2);
                }
            }
        }
    }

    /** Twin of {@code cl_proj_psd}: the CPU's PsdCone projection, of which it is a port. */
    static void clProjPsd(int total, int lanes, IPtr start, IPtr order, IPtr scratchStart, DPtr scratch, DPtr v) {
        for (int w = 0; w < total; w++) {
            int c = w / lanes;
            int l = w % lanes;
            int k = order.get(c);
            int r0 = start.get(c);
            double[] svec = new double[k * (k + 1) / 2];
            for (int p = 0; p < svec.length; p++) {
                svec[p] = v.get((r0 + p) * lanes + l);
            }
            CpuConeFunctions.projectPsd(svec, k);
            for (int p = 0; p < svec.length; p++) {
                v.set((r0 + p) * lanes + l, svec[p]);
            }
        }
    }

    /** Twin of {@code cl_proj_exp_primal}: the CPU's ExpCone projection, of which it is a port. */
    static void clProjExpPrimal(double r0, double s0, double t0, double[] out) {
        CpuConeFunctions.projectExp(r0, s0, t0, out);
    }

    static void clProjExp(int total, int lanes, int dual, DPtr v) {
        double[] p = new double[3];
        for (int w = 0; w < total; w++) {
            int c = w / lanes;
            int l = w % lanes;
            int k0 = (3 * c) * lanes + l;
            int k1 = k0 + lanes;
            int k2 = k1 + lanes;
            if (dual == 0) {
                clProjExpPrimal(v.get(k0), v.get(k1), v.get(k2), p);
                v.set(k0, p[0]); v.set(k1, p[1]); v.set(k2, p[2]);
            } else {
                clProjExpPrimal(-v.get(k0), -v.get(k1), -v.get(k2), p);
                v.add(k0, p[0]); v.add(k1, p[1]); v.add(k2, p[2]);
            }
        }
    }

    /** Twin of {@code cl_proj_pow_primal}: the CPU's PowerCone projection, of which it is a port. */
    static void clProjPowPrimal(double x0, double y0, double z0, double a, double[] out) {
        CpuConeFunctions.projectPow(x0, y0, z0, a, out);
    }

    static void clProjPow(int total, int lanes, DPtr alpha, DPtr v) {
        double[] p = new double[3];
        for (int w = 0; w < total; w++) {
            int c = w / lanes;
            int l = w % lanes;
            int k0 = (3 * c) * lanes + l;
            int k1 = k0 + lanes;
            int k2 = k1 + lanes;
            double a = alpha.get(c);
            if (a > 0) {
                clProjPowPrimal(v.get(k0), v.get(k1), v.get(k2), a, p);
                v.set(k0, p[0]); v.set(k1, p[1]); v.set(k2, p[2]);
            } else {
                clProjPowPrimal(-v.get(k0), -v.get(k1), -v.get(k2), -a, p);
                v.add(k0, p[0]); v.add(k1, p[1]); v.add(k2, p[2]);
            }
        }
    }

    // ---------------------------------------------------------------- cone_derivatives.cu

    static void clDprojNonneg(int total, DPtr v, DPtr d, DPtr out) {
        for (int t = 0; t < total; t++) {
            double x = v.get(t);
            out.set(t, x > 0 ? d.get(t) : (x == 0 ? 0.5 * d.get(t) : 0.0));
        }
    }

    static void clDprojSoc(int total, int lanes, IPtr start, IPtr size, DPtr v, DPtr d, DPtr out) {
        for (int w = 0; w < total; w++) {
            int c = w / lanes;
            int l = w % lanes;
            int r0 = start.get(c);
            int q = size.get(c);
            double t = v.get(r0 * lanes + l);
            double n2 = 0, zd = 0;
            for (int i = 1; i < q; i++) {
                double z = v.get((r0 + i) * lanes + l);
                n2 += z * z;
                zd += z * d.get((r0 + i) * lanes + l);
            }
            double n = Math.sqrt(n2);
            if (n <= t) {
                for (int i = 0; i < q; i++) {
                    out.set((r0 + i) * lanes + l, d.get((r0 + i) * lanes + l));
                }
                continue;
            }
            if (n <= -t) {
                for (int i = 0; i < q; i++) {
                    out.set((r0 + i) * lanes + l, 0);
                }
                continue;
            }
            double dt = d.get(r0 * lanes + l);
            double h = 0.5 / n;
            out.set(r0 * lanes + l, h * (n * dt + zd));
            for (int i = 1; i < q; i++) {
                double z = v.get((r0 + i) * lanes + l);
                out.set((r0 + i) * lanes + l, h * (z * dt + (t + n) * d.get((r0 + i) * lanes + l) - t * z * zd / n2));
            }
        }
    }

    static void clPsdLinearize(int total, int lanes, IPtr start, IPtr order, IPtr linStart, DPtr lin, DPtr v) {
        for (int w = 0; w < total; w++) {
            int c = w / lanes;
            int l = w % lanes;
            int k = order.get(c);
            int base = linStart.get(c);
            clSvecUnpack(k, start.get(c), base, lanes, l, v, lin);
            clSymEigen(k, base, lanes, l, lin);
        }
    }

    static void clDprojPsd(int total, int lanes, IPtr start, IPtr order, IPtr linStart, DPtr lin, DPtr tmp, DPtr d,
                           DPtr out) {
        for (int w = 0; w < total; w++) {
            int c = w / lanes;
            int l = w % lanes;
            int k = order.get(c);
            int base = linStart.get(c);
            int qb = base + k * k;
            int t2 = base + k * k;
            clSvecUnpack(k, start.get(c), base, lanes, l, d, tmp);
            for (int i = 0; i < k; i++) {
                for (int j = 0; j < k; j++) {
                    double s = 0;
                    for (int e = 0; e < k; e++) {
                        s += tmp.get((base + i * k + e) * lanes + l) * lin.get((qb + e * k + j) * lanes + l);
                    }
                    tmp.set((t2 + i * k + j) * lanes + l, s);
                }
            }
            for (int i = 0; i < k; i++) {
                double li = lin.get((base + i * k + i) * lanes + l);
                for (int j = 0; j < k; j++) {
                    double lj = lin.get((base + j * k + j) * lanes + l);
                    double b;
                    if (li >= 0 && lj >= 0) {
                        b = 1;
                    } else if (li < 0 && lj < 0) {
                        b = 0;
                    } else {
                        b = Math.max(li, lj) / (Math.abs(li) + Math.abs(lj));
                    }
                    double s = 0;
                    for (int e = 0; e < k; e++) {
                        s += lin.get((qb + e * k + i) * lanes + l) * tmp.get((t2 + e * k + j) * lanes + l);
                    }
                    tmp.set((base + i * k + j) * lanes + l, b * s);
                }
            }
            for (int i = 0; i < k; i++) {
                for (int j = 0; j < k; j++) {
                    double s = 0;
                    for (int e = 0; e < k; e++) {
                        s += tmp.get((base + i * k + e) * lanes + l) * lin.get((qb + j * k + e) * lanes + l);
                    }
                    tmp.set((t2 + i * k + j) * lanes + l, s);
                }
            }
            int idx = start.get(c);
            for (int j = 0; j < k; j++) {
                for (int i = j; i < k; i++) {
                    double s = 0;
                    for (int e = 0; e < k; e++) {
                        s += lin.get((qb + i * k + e) * lanes + l) * tmp.get((t2 + e * k + j) * lanes + l);
                    }
                    out.set(idx * lanes + l, i == j ? s : s * SQRT2);
                    idx++;
                }
            }
        }
    }

    /** Twin of {@code cl_jac_diag}. */
    static void clJacDiag(double a, double b, double c, DPtr jac, int lanes) {
        for (int e = 0; e < 9; e++) {
            jac.set(e * lanes, 0);
        }
        jac.set(0, a);
        jac.set(4 * lanes, b);
        jac.set(8 * lanes, c);
    }

    /** Twin of {@code cl_exp_jacobian}: the CPU's ExpCone Jacobian, of which it is a port. */
    static void clExpJacobian(double r0, double s0, double t0, DPtr jac, int lanes) {
        double[] j = new double[9];
        CpuConeFunctions.expJacobian(r0, s0, t0, j);
        for (int e = 0; e < 9; e++) {
            jac.set(e * lanes, j[e]);
        }
    }

    static void clExpLinearize(int total, int lanes, int dual, DPtr v, DPtr jac) {
        for (int w = 0; w < total; w++) {
            int c = w / lanes;
            int l = w % lanes;
            int k0 = (3 * c) * lanes + l;
            DPtr jc = new DPtr(jac.a(), jac.o() + (9 * c) * lanes + l);
            if (dual == 0) {
                clExpJacobian(v.get(k0), v.get(k0 + lanes), v.get(k0 + 2 * lanes), jc, lanes);
            } else {
                clExpJacobian(-v.get(k0), -v.get(k0 + lanes), -v.get(k0 + 2 * lanes), jc, lanes);
                for (int e = 0; e < 9; e++) {
                    jc.set(e * lanes, (e % 4 == 0 ? 1.0 : 0.0) - jc.get(e * lanes));
                }
            }
        }
    }

    /** Twin of {@code cl_pow_jacobian}: the CPU's PowerCone Jacobian, of which it is a port. */
    static void clPowJacobian(double x0, double y0, double z0, double a, DPtr jac, int lanes) {
        double[] j = new double[9];
        CpuConeFunctions.powJacobian(x0, y0, z0, a, j);
        for (int e = 0; e < 9; e++) {
            jac.set(e * lanes, j[e]);
        }
    }

    static void clPowLinearize(int total, int lanes, DPtr alpha, DPtr v, DPtr jac) {
        for (int w = 0; w < total; w++) {
            int c = w / lanes;
            int l = w % lanes;
            int k0 = (3 * c) * lanes + l;
            DPtr jc = new DPtr(jac.a(), jac.o() + (9 * c) * lanes + l);
            double a = alpha.get(c);
            if (a > 0) {
                clPowJacobian(v.get(k0), v.get(k0 + lanes), v.get(k0 + 2 * lanes), a, jc, lanes);
            } else {
                clPowJacobian(-v.get(k0), -v.get(k0 + lanes), -v.get(k0 + 2 * lanes), -a, jc, lanes);
                for (int e = 0; e < 9; e++) {
                    jc.set(e * lanes, (e % 4 == 0 ? 1.0 : 0.0) - jc.get(e * lanes));
                }
            }
        }
    }

    static void clDprojTriples(int total, int lanes, DPtr jac, int transpose, DPtr d, DPtr out) {
        for (int w = 0; w < total; w++) {
            int c = w / lanes;
            int l = w % lanes;
            int k0 = (3 * c) * lanes + l;
            for (int i = 0; i < 3; i++) {
                double s = 0;
                for (int j = 0; j < 3; j++) {
                    int e = transpose != 0 ? 3 * j + i : 3 * i + j;
                    s += jac.get((9 * c + e) * lanes + l) * d.get(k0 + j * lanes);
                }
                out.set(k0 + i * lanes, s);
            }
        }
    }

    // ---------------------------------------------------------------- linsys.cu

    static void clKktDivRows(int total, DPtr ry, DPtr rhoY, DPtr out) {
        for (int t = 0; t < total; t++) {
            out.set(t, ry.get(t) / rhoY.get(t));
        }
    }

    static void clKktRecoverY(int total, DPtr ax, DPtr rhoY, DPtr y) {
        for (int t = 0; t < total; t++) {
            y.set(t, (ax.get(t) - y.get(t)) / rhoY.get(t));
        }
    }

    static void clDenseAssemble(int total, int lanes, IPtr pairI, IPtr pairJ, IPtr pairP, IPtr aColStart,
                                IPtr aRowIdx, DPtr aVals, int aShared, DPtr pVals, int pShared, double rhoX,
                                DPtr rhoY, DPtr kmat, IPtr mask) {
        for (int t = 0; t < total; t++) {
            if (mask.get(t % lanes) == 0) {
                continue;
            }
            int pr = t / lanes;
            int l = t % lanes;
            int i = pairI.get(pr);
            int j = pairJ.get(pr);
            double s = i == j ? rhoX : 0.0;
            int pp = pairP.get(pr);
            if (pp >= 0) {
                s += pShared != 0 ? pVals.get(pp) : pVals.get(pp * lanes + l);
            }
            int ki = aColStart.get(i), ei = aColStart.get(i + 1);
            int kj = aColStart.get(j), ej = aColStart.get(j + 1);
            while (ki < ei && kj < ej) {
                int ri = aRowIdx.get(ki);
                int rj = aRowIdx.get(kj);
                if (ri < rj) {
                    ki++;
                } else if (rj < ri) {
                    kj++;
                } else {
                    double ai = aShared != 0 ? aVals.get(ki) : aVals.get(ki * lanes + l);
                    double aj = aShared != 0 ? aVals.get(kj) : aVals.get(kj * lanes + l);
                    s += ai * aj / rhoY.get(ri * lanes + l);
                    ki++;
                    kj++;
                }
            }
            kmat.set(t, s);
        }
    }

    static void clDenseCholesky(int lanes, int n, DPtr kmat, IPtr info, IPtr mask) {
        for (int l = 0; l < lanes; l++) {
            if (mask.get(l) == 0) {
                continue;
            }
            int status = 0;
            for (int j = 0; j < n && status == 0; j++) {
                int rj = j * (j + 1) / 2;
                double d = kmat.get((rj + j) * lanes + l);
                for (int k = 0; k < j; k++) {
                    double x = kmat.get((rj + k) * lanes + l);
                    d -= x * x;
                }
                if (!(d > 0)) {
                    kmat.set((rj + j) * lanes + l, Double.NaN);
                    status = j + 1;
                    break;
                }
                d = Math.sqrt(d);
                kmat.set((rj + j) * lanes + l, d);
                for (int i = j + 1; i < n; i++) {
                    int ri = i * (i + 1) / 2;
                    double s = kmat.get((ri + j) * lanes + l);
                    for (int k = 0; k < j; k++) {
                        s -= kmat.get((ri + k) * lanes + l) * kmat.get((rj + k) * lanes + l);
                    }
                    kmat.set((ri + j) * lanes + l, s / d);
                }
            }
            info.set(l, status);
        }
    }

    static void clDenseCholSolve(int lanes, int n, DPtr kmat, DPtr x) {
        for (int l = 0; l < lanes; l++) {
            for (int i = 0; i < n; i++) {
                int ri = i * (i + 1) / 2;
                double s = x.get(i * lanes + l);
                for (int k = 0; k < i; k++) {
                    s -= kmat.get((ri + k) * lanes + l) * x.get(k * lanes + l);
                }
                x.set(i * lanes + l, s / kmat.get((ri + i) * lanes + l));
            }
            for (int i = n - 1; i >= 0; i--) {
                double s = x.get(i * lanes + l);
                for (int k = i + 1; k < n; k++) {
                    s -= kmat.get((k * (k + 1) / 2 + i) * lanes + l) * x.get(k * lanes + l);
                }
                x.set(i * lanes + l, s / kmat.get((i * (i + 1) / 2 + i) * lanes + l));
            }
        }
    }

    /**
     * Twin of the block-cooperative {@code cl_dense_factor_inverse}: one pass of the lane loop per
     * lane, the kernel's phases in its order (load, factor, invert, product), the shared-memory
     * arrays as local arrays.
     */
    static void clDenseFactorInverse(int lanes, int n, DPtr kmat, DPtr kinv, IPtr info, IPtr mask) {
        int pairs = n * (n + 1) / 2;
        double[] fl = new double[pairs];
        double[] il = new double[pairs];
        for (int l = 0; l < lanes; l++) {
            if (mask.get(l) == 0) {
                continue;
            }
            for (int p = 0; p < pairs; p++) {
                fl[p] = kmat.get(p * lanes + l);
            }
            int status = 0;
            for (int j = 0; j < n; j++) {
                int rj = j * (j + 1) / 2;
                double d = fl[rj + j];
                for (int k = 0; k < j; k++) {
                    d -= fl[rj + k] * fl[rj + k];
                }
                if (d > 0) {
                    fl[rj + j] = Math.sqrt(d);
                } else {
                    status = j + 1;
                    break;
                }
                double djj = fl[rj + j];
                for (int i = j + 1; i < n; i++) {
                    int ri = i * (i + 1) / 2;
                    double s = fl[ri + j];
                    for (int k = 0; k < j; k++) {
                        s -= fl[ri + k] * fl[rj + k];
                    }
                    fl[ri + j] = s / djj;
                }
            }
            if (status != 0) {
                for (int p = 0; p < n * n; p++) {
                    kinv.set(p * lanes + l, Double.NaN);
                }
            }
            if (status == 0) {
                for (int j = 0; j < n; j++) {
                    il[j * (j + 1) / 2 + j] = 1.0 / fl[j * (j + 1) / 2 + j];
                    for (int i = j + 1; i < n; i++) {
                        int ri = i * (i + 1) / 2;
                        double s = 0;
                        for (int k = j; k < i; k++) {
                            s += fl[ri + k] * il[k * (k + 1) / 2 + j];
                        }
                        il[ri + j] = -s / fl[ri + i];
                    }
                }
                for (int i = 0; i < n; i++) {
                    for (int j = 0; j <= i; j++) {
                        double s = 0;
                        for (int k = i; k < n; k++) {
                            int rk = k * (k + 1) / 2;
                            s += il[rk + i] * il[rk + j];
                        }
                        kinv.set((i * n + j) * lanes + l, s);
                        kinv.set((j * n + i) * lanes + l, s);
                    }
                }
            }
            info.set(l, status);
        }
    }

    static void clDenseMvLanes(int total, int lanes, int n, DPtr mat, DPtr x, DPtr out, IPtr active) {
        for (int t = 0; t < total; t++) {
            int i = t / lanes;
            int l = t % lanes;
            double s = 0;
            if (active.get(l) != 0) {
                for (int j = 0; j < n; j++) {
                    s += mat.get((i * n + j) * lanes + l) * x.get(j * lanes + l);
                }
            }
            out.set(t, s);
        }
    }

    static void clCgDiag(int total, int lanes, IPtr aColStart, IPtr aRowIdx, DPtr aVals, int aShared, IPtr pDiag,
                         DPtr pVals, int pShared, double rhoX, DPtr rhoY, DPtr diag) {
        for (int t = 0; t < total; t++) {
            int j = t / lanes;
            int l = t % lanes;
            double s = rhoX;
            int pp = pDiag.get(j);
            if (pp >= 0) {
                s += pShared != 0 ? pVals.get(pp) : pVals.get(pp * lanes + l);
            }
            for (int k = aColStart.get(j); k < aColStart.get(j + 1); k++) {
                double a = aShared != 0 ? aVals.get(k) : aVals.get(k * lanes + l);
                s += a * a / rhoY.get(aRowIdx.get(k) * lanes + l);
            }
            diag.set(t, s);
        }
    }

    static void clCgCombine(int total, double rhoX, DPtr v, DPtr pv, DPtr atw, DPtr out) {
        for (int t = 0; t < total; t++) {
            out.set(t, rhoX * v.get(t) + pv.get(t) + atw.get(t));
        }
    }

    static void clCgStart(int total, DPtr b, DPtr kx, DPtr diag, DPtr r, DPtr z, DPtr p) {
        for (int t = 0; t < total; t++) {
            double rv = b.get(t) - kx.get(t);
            double zv = rv / diag.get(t);
            r.set(t, rv);
            z.set(t, zv);
            p.set(t, zv);
        }
    }

    static void clCgStep(int total, int lanes, DPtr rz, DPtr pkp, IPtr active, DPtr x, DPtr r, DPtr z, DPtr p,
                         DPtr kp, DPtr diag) {
        for (int t = 0; t < total; t++) {
            int l = t % lanes;
            if (active.get(l) != 0 && pkp.get(l) > 0) {
                double alpha = rz.get(l) / pkp.get(l);
                x.set(t, x.get(t) + alpha * p.get(t));
                double rv = r.get(t) - alpha * kp.get(t);
                r.set(t, rv);
                z.set(t, rv / diag.get(t));
            }
        }
    }

    static void clCgScalars(int lanes, DPtr rzNew, DPtr rr, DPtr bb, double tol2, DPtr rz, DPtr beta, IPtr active,
                            IPtr anyActive) {
        for (int l = 0; l < lanes; l++) {
            boolean a = active.get(l) != 0 && rr.get(l) > tol2 * bb.get(l) && Double.isFinite(rzNew.get(l))
                    && rz.get(l) > 0;
            beta.set(l, a ? rzNew.get(l) / rz.get(l) : 0.0);
            rz.set(l, rzNew.get(l));
            active.set(l, a ? 1 : 0);
            if (a) {
                anyActive.set(0, 1);
            }
        }
    }

    static void clCgDirection(int total, int lanes, DPtr beta, IPtr active, DPtr z, DPtr p) {
        for (int t = 0; t < total; t++) {
            int l = t % lanes;
            if (active.get(l) != 0) {
                p.set(t, z.get(t) + beta.get(l) * p.get(t));
            }
        }
    }

    // ---------------------------------------------------------------- anderson.cu

    static void clAaPrepare(int total, int lanes, int len, IPtr slot, IPtr updateLast, DPtr v, DPtr anchor,
                            DPtr lastAnchor, DPtr lastResidual, DPtr residual, DPtr savedG, DPtr dx, DPtr df) {
        for (int t = 0; t < total; t++) {
            int l = t % lanes;
            double res = v.get(t) - anchor.get(t);
            residual.set(t, res);
            savedG.set(t, v.get(t));
            int s = slot.get(l);
            if (s >= 0) {
                int k = s * len * lanes + t;
                dx.set(k, anchor.get(t) - lastAnchor.get(t));
                df.set(k, res - lastResidual.get(t));
            }
            if (updateLast.get(l) != 0) {
                lastAnchor.set(t, anchor.get(t));
                lastResidual.set(t, res);
            }
        }
    }

    static void clAaGram(int total, int lanes, int len, int memory, IPtr count, DPtr dx, DPtr df, DPtr gram) {
        for (int t = 0; t < total; t++) {
            int l = t % lanes;
            int ab = t / lanes;
            int a = ab / memory;
            int b = ab % memory;
            int c = count.get(l);
            if (a < c && b < c) {
                int xa = a * len * lanes;
                int fb = b * len * lanes;
                double s = 0;
                for (int i = 0; i < len; i++) {
                    s += df.get(xa + i * lanes + l) * df.get(fb + i * lanes + l);
                }
                gram.set(t, s);
            }
        }
    }

    static void clAaRhs(int total, int lanes, int len, IPtr count, DPtr dx, DPtr df, DPtr residual, DPtr rhs,
                        DPtr nx, DPtr nf) {
        for (int t = 0; t < total; t++) {
            int l = t % lanes;
            int a = t / lanes;
            if (a < count.get(l)) {
                int xa = a * len * lanes;
                double r = 0, sx = 0, sf = 0;
                for (int i = 0; i < len; i++) {
                    int k = i * lanes + l;
                    double x = dx.get(xa + k);
                    double f = df.get(xa + k);
                    r += f * residual.get(k);
                    sx += x * x;
                    sf += f * f;
                }
                rhs.set(t, r);
                nx.set(t, sx);
                nf.set(t, sf);
            }
        }
    }

    static void clAaSolve(int lanes, int memory, IPtr count, IPtr apply, double regularization, double maxWeight,
                          DPtr gram, DPtr rhs, DPtr nx, DPtr nf, DPtr gamma, IPtr ok) {
        for (int l = 0; l < lanes; l++) {
            int c = count.get(l);
            boolean good = apply.get(l) != 0 && c > 0;
            if (good) {
                double sx = 0, sf = 0;
                for (int a = 0; a < c; a++) {
                    sx += nx.get(a * lanes + l);
                    sf += nf.get(a * lanes + l);
                }
                double reg = regularization * sf;
                for (int a = 0; a < c; a++) {
                    gram.add((a * memory + a) * lanes + l, reg);
                }
                for (int col = 0; col < c && good; col++) {
                    int piv = col;
                    for (int r = col + 1; r < c; r++) {
                        if (Math.abs(gram.get((r * memory + col) * lanes + l))
                                > Math.abs(gram.get((piv * memory + col) * lanes + l))) {
                            piv = r;
                        }
                    }
                    double pv = gram.get((piv * memory + col) * lanes + l);
                    if (!(Math.abs(pv) > 1e-300) || !Double.isFinite(pv)) {
                        good = false;
                        break;
                    }
                    if (piv != col) {
                        for (int k = 0; k < c; k++) {
                            double tmp = gram.get((col * memory + k) * lanes + l);
                            gram.set((col * memory + k) * lanes + l, gram.get((piv * memory + k) * lanes + l));
                            gram.set((piv * memory + k) * lanes + l, tmp);
                        }
                        double tmp = rhs.get(col * lanes + l);
                        rhs.set(col * lanes + l, rhs.get(piv * lanes + l));
                        rhs.set(piv * lanes + l, tmp);
                    }
                    for (int r = col + 1; r < c; r++) {
                        double f = gram.get((r * memory + col) * lanes + l) / pv;
                        if (f != 0) {
                            for (int k = col; k < c; k++) {
                                gram.add((r * memory + k) * lanes + l, -f * gram.get((col * memory + k) * lanes + l));
                            }
                            rhs.add(r * lanes + l, -f * rhs.get(col * lanes + l));
                        }
                    }
                }
                double gmax = 0;
                for (int r = c - 1; r >= 0 && good; r--) {
                    double s = rhs.get(r * lanes + l);
                    for (int k = r + 1; k < c; k++) {
                        s -= gram.get((r * memory + k) * lanes + l) * gamma.get(k * lanes + l);
                    }
                    double g = s / gram.get((r * memory + r) * lanes + l);
                    gamma.set(r * lanes + l, g);
                    if (!Double.isFinite(g)) {
                        good = false;
                    }
                    gmax = Math.max(gmax, Math.abs(g));
                }
                if (good && !(gmax < maxWeight)) {
                    good = false;
                }
            }
            ok.set(l, good ? 1 : 0);
        }
    }

    static void clAaUpdate(int total, int lanes, int len, IPtr count, IPtr ok, DPtr gamma, DPtr dx, DPtr df,
                           DPtr v) {
        for (int t = 0; t < total; t++) {
            int l = t % lanes;
            if (ok.get(l) != 0) {
                double s = v.get(t);
                for (int a = 0; a < count.get(l); a++) {
                    int k = a * len * lanes + t;
                    s -= gamma.get(a * lanes + l) * (dx.get(k) + df.get(k));
                }
                v.set(t, s);
            }
        }
    }
}
