// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.backend.cuda;

import io.convexlayers.backend.Backends;
import io.convexlayers.data.BatchArray;
import io.convexlayers.data.BatchConeProgram;
import io.convexlayers.data.ConeProgram;
import io.convexlayers.io.ProblemReader;
import io.convexlayers.solver.Algorithm;
import io.convexlayers.solver.BatchSolution;
import io.convexlayers.solver.SolverSettings;
import io.convexlayers.solver.SolverStatus;
import io.convexlayers.testing.Kkt;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Bundled problems of every cone family (NETLIB LPs and Maros–Meszaros QPs with equality rows, which
 * the CUDA iteration's one-kernel tail handles; SOC, exponential and PSD cones from CBLIB and SDPLIB)
 * through the CUDA backend on the emulated device,
 * per-instance matrices (three lanes, A scaled differently per lane, so lanes finish and retire at
 * different checks): the CPU's status and objective, and primal and dual residuals of the CUDA
 * solution at the solver's tolerance. The objective, not x, is compared: LP optima need not be unique.
 */
class EmulatedBundledProblemsTest {
    private static final SolverSettings SETTINGS = SolverSettings.defaults().withEps(1e-7).withMaxIters(50_000);

    /**
     * The bundled problems the CUDA suites run, on the emulated device and on a GPU: LPs and QPs with
     * equality rows, SOC (bss1), exponential cones (gptest, demb782) and an SDP (truss1).
     */
    static Stream<String> problems() {
        return Stream.of("netlib/afiro.mps", "netlib/sc50a.mps", "maros_meszaros/HS21.qps",
                "maros_meszaros/QAFIRO.qps", "cblib/bss1.cbf", "cblib/gptest.cbf", "cblib/demb782.cbf",
                "sdplib/truss1.dat-s");
    }

    @ParameterizedTest
    @MethodSource("problems")
    void theCudaPathReachesTheCpusOptimum(String name) throws Exception {
        assertCudaMatchesCpu(EmulatedSolveTest.emulated(), name);
    }

    /** Solves {@code name} (three lanes) on the CPU and through {@code gpu}, and compares as described above. */
    static void assertCudaMatchesCpu(CudaBackend gpuBackend, String name) throws Exception {
        Path path = Path.of(EmulatedBundledProblemsTest.class.getResource("/problems/" + name).toURI());
        ConeProgram p = ProblemReader.read(path).program();
        int lanes = 3;
        double[][] a = new double[lanes][];
        for (int l = 0; l < lanes; l++) {
            a[l] = p.a().values().clone();
            for (int k = 0; k < a[l].length; k++) {
                a[l][k] *= 1 + 0.05 * l;
            }
        }
        BatchConeProgram batch = new BatchConeProgram(p.p() == null ? null : p.p().pattern(),
                p.p() == null ? null : BatchArray.shared(p.p().values(), lanes), p.a().pattern(),
                BatchArray.perInstance(a), BatchArray.shared(p.b(), lanes), BatchArray.shared(p.c(), lanes),
                p.cones());
        BatchSolution cpu = Backends.cpu().solve(batch, SETTINGS, null, null);
        BatchSolution gpu = gpuBackend.solve(batch, SETTINGS, null, null);
        int solved = 0;
        for (int l = 0; l < lanes; l++) {
            assertEquals(cpu.status(l), gpu.status(l), name + " lane " + l);
            if (cpu.status(l) != SolverStatus.SOLVED) {
                continue;
            }
            solved++;
            double obj = cpu.objective(l);
            assertEquals(obj, gpu.objective(l), 1e-5 * Math.max(1, Math.abs(obj)), name + " objective, lane " + l);
            ConeProgram inst = batch.instance(l);
            var g = gpu.get(l);
            double scale = Math.max(1, Math.max(EmulatedSolveTest.scale(inst.b()), EmulatedSolveTest.scale(g.x())));
            assertTrue(Kkt.primalResidual(inst, g.x(), g.s()) <= 1e-5 * scale, name + " primal residual, lane " + l);
            double dscale = Math.max(1, Math.max(EmulatedSolveTest.scale(inst.c()), EmulatedSolveTest.scale(g.y())));
            assertTrue(Kkt.dualResidual(inst, g.x(), g.y()) <= 1e-5 * dscale, name + " dual residual, lane " + l);
        }
        assertEquals(lanes, solved, name + ": every lane solves");
    }

    /**
     * AFIRO with its cost multiplied by 10⁸, then with its right-hand side multiplied by 10⁶ (two lanes
     * each), per-instance and shared matrices, by the device's first-order and interior-point methods: a
     * certificate judged only against cᵀx or bᵀy declared them unbounded (iteration 70) or infeasible (40)
     * on the CPU. Each lane reaches AFIRO's optimum −464.75314286 (NETLIB) times the factor, as the CPU
     * does. (Both scales in one batch over a shared A: {@link #lanesOfVeryDifferentBalanceSolveAsTheyDoAlone}.)
     */
    @org.junit.jupiter.api.Test
    void largeCostsOrRightHandSidesFakeNoCertificateOnTheDevice() throws Exception {
        assertNoFakeCertificates(EmulatedSolveTest.emulated());
    }

    private static ConeProgram afiro() throws Exception {
        return ProblemReader.read(Path.of(EmulatedBundledProblemsTest.class.getResource("/problems/netlib/afiro.mps")
                .toURI())).program();
    }

    /** {@link #largeCostsOrRightHandSidesFakeNoCertificateOnTheDevice} through {@code gpuBackend}. */
    static void assertNoFakeCertificates(CudaBackend gpuBackend) throws Exception {
        ConeProgram p = afiro();
        for (double[] factor : new double[][] {{1e8, 1}, {1, 1e6}}) {
            double[] cf = {factor[0], factor[0]};
            double[] bf = {factor[1], factor[1]};
            for (boolean shared : new boolean[] {false, true}) {
                BatchConeProgram batch = io.convexlayers.testing.ProgramBatches.scaledLanes(p, cf, bf, shared);
                for (Algorithm algorithm : new Algorithm[] {
                        Algorithm.FIRST_ORDER, Algorithm.INTERIOR_POINT}) {
                    SolverSettings settings = SolverSettings.defaults().withEps(1e-6).withAlgorithm(algorithm)
                            .withPolishing(io.convexlayers.solver.Polishing.OFF);
                    BatchSolution gpu = gpuBackend.solve(batch, settings, null, null);
                    double optimum = -4.6475314286E+02 * factor[0] * factor[1];
                    for (int l = 0; l < 2; l++) {
                        String name = algorithm + " c·" + factor[0] + " b·" + factor[1]
                                + (shared ? " shared" : " per-instance") + " lane " + l;
                        assertEquals(SolverStatus.SOLVED, gpu.status(l), name);
                        assertEquals(optimum, gpu.objective(l), 1e-4 * Math.abs(optimum), name);
                    }
                }
            }
        }
    }

    /**
     * AFIRO as is, with c·10⁸ and with b·10⁶ in one batch over a shared A on the device: one shared
     * inverse (one scale) for the three lanes would leave the last two at the iteration limit, as on the
     * CPU (SharedMatrixScalesTest); the chunk factors per lane instead, and each lane takes the iterations
     * it takes with per-instance matrices and reaches AFIRO's optimum times its factors.
     */
    @org.junit.jupiter.api.Test
    void lanesOfVeryDifferentBalanceSolveAsTheyDoAlone() throws Exception {
        assertLanesOfDifferentBalanceSolveAlone(EmulatedSolveTest.emulated());
    }

    /** {@link #lanesOfVeryDifferentBalanceSolveAsTheyDoAlone} through {@code gpuBackend}. */
    static void assertLanesOfDifferentBalanceSolveAlone(CudaBackend gpuBackend) throws Exception {
        ConeProgram p = afiro();
        double[] cf = {1, 1e8, 1};
        double[] bf = {1, 1, 1e6};
        SolverSettings settings = SolverSettings.defaults().withEps(1e-6)
                .withAlgorithm(Algorithm.FIRST_ORDER)
                .withPolishing(io.convexlayers.solver.Polishing.OFF);
        BatchSolution[] runs = new BatchSolution[2];
        for (int r = 0; r < 2; r++) {
            runs[r] = gpuBackend.solve(io.convexlayers.testing.ProgramBatches.scaledLanes(p, cf, bf, r == 0), settings,
                    null, null);
        }
        for (int l = 0; l < 3; l++) {
            assertEquals(SolverStatus.SOLVED, runs[0].status(l), "lane " + l);
            assertEquals(runs[1].iterations(l), runs[0].iterations(l), "lane " + l);
            double optimum = -4.6475314286E+02 * cf[l] * bf[l];
            assertEquals(optimum, runs[0].objective(l), 1e-4 * Math.abs(optimum), "lane " + l);
        }
    }
}
