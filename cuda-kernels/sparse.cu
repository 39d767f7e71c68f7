// Sparse matrix products on a pattern shared by the batch, values shared (one per entry) or per lane
// (entry k of lane l at k * lanes + l).
#include "common.cuh"

// Row-gather product out = M x (or out += M x when accumulate != 0) on a CSR index structure whose
// entries point into a value array: row r owns positions rowStart[r] .. rowStart[r+1]-1, position q
// has column colIdx[q] and value vals[valIdx[q]] (shared) or vals[valIdx[q] * lanes + l] (per lane).
// Used for A x (CSR of A), A^T y (CSR of A^T, i.e. A's CSC) and the symmetric P x (both triangles).
// Only lanes with active[l] != 0 read anything: a finished lane of a solve gets 0 (or keeps out when
// accumulating), so the memory traffic of a batch's long tail shrinks with its live lanes.
// One thread per (row, lane).
CL_KERNEL cl_csr_mv(int total, int lanes, const int* rowStart, const int* colIdx, const int* valIdx,
                    const double* vals, int sharedVals, const double* x, double* out, int accumulate,
                    const int* active) {
    CL_FOR(t, total) {
        int r = t / lanes;
        int l = t % lanes;
        double s = 0;
        if (active[l] != 0) {
            for (int q = rowStart[r]; q < rowStart[r + 1]; q++) {
                int k = valIdx[q];
                double a = sharedVals != 0 ? vals[k] : vals[k * lanes + l];
                s += a * x[colIdx[q] * lanes + l];
            }
        }
        out[t] = accumulate != 0 ? out[t] + s : s;
    }
}

// The parameter map T [theta; 1] and its adjoint are cl_param_map_lanes (program.cu): with batch = lanes
// and first = 0 for a whole batch on the device, and numParams = -1 for the transposed map.
