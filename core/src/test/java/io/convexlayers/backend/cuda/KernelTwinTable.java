// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.backend.cuda;

/**
 * The Java twin of every {@link CudaKernel}, by kernel: what the emulated device runs for a launch
 * (test scope, like the twins themselves in {@link KernelTwins}).
 */
final class KernelTwinTable {
    private KernelTwinTable() {
    }

    /** Runs {@code kernel}'s twin on the host view {@code a} of a launch's arguments. */
    static void run(CudaKernel kernel, CudaKernel.TwinArgs a) {
        run(kernel, a, null, 0);
    }

    /**
     * As {@link #run(CudaKernel, CudaKernel.TwinArgs)} with the launch's block geometry and dynamic shared
     * memory, which the block-emulated twins ({@link FusedKernelTwin}) need.
     */
    static void run(CudaKernel kernel, CudaKernel.TwinArgs a, LaunchGeometry geometry, int sharedBytes) {
        switch (kernel) {
            case HSDE_FUSED -> FusedKernelTwin.run(a, geometry, sharedBytes);
            case FILL -> KernelTwins.clFill(a.i(0), a.p(1), a.d(2));
            case FILL_INT -> KernelTwins.clFillInt(a.i(0), a.q(1), a.i(2));
            case LANE_DOT -> KernelTwins.clLaneDot(a.i(0), a.i(1), a.p(2), a.p(3), a.p(4));
            case LANE_ABS_MAX -> KernelTwins.clLaneAbsMax(a.i(0), a.i(1), a.p(2), a.p(3));
            case LANE_DIFF_NORM -> KernelTwins.clLaneDiffNorm(a.i(0), a.i(1), a.p(2), a.p(3), a.p(4));
            case LANE_SCALE -> KernelTwins.clLaneScale(a.i(0), a.i(1), a.p(2), a.p(3));
            case LANE_AXPBY -> KernelTwins.clLaneAxpby(a.i(0), a.i(1), a.p(2), a.p(3), a.p(4), a.p(5));
            case GATHER_LANES -> KernelTwins.clGatherLanes(a.i(0), a.i(1), a.i(2), a.q(3), a.p(4), a.p(5));
            case MASKED_COPY -> KernelTwins.clMaskedCopy(a.i(0), a.i(1), a.q(2), a.p(3), a.p(4));
            case NORMALIZE -> KernelTwins.clNormalize(a.i(0), a.i(1), a.p(2));
            case CSR_MV -> KernelTwins.clCsrMv(a.i(0), a.i(1), a.q(2), a.q(3), a.q(4), a.p(5), a.i(6), a.p(7), a.p(8), a.i(9), a.q(10));
            case PARAM_MAP_LANES -> KernelTwins.clParamMapLanes(a.i(0), a.i(1), a.i(2), a.i(3), a.q(4), a.q(5), a.p(6), a.i(7), a.p(8), a.p(9));
            case SPREAD_LANES -> KernelTwins.clSpreadLanes(a.i(0), a.i(1), a.p(2), a.p(3));
            case MUL_ROWS -> KernelTwins.clMulRows(a.i(0), a.p(1), a.p(2));
            case LANE_SIGMA -> KernelTwins.clLaneSigma(a.i(0), a.i(1), a.i(2), a.p(3), a.p(4), a.d(5), a.d(6), a.p(7));
            case NEGATE -> KernelTwins.clNegate(a.i(0), a.p(1), a.p(2));
            case VJP_DATA -> KernelTwins.clVjpData(a.i(0), a.i(1), a.i(2), a.i(3), a.i(4), a.q(5), a.q(6), a.p(7),
                    a.p(8), a.p(9));
            case EQ_COL_NORMS -> KernelTwins.clEqColNorms(a.i(0), a.i(1), a.i(2), a.q(3), a.p(4), a.i(5), a.q(6), a.q(7), a.p(8), a.p(9));
            case EQ_ROW_NORMS -> KernelTwins.clEqRowNorms(a.i(0), a.i(1), a.i(2), a.q(3), a.q(4), a.p(5), a.p(6));
            case EQ_EQUALIZE -> KernelTwins.clEqEqualize(a.i(0), a.i(1), a.q(2), a.q(3), a.p(4));
            case EQ_FACTORS -> KernelTwins.clEqFactors(a.i(0), a.i(1), a.d(2), a.d(3), a.p(4), a.p(5));
            case EQ_APPLY -> KernelTwins.clEqApply(a.i(0), a.i(1), a.q(2), a.q(3), a.p(4), a.p(5), a.p(6));
            case HSDE_RHS -> KernelTwins.clHsdeRhs(a.i(0), a.i(1), a.i(2), a.d(3), a.p(4), a.p(5), a.p(6));
            case HSDE_TAU -> KernelTwins.clHsdeTau(a.i(0), a.i(1), a.i(2), a.d(3), a.p(4), a.p(5), a.p(6), a.p(7), a.i(8), a.d(9));
            case HSDE_LINEAR_FINISH -> KernelTwins.clHsdeLinearFinish(a.i(0), a.i(1), a.i(2), a.p(3), a.p(4));
            case HSDE_REFLECT -> KernelTwins.clHsdeReflect(a.i(0), a.i(1), a.i(2), a.p(3), a.p(4), a.p(5), a.i(6));
            case HSDE_POLYHEDRAL_TAIL -> KernelTwins.clHsdePolyhedralTail(a.i(0), a.i(1), a.i(2), a.i(3), a.i(4), a.i(5), a.i(6), a.d(7), a.p(8), a.p(9), a.p(10), a.p(11));
            case HSDE_RELAX -> KernelTwins.clHsdeRelax(a.i(0), a.d(1), a.p(2), a.p(3), a.p(4));
            case HSDE_DUAL -> KernelTwins.clHsdeDual(a.i(0), a.i(1), a.i(2), a.i(3), a.d(4), a.p(5), a.d(6), a.p(7), a.p(8), a.p(9), a.p(10));
            case HSDE_RESET_SCALE -> KernelTwins.clHsdeResetScale(a.i(0), a.i(1), a.i(2), a.i(3), a.d(4), a.p(5), a.d(6), a.q(7), a.p(8), a.p(9), a.p(10), a.p(11), a.p(12));
            case HSDE_RESIDUALS -> KernelTwins.clHsdeResiduals(a.i(0), a.i(1), a.i(2), a.p(3), a.p(4), a.p(5), a.p(6), a.p(7), a.p(8), a.p(9), a.p(10), a.p(11), a.p(12), a.p(13), a.p(14));
            case PROJ_NONNEG -> KernelTwins.clProjNonneg(a.i(0), a.p(1));
            case PROJ_SOC -> KernelTwins.clProjSoc(a.i(0), a.i(1), a.q(2), a.q(3), a.p(4));
            case PROJ_PSD -> KernelTwins.clProjPsd(a.i(0), a.i(1), a.q(2), a.q(3), a.q(4), a.p(5), a.p(6));
            case PROJ_EXP -> KernelTwins.clProjExp(a.i(0), a.i(1), a.i(2), a.p(3));
            case PROJ_POW -> KernelTwins.clProjPow(a.i(0), a.i(1), a.p(2), a.p(3));
            case DPROJ_NONNEG -> KernelTwins.clDprojNonneg(a.i(0), a.p(1), a.p(2), a.p(3));
            case DPROJ_SOC -> KernelTwins.clDprojSoc(a.i(0), a.i(1), a.q(2), a.q(3), a.p(4), a.p(5), a.p(6));
            case PSD_LINEARIZE -> KernelTwins.clPsdLinearize(a.i(0), a.i(1), a.q(2), a.q(3), a.q(4), a.p(5), a.p(6));
            case DPROJ_PSD -> KernelTwins.clDprojPsd(a.i(0), a.i(1), a.q(2), a.q(3), a.q(4), a.p(5), a.p(6), a.p(7), a.p(8));
            case EXP_LINEARIZE -> KernelTwins.clExpLinearize(a.i(0), a.i(1), a.i(2), a.p(3), a.p(4));
            case POW_LINEARIZE -> KernelTwins.clPowLinearize(a.i(0), a.i(1), a.p(2), a.p(3), a.p(4));
            case DPROJ_TRIPLES -> KernelTwins.clDprojTriples(a.i(0), a.i(1), a.p(2), a.i(3), a.p(4), a.p(5));
            case KKT_DIV_ROWS -> KernelTwins.clKktDivRows(a.i(0), a.p(1), a.p(2), a.p(3));
            case KKT_RECOVER_Y -> KernelTwins.clKktRecoverY(a.i(0), a.p(1), a.p(2), a.p(3));
            case GEMM_LANES -> GemmKernelTwin.run(a, geometry);
            case IPM_SCATTER -> IpmKernelTwin.scatter(a);
            case IPM_SOLVE -> IpmKernelTwin.solve(a, geometry, sharedBytes);
            case DENSE_ASSEMBLE -> KernelTwins.clDenseAssemble(a.i(0), a.i(1), a.q(2), a.q(3), a.q(4), a.q(5), a.q(6), a.p(7), a.i(8), a.p(9), a.i(10), a.d(11), a.p(12), a.p(13), a.q(14));
            case DENSE_CHOLESKY -> KernelTwins.clDenseCholesky(a.i(0), a.i(1), a.p(2), a.q(3), a.q(4));
            case DENSE_CHOL_SOLVE -> KernelTwins.clDenseCholSolve(a.i(0), a.i(1), a.p(2), a.p(3));
            case DENSE_FACTOR_INVERSE -> KernelTwins.clDenseFactorInverse(a.i(0), a.i(1), a.p(2), a.p(3), a.q(4), a.q(5));
            case DENSE_MV_LANES -> KernelTwins.clDenseMvLanes(a.i(0), a.i(1), a.i(2), a.p(3), a.p(4), a.p(5), a.q(6));
            case CG_DIAG -> KernelTwins.clCgDiag(a.i(0), a.i(1), a.q(2), a.q(3), a.p(4), a.i(5), a.q(6), a.p(7), a.i(8), a.d(9), a.p(10), a.p(11));
            case CG_COMBINE -> KernelTwins.clCgCombine(a.i(0), a.d(1), a.p(2), a.p(3), a.p(4), a.p(5));
            case CG_START -> KernelTwins.clCgStart(a.i(0), a.p(1), a.p(2), a.p(3), a.p(4), a.p(5), a.p(6));
            case CG_STEP -> KernelTwins.clCgStep(a.i(0), a.i(1), a.p(2), a.p(3), a.q(4), a.p(5), a.p(6), a.p(7), a.p(8), a.p(9), a.p(10));
            case CG_SCALARS -> KernelTwins.clCgScalars(a.i(0), a.p(1), a.p(2), a.p(3), a.d(4), a.p(5), a.p(6), a.q(7), a.q(8));
            case CG_DIRECTION -> KernelTwins.clCgDirection(a.i(0), a.i(1), a.p(2), a.q(3), a.p(4), a.p(5));
            case AA_PREPARE -> KernelTwins.clAaPrepare(a.i(0), a.i(1), a.i(2), a.q(3), a.q(4), a.p(5), a.p(6), a.p(7), a.p(8), a.p(9), a.p(10), a.p(11), a.p(12));
            case AA_GRAM -> KernelTwins.clAaGram(a.i(0), a.i(1), a.i(2), a.i(3), a.q(4), a.p(5), a.p(6), a.p(7));
            case AA_RHS -> KernelTwins.clAaRhs(a.i(0), a.i(1), a.i(2), a.q(3), a.p(4), a.p(5), a.p(6), a.p(7), a.p(8), a.p(9));
            case AA_SOLVE -> KernelTwins.clAaSolve(a.i(0), a.i(1), a.q(2), a.q(3), a.d(4), a.d(5), a.p(6), a.p(7), a.p(8), a.p(9), a.p(10), a.q(11));
            case AA_UPDATE -> KernelTwins.clAaUpdate(a.i(0), a.i(1), a.i(2), a.q(3), a.q(4), a.p(5), a.p(6), a.p(7), a.p(8));
            default -> throw new IllegalArgumentException("no twin for " + kernel);
        }
    }
}
