// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.layer;

import io.convexlayers.backend.ConeSolver;
import io.convexlayers.canon.Compiler;
import io.convexlayers.canon.ParametricConeProgram;
import io.convexlayers.data.ConeProgram;
import io.convexlayers.dsl.CompileOptions;
import io.convexlayers.dsl.Problem;
import io.convexlayers.dsl.ProblemSolution;
import io.convexlayers.dsl.ProblemSolver;
import io.convexlayers.dsl.Rules;
import io.convexlayers.solver.Solution;
import io.convexlayers.solver.SolverSettings;

/**
 * The {@link ProblemSolver} service behind {@link Problem#solve}: compile (the cached DPP form, or
 * the current values as constants when the problem is DCP but not DPP), instantiate at the current
 * parameter values, solve one instance on the CPU.
 */
public final class CompilingProblemSolver implements ProblemSolver {

    /** Public and argument-free, as the service loader requires. */
    public CompilingProblemSolver() {
    }

    @Override
    public ProblemSolution solve(Problem problem, SolverSettings settings, CompileOptions options) {
        ParametricConeProgram program;
        double[] theta;
        if (!options.parametersAsConstants() && problem.diagnose(Rules.DPP, options.nativeQuadratic()) == null) {
            program = Compiler.compile(problem, options);
            theta = program.currentTheta();
        } else {
            program = Compiler.compile(problem, options.withParametersAsConstants(true));
            theta = new double[0];
        }
        ConeProgram cp = program.instantiate(theta);
        Solution raw = ConeSolver.solve(cp, settings);
        return new SolvedProblem(program, raw, program.objectiveOffset(theta));
    }
}
