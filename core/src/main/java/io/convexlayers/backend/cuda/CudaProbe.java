// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.backend.cuda;

/**
 * Finds out, once per process, whether the CUDA backend can run: the PTX module is on the class
 * path, JCuda's native binding and the driver ({@code libcuda.so.1}) load, a device exists, and the
 * device JIT-compiles the module. Every failure (including {@link UnsatisfiedLinkError} from a
 * machine without the driver) is caught and turned into a reason; probing never throws.
 */
final class CudaProbe {
    /** System property that turns the CUDA backend off: {@code -Dconvexlayers.cuda=off}. */
    static final String DISABLE_PROPERTY = "convexlayers.cuda";

    /** The outcome: an opened device, or the reason there is none. */
    record Result(JCudaDevice device, String reason) {
        boolean available() {
            return device != null;
        }
    }

    private static Result result;

    private CudaProbe() {
    }

    static synchronized Result get() {
        if (result == null) {
            result = probe();
        }
        return result;
    }

    private static Result probe() {
        if ("off".equalsIgnoreCase(System.getProperty(DISABLE_PROPERTY, ""))) {
            return new Result(null, "disabled by -D" + DISABLE_PROPERTY + "=off");
        }
        String ptx = Ptx.text();
        if (ptx == null) {
            return new Result(null, "the kernel module " + Ptx.RESOURCE + " is missing from the class path");
        }
        int count;
        try {
            count = JCudaDevice.deviceCount();
        } catch (VirtualMachineError e) {
            throw e;
        } catch (LinkageError e) {
            return new Result(null, "the CUDA driver (libcuda.so.1) or JCuda's driver binding could not be loaded: "
                    + rootMessage(e));
        } catch (Throwable e) {
            return new Result(null, "the CUDA driver could not be initialized: " + rootMessage(e));
        }
        if (count < 1) {
            return new Result(null, "the CUDA driver reports no device");
        }
        try {
            return new Result(new JCudaDevice(0, ptx), null);
        } catch (VirtualMachineError e) {
            throw e;
        } catch (Throwable e) {
            return new Result(null, "CUDA device 0 could not load the kernel module: " + rootMessage(e));
        }
    }

    private static final java.util.regex.Pattern MISSING_LIBRARY = java.util.regex.Pattern.compile(
            "([\\w.+-]+\\.so[.\\d]*): cannot open shared object file[^\\n]*");

    private static String rootMessage(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t.getMessage() != null) {
                java.util.regex.Matcher m = MISSING_LIBRARY.matcher(t.getMessage());
                if (m.find()) {
                    return m.group().trim();
                }
            }
        }
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        String msg = t.getMessage();
        return t.getClass().getSimpleName() + (msg == null ? "" : ": " + msg.lines().findFirst().orElse(""));
    }
}
