// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.backend.cuda;

/**
 * Every kernel the host code launches: its entry name in the PTX module and its parameter signature
 * (each has a Java twin in the test sources, run by the emulated device). The signature has one
 * letter per parameter: {@code i} int,
 * {@code d} double, {@code p} double pointer, {@code q} int pointer; tests check it against the
 * {@code .entry} parameter list of the shipped PTX, and every launch checks its arguments against it.
 */
enum CudaKernel {
    FILL("cl_fill", "ipd"),
    FILL_INT("cl_fill_int", "iqi"),
    LANE_DOT("cl_lane_dot", "iippp"),
    LANE_ABS_MAX("cl_lane_abs_max", "iipp"),
    LANE_DIFF_NORM("cl_lane_diff_norm", "iippp"),
    LANE_SCALE("cl_lane_scale", "iipp"),
    LANE_AXPBY("cl_lane_axpby", "iipppp"),
    GATHER_LANES("cl_gather_lanes", "iiiqpp"),
    MASKED_COPY("cl_masked_copy", "iiqpp"),
    NORMALIZE("cl_normalize", "iip"),

    CSR_MV("cl_csr_mv", "iiqqqpippiq"),
    VJP_DATA("cl_vjp_data", "iiiiiqqppp"),

    PARAM_MAP_LANES("cl_param_map_lanes", "iiiiqqpipp"),
    SPREAD_LANES("cl_spread_lanes", "iipp"),
    MUL_ROWS("cl_mul_rows", "ipp"),
    LANE_SIGMA("cl_lane_sigma", "iiippddp"),
    NEGATE("cl_negate", "ipp"),

    EQ_COL_NORMS("cl_eq_col_norms", "iiiqpiqqpp"),
    EQ_ROW_NORMS("cl_eq_row_norms", "iiiqqpp"),
    EQ_EQUALIZE("cl_eq_equalize", "iiqqp"),
    EQ_FACTORS("cl_eq_factors", "iiddpp"),
    EQ_APPLY("cl_eq_apply", "iiqqppp"),

    HSDE_RHS("cl_hsde_rhs", "iiidppp"),
    HSDE_TAU("cl_hsde_tau", "iiidppppid"),
    HSDE_LINEAR_FINISH("cl_hsde_linear_finish", "iiipp"),
    HSDE_REFLECT("cl_hsde_reflect", "iiipppi"),
    HSDE_POLYHEDRAL_TAIL("cl_hsde_polyhedral_tail", "iiiiiiidpppp"),
    HSDE_RELAX("cl_hsde_relax", "idppp"),
    HSDE_DUAL("cl_hsde_dual", "iiiidpdpppp"),
    HSDE_RESET_SCALE("cl_hsde_reset_scale", "iiiidpdqppppp"),
    HSDE_RESIDUALS("cl_hsde_residuals", "iiipppppppppppp"),
    HSDE_FUSED("cl_hsde_fused", "iiiiiiiiiiiiqqqqqqqqqddd" + "ppppppppppppppppppppp" + "q"),

    PROJ_NONNEG("cl_proj_nonneg", "ip"),
    PROJ_SOC("cl_proj_soc", "iiqqp"),
    PROJ_PSD("cl_proj_psd", "iiqqqpp"),
    PROJ_EXP("cl_proj_exp", "iiip"),
    PROJ_POW("cl_proj_pow", "iipp"),

    DPROJ_NONNEG("cl_dproj_nonneg", "ippp"),
    DPROJ_SOC("cl_dproj_soc", "iiqqppp"),
    PSD_LINEARIZE("cl_psd_linearize", "iiqqqpp"),
    DPROJ_PSD("cl_dproj_psd", "iiqqqpppp"),
    EXP_LINEARIZE("cl_exp_linearize", "iiipp"),
    POW_LINEARIZE("cl_pow_linearize", "iippp"),
    DPROJ_TRIPLES("cl_dproj_triples", "iipipp"),

    KKT_DIV_ROWS("cl_kkt_div_rows", "ippp"),
    KKT_RECOVER_Y("cl_kkt_recover_y", "ippp"),
    GEMM_LANES("cl_gemm_lanes", "iiiiqpppi"),
    IPM_SCATTER("cl_ipm_scatter", "iiiiiqqpp"),
    IPM_SOLVE("cl_ipm_solve", "iiiiiiii" + "ppppppppp"),
    DENSE_ASSEMBLE("cl_dense_assemble", "iiqqqqqpipidppq"),
    DENSE_CHOLESKY("cl_dense_cholesky", "iipqq"),
    DENSE_CHOL_SOLVE("cl_dense_chol_solve", "iipp"),
    DENSE_FACTOR_INVERSE("cl_dense_factor_inverse", "iippqq"),
    DENSE_MV_LANES("cl_dense_mv_lanes", "iiipppq"),
    CG_DIAG("cl_cg_diag", "iiqqpiqpidpp"),
    CG_COMBINE("cl_cg_combine", "idpppp"),
    CG_START("cl_cg_start", "ipppppp"),
    CG_STEP("cl_cg_step", "iippqpppppp"),
    CG_SCALARS("cl_cg_scalars", "ipppdppqq"),
    CG_DIRECTION("cl_cg_direction", "iipqpp"),

    AA_PREPARE("cl_aa_prepare", "iiiqqpppppppp"),
    AA_GRAM("cl_aa_gram", "iiiiqppp"),
    AA_RHS("cl_aa_rhs", "iiiqpppppp"),
    AA_SOLVE("cl_aa_solve", "iiqqddpppppq"),
    AA_UPDATE("cl_aa_update", "iiiqqpppp");

    /**
     * The arguments of one launch as host values, typed by position: what the emulated device's twins
     * run on and what a cost ledger reads the index structures from.
     */
    interface TwinArgs {
        int i(int k);

        double d(int k);

        DPtr p(int k);

        IPtr q(int k);
    }

    private final String entry;
    private final String signature;
    CudaKernel(String entry, String signature) {
        this.entry = entry;
        this.signature = signature;
    }

    /**
     * Whether the cost model counts this kernel's work after the launch, from what the kernel wrote (its
     * work depends on the data: the interior-point method's iterations and solves), not before it.
     */
    boolean costAfterLaunch() {
        return this == IPM_SOLVE;
    }

    /** The {@code extern "C"} entry name in the PTX module. */
    String entry() {
        return entry;
    }

    /** One letter per parameter: i int, d double, p double*, q int*. */
    String signature() {
        return signature;
    }
}
