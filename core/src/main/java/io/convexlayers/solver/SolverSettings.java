// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.solver;

import io.convexlayers.InvalidSettingsException;

/**
 * Every setting of the cone solver's algorithm, with its default written down. Immutable; derive
 * variants with the {@code with…} methods or {@link #toBuilder()}. How the work is spread over the
 * CPU (threads, tile width) is not an algorithm setting: see {@link ExecutionSettings}.
 *
 * @param epsAbs             absolute tolerance of the termination tests (default 1e-5)
 * @param epsRel             relative tolerance of the termination tests (default 1e-5)
 * @param epsInfeas          tolerance of the infeasibility/unboundedness certificates (default 1e-7)
 * @param maxIters           iteration limit per instance (default 100 000)
 * @param timeLimitSeconds   wall-clock limit per solve call, 0 = none (default 0); +∞ and limits beyond
 *                           what the nanosecond clock can represent (about 146 years) are none as well
 * @param alpha              over-relaxation α in (0, 2) (default 1.5)
 * @param rhoX               x-part of the diagonal scaling R (default 1e-6)
 * @param scale              initial dual scale ρ_y (default 0.1)
 * @param adaptiveScale      update ρ_y from the residual ratio (default true)
 * @param equilibrate        Ruiz/ℓ2 data equilibration (default true)
 * @param acceleration       how the first-order iteration is accelerated ({@link Acceleration}; default
 *                           AUTO: Halpern anchoring for LPs, safeguarded type-II Anderson steps otherwise)
 * @param andersonMemory     Anderson memory, 1 to 100 (default 10)
 * @param andersonInterval   iterations between Anderson steps (default 20: with 10, NETLIB kb2 does
 *                           not converge; 20 solves every bundled problem, QPs take ~8% more iterations)
 * @param checkInterval      iterations between termination checks (default 10)
 * @param linearSystem       KKT solve strategy (default AUTO)
 * @param polishing          whether first-order solutions are polished to the exact solution after
 *                           the solve ({@link Polishing}; default AUTO: where measured to pay, small
 *                           programs with second-order or power cones and no exponential or PSD cone)
 * @param algorithm          first-order, interior-point, or chosen per batch (default AUTO)
 */
public record SolverSettings(double epsAbs, double epsRel, double epsInfeas, int maxIters,
                             double timeLimitSeconds, double alpha, double rhoX, double scale,
                             boolean adaptiveScale, boolean equilibrate, Acceleration acceleration,
                             int andersonMemory, int andersonInterval, int checkInterval,
                             LinearSystemKind linearSystem, Polishing polishing, Algorithm algorithm) {

    /** Validates every field. */
    public SolverSettings {
        positive("epsAbs", epsAbs);
        positive("epsRel", epsRel);
        positive("epsInfeas", epsInfeas);
        if (maxIters < 1) {
            throw new InvalidSettingsException("maxIters", maxIters, "must be >= 1");
        }
        if (!(timeLimitSeconds >= 0)) {
            throw new InvalidSettingsException("timeLimitSeconds", timeLimitSeconds,
                    "must be >= 0 (0, +Infinity and limits beyond about 146 years = none)");
        }
        if (!(alpha > 0 && alpha < 2)) {
            throw new InvalidSettingsException("alpha", alpha, "must lie in (0, 2)");
        }
        positive("rhoX", rhoX);
        positive("scale", scale);
        // Bounded above because every lane allocates 2·memory vectors of the iterate's length: an
        // unbounded memory turned a typo into an OutOfMemoryError instead of a settings error.
        if (andersonMemory < 1 || andersonMemory > 100) {
            throw new InvalidSettingsException("andersonMemory", andersonMemory, "must lie in [1, 100]");
        }
        if (andersonInterval < 1) {
            throw new InvalidSettingsException("andersonInterval", andersonInterval, "must be >= 1");
        }
        if (checkInterval < 1) {
            throw new InvalidSettingsException("checkInterval", checkInterval, "must be >= 1");
        }
        if (linearSystem == null) {
            throw new InvalidSettingsException("linearSystem", null, "must not be null");
        }
        if (polishing == null) {
            throw new InvalidSettingsException("polishing", null, "must not be null");
        }
        if (algorithm == null) {
            throw new InvalidSettingsException("algorithm", null, "must not be null");
        }
        if (acceleration == null) {
            throw new InvalidSettingsException("acceleration", null, "must not be null");
        }
    }

    private static void positive(String name, double v) {
        if (!(v > 0) || !Double.isFinite(v)) {
            throw new InvalidSettingsException(name, v, "must be a finite positive number");
        }
    }

    /** The documented defaults. */
    public static SolverSettings defaults() {
        return new SolverSettings(1e-5, 1e-5, 1e-7, 100_000, 0, 1.5, 1e-6, 0.1, true, true, Acceleration.AUTO,
                10, 20, 10, LinearSystemKind.AUTO, Polishing.AUTO, Algorithm.AUTO);
    }

    /** Sets both the absolute and the relative tolerance. */
    public SolverSettings withEps(double eps) {
        return toBuilder().epsAbs(eps).epsRel(eps).build();
    }

    public SolverSettings withMaxIters(int iters) {
        return toBuilder().maxIters(iters).build();
    }

    /** Anderson acceleration ({@code true}) or none ({@code false}). */
    public SolverSettings withAcceleration(boolean on) {
        return toBuilder().acceleration(on).build();
    }

    /** The same settings with another acceleration of the first-order method. */
    public SolverSettings withAcceleration(Acceleration kind) {
        return toBuilder().acceleration(kind).build();
    }

    public SolverSettings withLinearSystem(LinearSystemKind kind) {
        return toBuilder().linearSystem(kind).build();
    }

    public SolverSettings withTimeLimit(double seconds) {
        return toBuilder().timeLimitSeconds(seconds).build();
    }

    /** Polishing always ({@link Polishing#ON}) or never ({@link Polishing#OFF}). */
    public SolverSettings withPolish(boolean on) {
        return toBuilder().polish(on).build();
    }

    /** The same settings with another polishing rule. */
    public SolverSettings withPolishing(Polishing rule) {
        return toBuilder().polishing(rule).build();
    }

    /** The same settings with another algorithm. */
    public SolverSettings withAlgorithm(Algorithm choice) {
        return toBuilder().algorithm(choice).build();
    }

    public Builder toBuilder() {
        return new Builder(this);
    }

    /** Builder over a copy of some settings. */
    public static final class Builder {
        private double epsAbs;
        private double epsRel;
        private double epsInfeas;
        private int maxIters;
        private double timeLimitSeconds;
        private double alpha;
        private double rhoX;
        private double scale;
        private boolean adaptiveScale;
        private boolean equilibrate;
        private Acceleration acceleration;
        private int andersonMemory;
        private int andersonInterval;
        private int checkInterval;
        private LinearSystemKind linearSystem;
        private Polishing polishing;
        private Algorithm algorithm;

        private Builder(SolverSettings s) {
            epsAbs = s.epsAbs;
            epsRel = s.epsRel;
            epsInfeas = s.epsInfeas;
            maxIters = s.maxIters;
            timeLimitSeconds = s.timeLimitSeconds;
            alpha = s.alpha;
            rhoX = s.rhoX;
            scale = s.scale;
            adaptiveScale = s.adaptiveScale;
            equilibrate = s.equilibrate;
            acceleration = s.acceleration;
            andersonMemory = s.andersonMemory;
            andersonInterval = s.andersonInterval;
            checkInterval = s.checkInterval;
            linearSystem = s.linearSystem;
            polishing = s.polishing;
            algorithm = s.algorithm;
        }

        public Builder epsAbs(double v) { epsAbs = v; return this; }
        public Builder epsRel(double v) { epsRel = v; return this; }
        public Builder epsInfeas(double v) { epsInfeas = v; return this; }
        public Builder maxIters(int v) { maxIters = v; return this; }
        public Builder timeLimitSeconds(double v) { timeLimitSeconds = v; return this; }
        public Builder alpha(double v) { alpha = v; return this; }
        public Builder rhoX(double v) { rhoX = v; return this; }
        public Builder scale(double v) { scale = v; return this; }
        public Builder adaptiveScale(boolean v) { adaptiveScale = v; return this; }
        public Builder equilibrate(boolean v) { equilibrate = v; return this; }
        /** {@link Acceleration#ANDERSON} ({@code true}) or {@link Acceleration#NONE} ({@code false}). */
        public Builder acceleration(boolean v) { acceleration = v ? Acceleration.ANDERSON : Acceleration.NONE; return this; }
        public Builder acceleration(Acceleration v) { acceleration = v; return this; }
        public Builder andersonMemory(int v) { andersonMemory = v; return this; }
        public Builder andersonInterval(int v) { andersonInterval = v; return this; }
        public Builder checkInterval(int v) { checkInterval = v; return this; }
        public Builder linearSystem(LinearSystemKind v) { linearSystem = v; return this; }
        /** Polishing always ({@code true}: {@link Polishing#ON}) or never ({@link Polishing#OFF}). */
        public Builder polish(boolean v) { polishing = v ? Polishing.ON : Polishing.OFF; return this; }
        public Builder polishing(Polishing v) { polishing = v; return this; }
        public Builder algorithm(Algorithm v) { algorithm = v; return this; }

        public SolverSettings build() {
            return new SolverSettings(epsAbs, epsRel, epsInfeas, maxIters, timeLimitSeconds, alpha, rhoX,
                    scale, adaptiveScale, equilibrate, acceleration, andersonMemory, andersonInterval,
                    checkInterval, linearSystem, polishing, algorithm);
        }
    }
}
