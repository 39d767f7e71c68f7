// The cone program's data made on the device from the layer's parameters (DESIGN §1, §4): the parameter
// map over a chunk of lanes, shared data spread over the lanes, and the scaling of b and c. Each kernel
// rounds every product and sum explicitly (no fused multiply-add) and sums in the order of the host code
// (io.convexlayers.canon.ParameterMap, io.convexlayers.solver.hsde.Equilibration.scaleVectors), so that
// the device gives the host's bits.
#include "common.cuh"

// out (rows x lanes) = T [theta; 1] for lanes first .. first + lanes - 1 of a batch whose theta is
// numParams x batch (batch-minor): T is CSR with rows = data entries, columns = parameter entries plus
// the constant column numParams, in increasing order within a row. One thread per (row, lane).
CL_KERNEL cl_param_map_lanes(int total, int lanes, int batch, int first, const int* rowStart, const int* colIdx,
                             const double* vals, int numParams, const double* theta, double* out) {
    CL_FOR(t, total) {
        int r = t / lanes;
        int l = t % lanes;
        double s = 0;
        for (int q = rowStart[r]; q < rowStart[r + 1]; q++) {
            int c = colIdx[q];
            double v = c == numParams ? vals[q] : __dmul_rn(vals[q], theta[(size_t)c * batch + first + l]);
            s = __dadd_rn(s, v);
        }
        out[t] = s;
    }
}

// dst[t] = src[t / lanes]: one set of values (shared by the batch) spread over the lanes, batch-minor.
CL_KERNEL cl_spread_lanes(int total, int lanes, const double* src, double* dst) {
    CL_FOR(t, total) { dst[t] = src[t / lanes]; }
}

// v[t] *= f[t] (b by D, c by E, entry by entry).
CL_KERNEL cl_mul_rows(int total, double* v, const double* f) {
    CL_FOR(t, total) { v[t] = __dmul_rn(v[t], f[t]); }
}

// sigma[l] = 1 / clamp(max(|b_l|_inf, |c_l|_inf)) for the scaled b (m x lanes) and c (n x lanes): one warp
// per lane; a maximum is exact in any order, and cl_max lets a NaN through as Math.max does.
CL_KERNEL cl_lane_sigma(int lanes, int m, int n, const double* b, const double* c, double minNorm, double maxNorm,
                        double* sigma) {
    CL_FOR_LANE_WARP(l, w, lanes) {
        double nb = 0;
        for (int i = w; i < m; i += CL_WARP) {
            nb = cl_max(nb, fabs(b[i * lanes + l]));
        }
        double nc = 0;
        for (int j = w; j < n; j += CL_WARP) {
            nc = cl_max(nc, fabs(c[j * lanes + l]));
        }
        double size = cl_max(cl_warp_max(nb), cl_warp_max(nc));
        if (w == 0) {
            sigma[l] = 1.0 / cl_min(cl_max(size, minNorm), maxNorm);
        }
    }
}

// dst[t] = -src[t] (the -b part of the linear step's constant right-hand side).
CL_KERNEL cl_negate(int total, const double* src, double* dst) {
    CL_FOR(t, total) { dst[t] = -src[t]; }
}
