// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.examples;

import io.convexlayers.backend.Backends;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertTrue;

class QpLayerFittingTest {
    @Test
    void theLearnedQpLayerFitsTheTargetMap() {
        QpLayerFitting.Result r = new QpLayerFitting(QpLayerFitting.Config.defaults().withIterations(40),
                Backends.cpu()).train();
        assertTrue(r.finalLoss() < 0.2 * r.initialLoss(), r.initialLoss() + " -> " + r.finalLoss());
    }
}
