// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.examples;

import io.convexlayers.backend.Backends;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GeometricBoxDesignTest {
    @Test
    void theGeometricLayerLearnsTheBudgetModel() {
        GeometricBoxDesign.Result r = new GeometricBoxDesign(GeometricBoxDesign.Config.defaults(), Backends.cpu())
                .train();
        assertTrue(r.finalLoss() < 1e-2 * r.initialLoss(), r.initialLoss() + " -> " + r.finalLoss());
        for (int i = 0; i < 4; i++) {
            assertEquals(r.teacher()[i], r.model()[i], 0.1, "model coefficient " + i);
        }
    }
}
