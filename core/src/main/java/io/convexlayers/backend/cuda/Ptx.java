// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.backend.cuda;

import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The PTX module shipped in the jar: every kernel of {@code cuda-kernels/*.cu}, compiled by nvcc for
 * the virtual architecture compute_75 (see {@code ci/build-ptx.sh}) and JIT-compiled by the driver for
 * the GPU at hand.
 */
final class Ptx {
    /** Class-path location of the module. */
    static final String RESOURCE = "/io/convexlayers/cuda/convexlayers.ptx";

    /** The PTX ISA version declared when a driver rejects the module's own (see {@link JCudaDevice}). */
    static final String FALLBACK_ISA = "8.0";

    private static final Pattern VERSION = Pattern.compile("(?m)^\\.version\\s+[0-9.]+\\s*$");
    private static final Pattern ENTRY = Pattern.compile("\\.entry\\s+(\\w+)\\s*\\(([^)]*)\\)");
    private static final Pattern PARAM = Pattern.compile("\\.param\\s+\\.(\\w+)\\s+\\w+");

    private Ptx() {
    }

    /** The module text, or null when the resource is missing. */
    static String text() {
        try (InputStream in = Ptx.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                return null;
            }
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII);
        } catch (IOException e) {
            return null;
        }
    }

    /**
     * The kernel entries of a PTX text with their parameter signatures in the letters of
     * {@link CudaKernel#signature()} (u32/s32 → i, f64 → d, u64 → p, as pointers and 64-bit values
     * look alike in PTX).
     */
    static Map<String, String> entries(String ptx) {
        Map<String, String> out = new LinkedHashMap<>();
        Matcher m = ENTRY.matcher(ptx);
        while (m.find()) {
            StringBuilder sig = new StringBuilder();
            Matcher p = PARAM.matcher(m.group(2));
            while (p.find()) {
                switch (p.group(1)) {
                    case "u32", "s32", "b32" -> sig.append('i');
                    case "f64" -> sig.append('d');
                    case "u64", "s64", "b64" -> sig.append('p');
                    default -> sig.append('?');
                }
            }
            out.put(m.group(1), sig.toString());
        }
        return out;
    }

    /** The module with its {@code .version} directive replaced by {@code isa}. */
    static String withIsaVersion(String ptx, String isa) {
        return VERSION.matcher(ptx).replaceFirst(".version " + isa);
    }

    /** A kernel signature as PTX shows it: both pointer kinds become {@code p}. */
    static String ptxView(String signature) {
        return signature.replace('q', 'p');
    }
}
