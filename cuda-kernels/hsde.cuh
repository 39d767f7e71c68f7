// Device functions shared by the separate HSDE kernels (hsde.cu, cl_normalize in vector.cu) and the fused run (fused.cu).
#pragma once
#include "common.cuh"

// The residual statistics of lane l on the unscaled data (layout of
// io.convexlayers.solver.hsde.ResidualStats, 17 per lane, lane-major), computed by the 32 threads of one
// warp (w = this thread's index in it): ax = A^ x^, aty = A^T y^, px = P^ x^ (zeros without P) in scaled
// units; d, e are the equilibration factors, bHat/cHat the scaled data, sigma the per-lane scalar,
// magnitudes[l] = max|A| and magnitudes[lanes + l] = max(max|A|, max|P|) of the unscaled lane.
static __device__ __forceinline__ void cl_residual_stats(int lanes, int n, int m, int l, int w, const double* ax,
                                                         const double* aty, const double* px, const double* u,
                                                         const double* rsk, const double* d, const double* e,
                                                         const double* bHat, const double* cHat,
                                                         const double* sigma, const double* magnitudes,
                                                         double* stats) {
    int nl = n * lanes;
    double tau = u[(n + m) * lanes + l];
    double sg = sigma[l];
    double t = 1 / (sg * tau);
    double priRes = 0, axN = 0, sN = 0, bN = 0, certAxs = 0, bty = 0, yN = 0;
    for (int i = w; i < m; i += CL_WARP) {
        int k = i * lanes + l;
        double dinv = 1 / d[k];
        double axi = ax[k] * dinv;
        double si = rsk[nl + k] * dinv;
        double bi = bHat[k] * dinv / sg;
        priRes = cl_max(priRes, fabs((axi + si) * t - bi));
        axN = cl_max(axN, fabs(axi * t));
        sN = cl_max(sN, fabs(si * t));
        bN = cl_max(bN, fabs(bi));
        certAxs = cl_max(certAxs, fabs((axi + si) / sg));
        bty += bHat[k] * u[nl + k];
        yN = cl_max(yN, fabs(d[k] * u[nl + k]));
    }
    double duaRes = 0, pxN = 0, atyN = 0, cN = 0, certPx = 0, certAty = 0, ctx = 0, xpx = 0, xN = 0;
    for (int j = w; j < n; j += CL_WARP) {
        int k = j * lanes + l;
        double einv = 1 / e[k];
        double pxj = px[k] * einv;
        double atyj = aty[k] * einv;
        double cj = cHat[k] * einv / sg;
        duaRes = cl_max(duaRes, fabs((pxj + atyj) * t + cj));
        pxN = cl_max(pxN, fabs(pxj * t));
        atyN = cl_max(atyN, fabs(atyj * t));
        cN = cl_max(cN, fabs(cj));
        certPx = cl_max(certPx, fabs(pxj / sg));
        certAty = cl_max(certAty, fabs(atyj / sg));
        ctx += cHat[k] * u[k];
        xpx += px[k] * u[k];
        xN = cl_max(xN, fabs(e[k] * u[k]));
    }
    priRes = cl_warp_max(priRes);
    axN = cl_warp_max(axN);
    sN = cl_warp_max(sN);
    bN = cl_warp_max(bN);
    certAxs = cl_warp_max(certAxs);
    bty = cl_warp_sum(bty);
    yN = cl_warp_max(yN);
    duaRes = cl_warp_max(duaRes);
    pxN = cl_warp_max(pxN);
    atyN = cl_warp_max(atyN);
    cN = cl_warp_max(cN);
    certPx = cl_warp_max(certPx);
    certAty = cl_warp_max(certAty);
    ctx = cl_warp_sum(ctx);
    xpx = cl_warp_sum(xpx);
    xN = cl_warp_max(xN);
    if (w == 0) {
        double xPx = xpx * t * t;
        double cTx = ctx * t / sg;
        double bTy = bty * t / sg;
        double* o = stats + l * 17;
        o[0] = priRes;
        o[1] = cl_max(axN, cl_max(sN, bN));
        o[2] = duaRes;
        o[3] = cl_max(pxN, cl_max(atyN, cN));
        o[4] = fabs(xPx + cTx + bTy);
        o[5] = cl_max(fabs(xPx), cl_max(fabs(cTx), fabs(bTy)));
        o[6] = 0.5 * xPx + cTx;
        o[7] = -0.5 * xPx - bTy;
        o[8] = tau;
        o[9] = rsk[(n + m) * lanes + l];
        o[10] = bty / (sg * sg);
        o[11] = certAty;
        o[12] = ctx / (sg * sg);
        o[13] = certAxs;
        o[14] = certPx;
        o[15] = magnitudes[lanes + l] * xN / sg;
        o[16] = magnitudes[l] * yN / sg;
    }
}

// tau~ of lane l (DESIGN §4): the larger root of a tau^2 + b tau + c = 0 with R-weighted inner products
// of g, p (the KKT solution) and mu = v over the first n + m rows, by the 32 threads of one warp; every
// thread gets it. cl_hsde_tau and the fused run.
static __device__ __forceinline__ double cl_tau_root(int lanes, int n, int m, int l, int w, double rhoX,
                                                      const double* rhoY, const double* g, const double* p,
                                                      const double* v, double tauWeight) {
    double sa = 0, sb = 0, sc = 0;
    for (int i = w; i < n + m; i += CL_WARP) {
        int k = i * lanes + l;
        double r = i < n ? rhoX : rhoY[k - n * lanes];
        double gk = g[k];
        double pk = p[k];
        double mu = v[k];
        sa += r * gk * gk;
        sb += r * (mu * gk - 2 * pk * gk);
        sc += r * pk * (pk - mu);
    }
    sa = cl_warp_sum(sa);
    sb = cl_warp_sum(sb);
    sc = cl_warp_sum(sc);
    double eta = v[(n + m) * lanes + l];
    double a = tauWeight + sa;
    double b = sb - eta * tauWeight;
    double rad = b * b - 4 * a * sc;
    return (-b + sqrt(cl_max(rad, 0.0))) / (2 * a);
}

// v_l *= sqrt(len) / ||v_l||_2 (unchanged when the norm is zero or not finite) for lane l of a batch-minor
// vector, by the 32 threads of one warp (w = this thread's index in it): cl_normalize and the fused run.
static __device__ __forceinline__ void cl_normalize_lane(int lanes, int len, int l, int w, double* v) {
    double s = 0;
    for (int i = w; i < len; i += CL_WARP) {
        double x = v[i * lanes + l];
        s += x * x;
    }
    s = cl_warp_sum(s);
    double nv = sqrt(s);
    double f = (nv > 0 && isfinite(nv)) ? sqrt((double)len) / nv : 1.0;
    for (int i = w; i < len; i += CL_WARP) {
        v[i * lanes + l] *= f;
    }
}
