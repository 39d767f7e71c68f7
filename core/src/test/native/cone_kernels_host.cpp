// SPDX-License-Identifier: Apache-2.0
// Runs the cone kernels of cuda-kernels/ (cones.cu, cone_derivatives.cu) on the host: a few
// definitions stand in for CUDA's, and a launch becomes one thread that walks the whole grid-stride
// loop. ConeKernelsOnHostTest feeds it points and compares the results with the CPU backend's.
//
// stdin, one case per line (every number as printed by Java):
//   exp DUAL x y z            -> Pi(v) (3) and the Jacobian (9), K_exp or (DUAL = 1) K_exp*
//   pow ALPHA x y z           -> Pi(v) (3) and the Jacobian (9), signed ALPHA as cl_proj_pow
//   psd K v[S] d[S]           -> Pi(v) (S), eigenvalues (K), DPi(v) d (S), S = K(K+1)/2
//   soc Q v[Q] d[Q]           -> Pi(v) (Q), DPi(v) d (Q)
// stdout: one line of numbers per case.
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <vector>

#define __device__
#define __global__
#define __forceinline__ inline
struct cl_host_dim3 {
    unsigned x, y, z;
};
static const cl_host_dim3 blockIdx = {0, 0, 0}, threadIdx = {0, 0, 0};
static const cl_host_dim3 blockDim = {1, 1, 1}, gridDim = {1, 1, 1};
static inline double __longlong_as_double(long long bits) {
    double d;
    memcpy(&d, &bits, sizeof d);
    return d;
}
static inline double __shfl_xor_sync(unsigned, double v, int) {
    return v;
}

#include "cones.cu"
#include "cone_derivatives.cu"

static void print(const double* x, int n) {
    for (int i = 0; i < n; i++) {
        printf(i == 0 ? "%.17g" : " %.17g", x[i]);
    }
}

static int readAll(double* x, int n) {
    for (int i = 0; i < n; i++) {
        if (scanf("%lf", &x[i]) != 1) {
            return 0;
        }
    }
    return 1;
}

int main() {
    char kind[16];
    while (scanf("%15s", kind) == 1) {
        if (strcmp(kind, "exp") == 0 || strcmp(kind, "pow") == 0) {
            double head, v[3], jac[9];
            if (!readAll(&head, 1) || !readAll(v, 3)) {
                return 2;
            }
            double p[3] = {v[0], v[1], v[2]};
            if (kind[0] == 'e') {
                cl_proj_exp(1, 1, (int)head, p);
                cl_exp_linearize(1, 1, (int)head, v, jac);
            } else {
                cl_proj_pow(1, 1, &head, p);
                cl_pow_linearize(1, 1, &head, v, jac);
            }
            print(p, 3);
            printf(" ");
            print(jac, 9);
        } else if (strcmp(kind, "psd") == 0) {
            int k;
            if (scanf("%d", &k) != 1) {
                return 2;
            }
            int sv = k * (k + 1) / 2;
            std::vector<double> v(sv), d(sv), p(sv), out(sv), lin(CL_EIGEN_SCRATCH(k)), tmp(CL_EIGEN_SCRATCH(k)),
                    scratch(CL_EIGEN_SCRATCH(k));
            if (!readAll(v.data(), sv) || !readAll(d.data(), sv)) {
                return 2;
            }
            p = v;
            int zero = 0;
            cl_proj_psd(1, 1, &zero, &k, &zero, scratch.data(), p.data());
            cl_psd_linearize(1, 1, &zero, &k, &zero, lin.data(), v.data());
            cl_dproj_psd(1, 1, &zero, &k, &zero, lin.data(), tmp.data(), d.data(), out.data());
            print(p.data(), sv);
            for (int i = 0; i < k; i++) {
                printf(" %.17g", lin[i * k + i]);
            }
            printf(" ");
            print(out.data(), sv);
        } else if (strcmp(kind, "soc") == 0) {
            int q;
            if (scanf("%d", &q) != 1) {
                return 2;
            }
            std::vector<double> v(q), d(q), p(q), out(q);
            if (!readAll(v.data(), q) || !readAll(d.data(), q)) {
                return 2;
            }
            p = v;
            int zero = 0;
            cl_proj_soc(1, 1, &zero, &q, p.data());
            cl_dproj_soc(1, 1, &zero, &q, v.data(), d.data(), out.data());
            print(p.data(), q);
            printf(" ");
            print(out.data(), q);
        } else {
            return 2;
        }
        printf("\n");
    }
    return 0;
}
