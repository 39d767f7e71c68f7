// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.canon;

import io.convexlayers.dsl.CompileOptions;
import io.convexlayers.dsl.Constraint;
import io.convexlayers.dsl.Diagnosis;
import io.convexlayers.dsl.Expression;
import io.convexlayers.dsl.Parameter;
import io.convexlayers.dsl.Problem;
import io.convexlayers.dsl.Variable;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Compiles a {@link Problem} into a {@link ParametricConeProgram}, as a chain of steps with
 * explicit inputs and outputs:
 * <ol>
 *   <li>rule check: DPP (or DCP when parameters are compiled as constants), else a typed
 *       exception naming the offending sub-expression;</li>
 *   <li>{@link Canonicalizer}: expression DAG → affine tensors, cone constraints, quadratic terms;</li>
 *   <li>{@link ConeStuffing}: cone constraints → rows of A and b in cone order, objective → c and
 *       offset;</li>
 *   <li>{@link TensorAssembly}: one sort/merge of the coordinate entries → fixed patterns and the
 *       parameter maps T_A, T_b, T_c, T_P, T_d.</li>
 * </ol>
 * Every step is linear in the number of tensor entries (plus sorting by counting), so compile time
 * grows about linearly with problem size.
 */
public final class Compiler {
    private Compiler() {
    }

    /** Compiles with the default options (native quadratic objective, parameters in θ); cached on the problem. */
    public static ParametricConeProgram compile(Problem problem) {
        return compile(problem, CompileOptions.defaults());
    }

    /**
     * Compiles with the given options. Programs compiled with parameters in θ are cached on the
     * problem ({@link Problem#memo}), so every layer over one problem shares one; those compiled
     * with parameters as constants depend on the current values and are compiled afresh.
     *
     * @throws io.convexlayers.dsl.DcpException when the problem is not DCP
     * @throws io.convexlayers.dsl.DppException when parameters are compiled into θ and the problem is
     *                                          not DPP
     */
    public static ParametricConeProgram compile(Problem problem, CompileOptions options) {
        if (options.parametersAsConstants()) {
            return build(problem, options);
        }
        return problem.memo(new CacheKey(options), ParametricConeProgram.class, p -> build(p, options));
    }

    /** The memo key of a compilation: private to the compiler, so nothing else collides with it. */
    private record CacheKey(CompileOptions options) {
    }

    private static ParametricConeProgram build(Problem problem, CompileOptions options) {
        Diagnosis d = problem.diagnose(io.convexlayers.dsl.Rules.DCP);
        if (d != null) {
            throw d.toException();
        }
        if (!options.parametersAsConstants()) {
            d = problem.diagnose(io.convexlayers.dsl.Rules.DPP, options.nativeQuadratic());
            if (d != null) {
                throw d.toException();
            }
        }
        List<Parameter> paramOrder = options.parametersAsConstants() ? List.of() : problem.parameters();
        ParameterLayout layout = new ParameterLayout(paramOrder);
        int thetaLength = layout.total();

        // 1. canonicalize
        Canonicalizer cx = new Canonicalizer(options, layout, problem.variables());
        boolean minimize = problem.sense() == Problem.Sense.MINIMIZE;
        Expression minimized = minimize ? problem.objective() : problem.objective().negate();
        AffineTensor objective = cx.objective(minimized);
        for (Constraint c : problem.constraints()) {
            cx.constraint(c);
        }
        int n = cx.columns();

        // 2. stuff
        ConeStuffing.Stuffed st = ConeStuffing.stuff(cx.constraints(), objective, cx.quadratic(), thetaLength,
                problem.constraints());

        // 3. assemble
        TensorAssembly.Matrix a = TensorAssembly.matrix("A", st.m, n, st.a, thetaLength);
        TensorAssembly.Matrix p = st.p.count == 0 ? null : TensorAssembly.matrix("P", n, n, st.p, thetaLength);
        ParameterMap tB = TensorAssembly.vector(st.m, st.b, thetaLength);
        ParameterMap tC = TensorAssembly.vector(n, st.c, thetaLength);
        ParameterMap tD = TensorAssembly.vector(1, st.offset, thetaLength);

        Map<Variable, VariableSlice> slices = new LinkedHashMap<>();
        for (Variable v : problem.variables()) {
            slices.put(v, new VariableSlice(v, cx.variableOffsets().get(v), v.shape()));
        }
        return new ParametricConeProgram(paramOrder, ParametricConeProgram.offsets(paramOrder), thetaLength, n, st.m,
                st.cones, a, p, tB, tC, tD, minimize ? 1 : -1, slices, st.duals, cx.psdChecked(), options);
    }
}
