package io.convexlayers.bench;

import io.convexlayers.backend.Backends;
import io.convexlayers.diff.DerivativeSettings;
import io.convexlayers.solver.Algorithm;
import java.util.ArrayList;
import java.util.List;

/** The registry of contenders, by name; convexlayers' own entries first. */
public final class Contenders {
    private Contenders() {
    }

    /** Every contender name, including {@code convexlayers-cuda} (available only with a GPU). */
    public static List<String> names() {
        return List.of("convexlayers", "convexlayers-ipm", "convexlayers-layer", "convexlayers-cuda", "optnet", "ojalgo",
                "hipparchus", "convexlayers-unrefined", "convexlayers-ipm-unrefined");
    }

    /** The contender of that name. */
    public static Contender byName(String name) {
        return switch (name) {
            case "convexlayers" -> new ConvexLayersContender(name, Backends.cpu(), ConvexLayersContender.EPS,
                    Algorithm.FIRST_ORDER);
            case "convexlayers-ipm" -> new ConvexLayersContender(name, Backends.cpu(), ConvexLayersContender.IPM_EPS,
                    Algorithm.INTERIOR_POINT);
            case "convexlayers-cuda" -> new ConvexLayersContender(name, Backends.cuda(), ConvexLayersContender.EPS,
                    Algorithm.FIRST_ORDER);
            case "convexlayers-layer" -> new LayerContender();
            // The derivative at the returned solutions, without DerivativeSettings.refine: its cost against the above.
            case "convexlayers-unrefined" -> new ConvexLayersContender(name, Backends.cpu(), ConvexLayersContender.EPS,
                    Algorithm.FIRST_ORDER, DerivativeSettings.defaults().withRefine(false));
            case "convexlayers-ipm-unrefined" -> new ConvexLayersContender(name, Backends.cpu(),
                    ConvexLayersContender.IPM_EPS, Algorithm.INTERIOR_POINT, DerivativeSettings.defaults().withRefine(false));
            case "optnet" -> new OptNetContender();
            case "ojalgo" -> new OjAlgoContender();
            case "hipparchus" -> new HipparchusContender();
            default -> throw new IllegalArgumentException("unknown contender '" + name + "'; known: " + names());
        };
    }

    /** The contenders usable on this machine (CUDA only when {@link Backends#auto()} finds a GPU). */
    public static List<String> available() {
        List<String> out = new ArrayList<>();
        for (String n : names()) {
            if (!n.equals("convexlayers-cuda") || !Backends.auto().name().equals("cpu")) {
                out.add(n);
            }
        }
        return out;
    }
}
