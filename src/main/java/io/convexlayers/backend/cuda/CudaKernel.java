// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.backend.cuda;

/**
 * Every kernel the host code launches: its entry name in the PTX module, its parameter signature and
 * its Java twin (see {@link KernelTwins}). The signature has one letter per parameter: {@code i} int,
 * {@code d} double, {@code p} double pointer, {@code q} int pointer; tests check it against the
 * {@code .entry} parameter list of the shipped PTX, and every launch checks its arguments against it.
 */
enum CudaKernel {
    FILL("cl_fill", "ipd", a -> KernelTwins.clFill(a.i(0), a.p(1), a.d(2))),
    FILL_INT("cl_fill_int", "iqi", a -> KernelTwins.clFillInt(a.i(0), a.q(1), a.i(2))),
    LANE_DOT("cl_lane_dot", "iippp", a -> KernelTwins.clLaneDot(a.i(0), a.i(1), a.p(2), a.p(3), a.p(4))),
    LANE_DIFF_NORM("cl_lane_diff_norm", "iippp",
            a -> KernelTwins.clLaneDiffNorm(a.i(0), a.i(1), a.p(2), a.p(3), a.p(4))),
    LANE_SCALE("cl_lane_scale", "iipp", a -> KernelTwins.clLaneScale(a.i(0), a.i(1), a.p(2), a.p(3))),
    LANE_AXPBY("cl_lane_axpby", "iipppp",
            a -> KernelTwins.clLaneAxpby(a.i(0), a.i(1), a.p(2), a.p(3), a.p(4), a.p(5))),
    GATHER_LANES("cl_gather_lanes", "iiiqpp",
            a -> KernelTwins.clGatherLanes(a.i(0), a.i(1), a.i(2), a.q(3), a.p(4), a.p(5))),
    MASKED_COPY("cl_masked_copy", "iiqpp", a -> KernelTwins.clMaskedCopy(a.i(0), a.i(1), a.q(2), a.p(3), a.p(4))),
    NORMALIZE("cl_normalize", "iip", a -> KernelTwins.clNormalize(a.i(0), a.i(1), a.p(2))),

    CSR_MV("cl_csr_mv", "iiqqqpippi", a -> KernelTwins.clCsrMv(a.i(0), a.i(1), a.q(2), a.q(3), a.q(4), a.p(5),
            a.i(6), a.p(7), a.p(8), a.i(9))),
    CSR_MV_ACTIVE("cl_csr_mv_active", "iiqqqpippiq", a -> KernelTwins.clCsrMvActive(a.i(0), a.i(1), a.q(2), a.q(3),
            a.q(4), a.p(5), a.i(6), a.p(7), a.p(8), a.i(9), a.q(10))),
    PARAM_MAP("cl_param_map", "iiqqpipp", a -> KernelTwins.clParamMap(a.i(0), a.i(1), a.q(2), a.q(3), a.p(4),
            a.i(5), a.p(6), a.p(7))),

    EQ_COL_NORMS("cl_eq_col_norms", "iiiqpiqqpp", a -> KernelTwins.clEqColNorms(a.i(0), a.i(1), a.i(2), a.q(3),
            a.p(4), a.i(5), a.q(6), a.q(7), a.p(8), a.p(9))),
    EQ_ROW_NORMS("cl_eq_row_norms", "iiiqqpp",
            a -> KernelTwins.clEqRowNorms(a.i(0), a.i(1), a.i(2), a.q(3), a.q(4), a.p(5), a.p(6))),
    EQ_EQUALIZE("cl_eq_equalize", "iiqqp", a -> KernelTwins.clEqEqualize(a.i(0), a.i(1), a.q(2), a.q(3), a.p(4))),
    EQ_FACTORS("cl_eq_factors", "iiddpp",
            a -> KernelTwins.clEqFactors(a.i(0), a.i(1), a.d(2), a.d(3), a.p(4), a.p(5))),
    EQ_APPLY("cl_eq_apply", "iiqqppp",
            a -> KernelTwins.clEqApply(a.i(0), a.i(1), a.q(2), a.q(3), a.p(4), a.p(5), a.p(6))),

    HSDE_RHS("cl_hsde_rhs", "iiidppp",
            a -> KernelTwins.clHsdeRhs(a.i(0), a.i(1), a.i(2), a.d(3), a.p(4), a.p(5), a.p(6))),
    HSDE_TAU("cl_hsde_tau", "iiidppppid", a -> KernelTwins.clHsdeTau(a.i(0), a.i(1), a.i(2), a.d(3), a.p(4),
            a.p(5), a.p(6), a.p(7), a.i(8), a.d(9))),
    HSDE_LINEAR_FINISH("cl_hsde_linear_finish", "iiipp",
            a -> KernelTwins.clHsdeLinearFinish(a.i(0), a.i(1), a.i(2), a.p(3), a.p(4))),
    HSDE_REFLECT("cl_hsde_reflect", "iiipppi",
            a -> KernelTwins.clHsdeReflect(a.i(0), a.i(1), a.i(2), a.p(3), a.p(4), a.p(5), a.i(6))),
    HSDE_POLYHEDRAL_TAIL("cl_hsde_polyhedral_tail", "iiiiiiidpppp", a -> KernelTwins.clHsdePolyhedralTail(a.i(0),
            a.i(1), a.i(2), a.i(3), a.i(4), a.i(5), a.i(6), a.d(7), a.p(8), a.p(9), a.p(10), a.p(11))),
    HSDE_RELAX("cl_hsde_relax", "idppp", a -> KernelTwins.clHsdeRelax(a.i(0), a.d(1), a.p(2), a.p(3), a.p(4))),
    HSDE_DUAL("cl_hsde_dual", "iiiidpdpppp", a -> KernelTwins.clHsdeDual(a.i(0), a.i(1), a.i(2), a.i(3), a.d(4),
            a.p(5), a.d(6), a.p(7), a.p(8), a.p(9), a.p(10))),
    HSDE_RESET_SCALE("cl_hsde_reset_scale", "iiiidpdqppppp", a -> KernelTwins.clHsdeResetScale(a.i(0), a.i(1),
            a.i(2), a.i(3), a.d(4), a.p(5), a.d(6), a.q(7), a.p(8), a.p(9), a.p(10), a.p(11), a.p(12))),
    HSDE_RESIDUALS("cl_hsde_residuals", "iiippppppppppp", a -> KernelTwins.clHsdeResiduals(a.i(0), a.i(1), a.i(2),
            a.p(3), a.p(4), a.p(5), a.p(6), a.p(7), a.p(8), a.p(9), a.p(10), a.p(11), a.p(12), a.p(13))),

    PROJ_NONNEG("cl_proj_nonneg", "ip", a -> KernelTwins.clProjNonneg(a.i(0), a.p(1))),
    PROJ_SOC("cl_proj_soc", "iiqqp", a -> KernelTwins.clProjSoc(a.i(0), a.i(1), a.q(2), a.q(3), a.p(4))),
    PROJ_PSD("cl_proj_psd", "iiqqqpp",
            a -> KernelTwins.clProjPsd(a.i(0), a.i(1), a.q(2), a.q(3), a.q(4), a.p(5), a.p(6))),
    PROJ_EXP("cl_proj_exp", "iiip", a -> KernelTwins.clProjExp(a.i(0), a.i(1), a.i(2), a.p(3))),
    PROJ_POW("cl_proj_pow", "iipp", a -> KernelTwins.clProjPow(a.i(0), a.i(1), a.p(2), a.p(3))),

    DPROJ_NONNEG("cl_dproj_nonneg", "ippp", a -> KernelTwins.clDprojNonneg(a.i(0), a.p(1), a.p(2), a.p(3))),
    DPROJ_SOC("cl_dproj_soc", "iiqqppp",
            a -> KernelTwins.clDprojSoc(a.i(0), a.i(1), a.q(2), a.q(3), a.p(4), a.p(5), a.p(6))),
    PSD_LINEARIZE("cl_psd_linearize", "iiqqqpp",
            a -> KernelTwins.clPsdLinearize(a.i(0), a.i(1), a.q(2), a.q(3), a.q(4), a.p(5), a.p(6))),
    DPROJ_PSD("cl_dproj_psd", "iiqqqpppp", a -> KernelTwins.clDprojPsd(a.i(0), a.i(1), a.q(2), a.q(3), a.q(4),
            a.p(5), a.p(6), a.p(7), a.p(8))),
    EXP_LINEARIZE("cl_exp_linearize", "iiipp",
            a -> KernelTwins.clExpLinearize(a.i(0), a.i(1), a.i(2), a.p(3), a.p(4))),
    POW_LINEARIZE("cl_pow_linearize", "iippp",
            a -> KernelTwins.clPowLinearize(a.i(0), a.i(1), a.p(2), a.p(3), a.p(4))),
    DPROJ_TRIPLES("cl_dproj_triples", "iipipp",
            a -> KernelTwins.clDprojTriples(a.i(0), a.i(1), a.p(2), a.i(3), a.p(4), a.p(5))),

    KKT_DIV_ROWS("cl_kkt_div_rows", "ippp", a -> KernelTwins.clKktDivRows(a.i(0), a.p(1), a.p(2), a.p(3))),
    KKT_RECOVER_Y("cl_kkt_recover_y", "ippp", a -> KernelTwins.clKktRecoverY(a.i(0), a.p(1), a.p(2), a.p(3))),
    DENSE_MV_SHARED("cl_dense_mv_shared", "iiippp",
            a -> KernelTwins.clDenseMvShared(a.i(0), a.i(1), a.i(2), a.p(3), a.p(4), a.p(5))),
    DENSE_ASSEMBLE("cl_dense_assemble", "iiqqqqqpipidppq", a -> KernelTwins.clDenseAssemble(a.i(0), a.i(1),
            a.q(2), a.q(3), a.q(4), a.q(5), a.q(6), a.p(7), a.i(8), a.p(9), a.i(10), a.d(11), a.p(12), a.p(13),
            a.q(14))),
    DENSE_CHOLESKY("cl_dense_cholesky", "iipqq",
            a -> KernelTwins.clDenseCholesky(a.i(0), a.i(1), a.p(2), a.q(3), a.q(4))),
    DENSE_CHOL_SOLVE("cl_dense_chol_solve", "iipp",
            a -> KernelTwins.clDenseCholSolve(a.i(0), a.i(1), a.p(2), a.p(3))),
    DENSE_FACTOR_INVERSE("cl_dense_factor_inverse", "iippqq",
            a -> KernelTwins.clDenseFactorInverse(a.i(0), a.i(1), a.p(2), a.p(3), a.q(4), a.q(5))),
    DENSE_MV_LANES("cl_dense_mv_lanes", "iiipppq",
            a -> KernelTwins.clDenseMvLanes(a.i(0), a.i(1), a.i(2), a.p(3), a.p(4), a.p(5), a.q(6))),
    CG_DIAG("cl_cg_diag", "iiqqpiqpidpp", a -> KernelTwins.clCgDiag(a.i(0), a.i(1), a.q(2), a.q(3), a.p(4), a.i(5),
            a.q(6), a.p(7), a.i(8), a.d(9), a.p(10), a.p(11))),
    CG_COMBINE("cl_cg_combine", "idpppp",
            a -> KernelTwins.clCgCombine(a.i(0), a.d(1), a.p(2), a.p(3), a.p(4), a.p(5))),
    CG_START("cl_cg_start", "ipppppp",
            a -> KernelTwins.clCgStart(a.i(0), a.p(1), a.p(2), a.p(3), a.p(4), a.p(5), a.p(6))),
    CG_STEP("cl_cg_step", "iippqpppppp", a -> KernelTwins.clCgStep(a.i(0), a.i(1), a.p(2), a.p(3), a.q(4), a.p(5),
            a.p(6), a.p(7), a.p(8), a.p(9), a.p(10))),
    CG_SCALARS("cl_cg_scalars", "ipppdppqq", a -> KernelTwins.clCgScalars(a.i(0), a.p(1), a.p(2), a.p(3), a.d(4),
            a.p(5), a.p(6), a.q(7), a.q(8))),
    CG_DIRECTION("cl_cg_direction", "iipqpp",
            a -> KernelTwins.clCgDirection(a.i(0), a.i(1), a.p(2), a.q(3), a.p(4), a.p(5))),

    AA_PREPARE("cl_aa_prepare", "iiiqqpppppppp", a -> KernelTwins.clAaPrepare(a.i(0), a.i(1), a.i(2), a.q(3),
            a.q(4), a.p(5), a.p(6), a.p(7), a.p(8), a.p(9), a.p(10), a.p(11), a.p(12))),
    AA_GRAM("cl_aa_gram", "iiiiqppp", a -> KernelTwins.clAaGram(a.i(0), a.i(1), a.i(2), a.i(3), a.q(4), a.p(5),
            a.p(6), a.p(7))),
    AA_RHS("cl_aa_rhs", "iiiqpppppp", a -> KernelTwins.clAaRhs(a.i(0), a.i(1), a.i(2), a.q(3), a.p(4), a.p(5),
            a.p(6), a.p(7), a.p(8), a.p(9))),
    AA_SOLVE("cl_aa_solve", "iiqqddpppppq", a -> KernelTwins.clAaSolve(a.i(0), a.i(1), a.q(2), a.q(3), a.d(4),
            a.d(5), a.p(6), a.p(7), a.p(8), a.p(9), a.p(10), a.q(11))),
    AA_UPDATE("cl_aa_update", "iiiqqpppp", a -> KernelTwins.clAaUpdate(a.i(0), a.i(1), a.i(2), a.q(3), a.q(4),
            a.p(5), a.p(6), a.p(7), a.p(8)));

    /** The arguments of one emulated launch, typed by position. */
    interface TwinArgs {
        int i(int k);

        double d(int k);

        DPtr p(int k);

        IPtr q(int k);
    }

    /** Runs a kernel's twin on emulated device memory. */
    @FunctionalInterface
    interface Twin {
        void run(TwinArgs args);
    }

    private final String entry;
    private final String signature;
    private final Twin twin;

    CudaKernel(String entry, String signature, Twin twin) {
        this.entry = entry;
        this.signature = signature;
        this.twin = twin;
    }

    /** The {@code extern "C"} entry name in the PTX module. */
    String entry() {
        return entry;
    }

    /** One letter per parameter: i int, d double, p double*, q int*. */
    String signature() {
        return signature;
    }

    Twin twin() {
        return twin;
    }
}
