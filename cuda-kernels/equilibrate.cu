// Ruiz equilibration of per-lane matrices on the device (DESIGN §4; the host twin of the whole
// procedure is io.convexlayers.solver.hsde.Equilibration). One pass: column and row norms (infinity
// norms, or squared 2-norms in the last pass), the rows of each multi-row cone given their largest
// norm, norms turned into factors 1/sqrt(clamped norm) that multiply into D and E, and every value of
// A and P scaled by its row and column factors. Sums are accumulated in exactly the order of the host
// code, with the rounding of each product and sum made explicit (no fused multiply-add), so that the
// device and the CPU equilibrate to the same bits.
#include "common.cuh"

static __device__ __forceinline__ double cl_eq_accumulate(double s, double v, int l2) {
    return l2 != 0 ? __dadd_rn(s, __dmul_rn(v, v)) : cl_max(s, fabs(v));
}

// colNorm[j, l] over column j of A (CSC order), then over row j of the symmetric P (its CSR over both
// triangles, hasP != 0). One thread per (column, lane).
CL_KERNEL cl_eq_col_norms(int total, int lanes, int l2, const int* aColStart, const double* aVals, int hasP,
                          const int* pRowStart, const int* pValIdx, const double* pVals, double* colNorm) {
    CL_FOR(t, total) {
        int j = t / lanes;
        int l = t % lanes;
        double s = 0;
        for (int k = aColStart[j]; k < aColStart[j + 1]; k++) {
            s = cl_eq_accumulate(s, aVals[(size_t)k * lanes + l], l2);
        }
        if (hasP != 0) {
            for (int q = pRowStart[j]; q < pRowStart[j + 1]; q++) {
                s = cl_eq_accumulate(s, pVals[(size_t)pValIdx[q] * lanes + l], l2);
            }
        }
        colNorm[t] = s;
    }
}

// rowNorm[i, l] over row i of A (its CSR: aValIdx maps positions to A's values). One thread per (row, lane).
CL_KERNEL cl_eq_row_norms(int total, int lanes, int l2, const int* aRowStart, const int* aValIdx,
                          const double* aVals, double* rowNorm) {
    CL_FOR(t, total) {
        int i = t / lanes;
        int l = t % lanes;
        double s = 0;
        for (int q = aRowStart[i]; q < aRowStart[i + 1]; q++) {
            s = cl_eq_accumulate(s, aVals[(size_t)aValIdx[q] * lanes + l], l2);
        }
        rowNorm[t] = s;
    }
}

// The rows of each multi-row cone (groupStart[g], groupLen[g]) share their largest norm, so that the row
// scaling keeps every cone's membership. One thread per (group, lane).
CL_KERNEL cl_eq_equalize(int total, int lanes, const int* groupStart, const int* groupLen, double* rowNorm) {
    CL_FOR(t, total) {
        int g = t / lanes;
        int l = t % lanes;
        int start = groupStart[g];
        int len = groupLen[g];
        double mx = 0;
        for (int i = start; i < start + len; i++) {
            mx = cl_max(mx, rowNorm[i * lanes + l]);
        }
        for (int i = start; i < start + len; i++) {
            rowNorm[i * lanes + l] = mx;
        }
    }
}

// norm -> factor 1/sqrt(clamp(norm)) (after a square root in the 2-norm pass; an empty row or column keeps
// factor 1), written back into norm and multiplied into the accumulated scaling acc.
CL_KERNEL cl_eq_factors(int total, int l2, double minNorm, double maxNorm, double* norm, double* acc) {
    CL_FOR(t, total) {
        double v = norm[t];
        if (l2 != 0) {
            v = sqrt(v);
        }
        double f = v == 0 ? 1.0 : 1.0 / sqrt(cl_min(cl_max(v, minNorm), maxNorm));
        norm[t] = f;
        acc[t] *= f;
    }
}

// vals[k, l] *= rowF[entryRow[k], l] * colF[entryCol[k], l]. One thread per (entry, lane).
CL_KERNEL cl_eq_apply(int total, int lanes, const int* entryRow, const int* entryCol, double* vals,
                      const double* rowF, const double* colF) {
    CL_FOR(t, total) {
        int k = t / lanes;
        int l = t % lanes;
        vals[t] *= __dmul_rn(rowF[entryRow[k] * lanes + l], colF[entryCol[k] * lanes + l]);
    }
}
