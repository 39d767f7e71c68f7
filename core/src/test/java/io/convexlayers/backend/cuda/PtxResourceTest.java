// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.backend.cuda;

import io.convexlayers.testing.RepositoryFiles;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The PTX module in the jar: present, current with cuda-kernels/*.cu, and matching the host's launches. */
class PtxResourceTest {

    @Test
    void moduleIsOnTheClassPathForAnOldVirtualArchitecture() {
        String ptx = Ptx.text();
        assertNotNull(ptx, Ptx.RESOURCE + " missing: run ci/build-ptx.sh --write");
        assertTrue(ptx.contains(".target sm_75"), "PTX must target compute_75 so that Turing..Hopper can JIT it");
        assertTrue(ptx.contains(".address_size 64"));
    }

    @Test
    void everyLaunchedKernelHasAnEntryWithTheSameParameters() {
        Map<String, String> entries = Ptx.entries(Ptx.text());
        Set<String> names = new HashSet<>();
        for (CudaKernel k : CudaKernel.values()) {
            assertTrue(names.add(k.entry()), "duplicate entry name " + k.entry());
            assertTrue(entries.containsKey(k.entry()), "no .entry " + k.entry() + " in " + Ptx.RESOURCE);
            assertEquals(Ptx.ptxView(k.signature()), entries.get(k.entry()),
                    "parameters of " + k.entry() + " (host signature " + k.signature() + ")");
        }
        assertEquals(names, entries.keySet(), "kernels in the PTX that the host never launches (or vice versa)");
    }

    @Test
    void olderDriversGetTheModuleWithALowerIsaVersion() {
        String ptx = Ptx.text();
        String lowered = Ptx.withIsaVersion(ptx, Ptx.FALLBACK_ISA);
        assertTrue(lowered.contains("\n.version " + Ptx.FALLBACK_ISA + "\n"), "version line rewritten");
        assertEquals(ptx.length() - ptx.lines().filter(l -> l.startsWith(".version")).findFirst().orElseThrow().length()
                + (".version " + Ptx.FALLBACK_ISA).length(), lowered.length(), "only the version line changes");
        // ci/build-ptx.sh assembles the lowered module with ptxas where it exists.
    }

    @Test
    void committedModuleIsCurrentWhereNvccExists() throws Exception {
        if (Boolean.getBoolean("convexlayers.ptx.checkedByBuild")) {
            // The Maven profile "ptx-check" ran ci/build-ptx.sh --check before the tests, and a stale
            // module would have failed the build there; no need to compile the kernels twice.
            return;
        }
        boolean nvcc = new File("/usr/local/bin/nvcc").canExecute() || onPath("nvcc");
        Assumptions.assumeTrue(nvcc, "nvcc not found: the committed PTX cannot be recompiled here (check skipped)");
        Path script = RepositoryFiles.at("ci/build-ptx.sh");
        Assumptions.assumeTrue(Files.exists(script), "ci/build-ptx.sh not found from " + Path.of("").toAbsolutePath());
        Process p = new ProcessBuilder("bash", script.toString(), "--check").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(300, TimeUnit.SECONDS), "build-ptx.sh timed out");
        assertEquals(0, p.exitValue(), "ci/build-ptx.sh --check failed:\n" + out);
    }

    private static boolean onPath(String exe) {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (new File(dir, exe).canExecute()) {
                return true;
            }
        }
        return false;
    }
}
