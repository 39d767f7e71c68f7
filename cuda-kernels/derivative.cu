// SPDX-License-Identifier: Apache-2.0
// The adjoint derivative's data cotangent (DESIGN §6): from the solution r of M^T r = dz and the point
// (x, y), the gradient with respect to the program's data, stacked per lane as
//   [dA (nnzA entries, pattern order); db (m); dc (n); dP (nnzP upper-triangle entries)],
// the row order of the stacked parameter map T^T that maps it to dtheta.
//   dA_ij = x_j r_y,i - y_i r_x,j;  db = y r_w - r_y;  dc = x r_w - r_x;
//   dP_ij = r_w x_i x_j - (r_x,i x_j + x_i r_x,j) / 2, doubled off the diagonal (both positions).
// sol holds (x; y) (n + m rows), r holds (r_x; r_y; r_w) (n + m + 1 rows), both batch-minor; entryRow and
// entryCol give the row and column of each A entry, then of each P entry. One thread per (entry, lane).
#include "common.cuh"

CL_KERNEL cl_vjp_data(int total, int lanes, int n, int m, int nnzA, const int* entryRow,
                      const int* entryCol, const double* sol, const double* r, double* g) {
    CL_FOR(t, total) {
        int k = t / lanes;
        int l = t % lanes;
        double rw = r[(n + m) * lanes + l];
        double v;
        if (k < nnzA) {
            int i = entryRow[k];
            int j = entryCol[k];
            v = sol[j * lanes + l] * r[(n + i) * lanes + l] - sol[(n + i) * lanes + l] * r[j * lanes + l];
        } else if (k < nnzA + m) {
            int i = k - nnzA;
            v = sol[(n + i) * lanes + l] * rw - r[(n + i) * lanes + l];
        } else if (k < nnzA + m + n) {
            int j = k - nnzA - m;
            v = sol[j * lanes + l] * rw - r[j * lanes + l];
        } else {
            int q = k - nnzA - m - n + nnzA;
            int i = entryRow[q];
            int j = entryCol[q];
            double xi = sol[i * lanes + l];
            double xj = sol[j * lanes + l];
            double p = rw * xi * xj - 0.5 * (r[i * lanes + l] * xj + xi * r[j * lanes + l]);
            v = i == j ? p : 2 * p;
        }
        g[t] = v;
    }
}
