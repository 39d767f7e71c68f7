// SPDX-License-Identifier: Apache-2.0
// Runs cl_vjp_data of cuda-kernels/derivative.cu on the host (a launch becomes one thread walking the
// whole grid-stride loop). VjpDataOnHostTest feeds it one case on stdin:
//   lanes n m nnzA nnzP  entryRow[nnzA + nnzP]  entryCol[nnzA + nnzP]  sol[(n + m) lanes]  r[(n + m + 1) lanes]
// and reads g[(nnzA + m + n + nnzP) lanes] from stdout.
#include <stdio.h>
#include <vector>

#define __device__
#define __global__
#define __forceinline__ inline
struct cl_host_dim3 {
    unsigned x, y, z;
};
static const cl_host_dim3 blockIdx = {0, 0, 0}, threadIdx = {0, 0, 0};
static const cl_host_dim3 blockDim = {1, 1, 1}, gridDim = {1, 1, 1};
static inline double __shfl_xor_sync(unsigned, double v, int) {
    return v;
}
static inline double __longlong_as_double(long long bits) {
    double d;
    __builtin_memcpy(&d, &bits, sizeof d);
    return d;
}

#include "derivative.cu"

int main() {
    int lanes, n, m, nnzA, nnzP;
    if (scanf("%d %d %d %d %d", &lanes, &n, &m, &nnzA, &nnzP) != 5) {
        return 1;
    }
    std::vector<int> row(nnzA + nnzP + 1), col(nnzA + nnzP + 1);
    for (int k = 0; k < nnzA + nnzP; k++) {
        if (scanf("%d", &row[k]) != 1) return 1;
    }
    for (int k = 0; k < nnzA + nnzP; k++) {
        if (scanf("%d", &col[k]) != 1) return 1;
    }
    std::vector<double> sol((n + m) * lanes), r((n + m + 1) * lanes);
    for (double& v : sol) {
        if (scanf("%lf", &v) != 1) return 1;
    }
    for (double& v : r) {
        if (scanf("%lf", &v) != 1) return 1;
    }
    int total = (nnzA + m + n + nnzP) * lanes;
    std::vector<double> g(total);
    cl_vjp_data(total, lanes, n, m, nnzA, row.data(), col.data(), sol.data(), r.data(), g.data());
    for (int t = 0; t < total; t++) {
        printf(t == 0 ? "%.17g" : " %.17g", g[t]);
    }
    printf("\n");
    return 0;
}
