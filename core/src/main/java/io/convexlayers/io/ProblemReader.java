// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.io;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Reads optimization problems from files into {@link FileProblem}s: a cone program for the solver
 * plus the map back to the file's variables and objective.
 *
 * <p>Formats: {@code "mps"} (MPS linear programs, fixed or free layout), {@code "qps"} (MPS with a
 * quadratic objective: QUADOBJ or QMATRIX), {@code "cbf"} (Conic Benchmark Format 1–3) and
 * {@code "sdpa"} (SDPA sparse, {@code .dat-s}). {@link #read(Path)} chooses by the file name's
 * extension ({@code .mps}, {@code .qps}, {@code .cbf}, {@code .dat-s}, each optionally followed by
 * {@code .gz}); gzip-compressed files are recognized by their content whatever their name. Every
 * malformed file gives a {@link ProblemFormatException} with the file name, the line and what was
 * expected there. What a file may claim is bounded by {@link ReaderLimits}, checked before anything
 * of the claimed size is allocated; a QPS objective that is not convex is a
 * {@link NonConvexObjectiveException}. A directory given as the file is an I/O error that names it.
 */
public final class ProblemReader {
    private ProblemReader() {
    }

    /**
     * Reads a problem, choosing the format by the file name's extension.
     *
     * @throws ProblemFormatException when the extension is unknown (line 0) or the file is malformed
     * @throws IOException            when the file cannot be read
     */
    public static FileProblem read(Path path) throws IOException {
        String format = formatOf(path);
        if (format == null) {
            throw new ProblemFormatException(fileName(path), 0,
                    "a file name ending in .mps, .qps, .cbf or .dat-s (optionally followed by .gz)",
                    LineSource.quote(fileName(path)));
        }
        return read(path, format);
    }

    /**
     * Reads a problem in the given format: {@code "mps"}, {@code "qps"}, {@code "cbf"} or
     * {@code "sdpa"} (case-insensitive). MPS and QPS files are read with {@link MpsLayout#AUTO}.
     *
     * @throws ProblemFormatException when the format is unknown (line 0) or the file is malformed
     * @throws IOException            when the file cannot be read
     */
    public static FileProblem read(Path path, String format) throws IOException {
        String f = format == null ? "" : format.toLowerCase(Locale.ROOT);
        return switch (f) {
            case "mps", "qps" -> MpsReader.read(LineSource.open(path), MpsLayout.AUTO, f.equals("qps"));
            case "cbf" -> CbfReader.read(LineSource.open(path));
            case "sdpa" -> SdpaReader.read(LineSource.open(path));
            default -> throw new ProblemFormatException(fileName(path), 0,
                    "a format mps, qps, cbf or sdpa", LineSource.quote(String.valueOf(format)));
        };
    }

    /**
     * Reads an MPS or QPS file with an explicit layout (fixed columns, free fields, or detection).
     * The format is reported as {@code "qps"} when the file has a QUADOBJ or QMATRIX section or
     * its name ends in {@code .qps}.
     *
     * @throws ProblemFormatException when the file is malformed
     * @throws IOException            when the file cannot be read
     */
    public static FileProblem readMps(Path path, MpsLayout layout) throws IOException {
        boolean qps = "qps".equals(formatOf(path));
        return MpsReader.read(LineSource.open(path), layout == null ? MpsLayout.AUTO : layout, qps);
    }

    /**
     * The format a file name's extension names ({@code .mps}, {@code .qps}, {@code .cbf},
     * {@code .dat-s}, optionally followed by {@code .gz}; case-insensitive), or {@code null}.
     */
    public static String formatOf(Path path) {
        String name = fileName(path).toLowerCase(Locale.ROOT);
        if (name.endsWith(".gz")) {
            name = name.substring(0, name.length() - 3);
        }
        if (name.endsWith(".mps")) {
            return "mps";
        }
        if (name.endsWith(".qps")) {
            return "qps";
        }
        if (name.endsWith(".cbf")) {
            return "cbf";
        }
        if (name.endsWith(".dat-s")) {
            return "sdpa";
        }
        return null;
    }

    private static String fileName(Path path) {
        Path name = path.getFileName();
        return name == null ? path.toString() : name.toString();
    }

    /** A file name without {@code .gz} and without its format extension. */
    static String baseName(String fileName) {
        String name = fileName;
        if (name.toLowerCase(Locale.ROOT).endsWith(".gz")) {
            name = name.substring(0, name.length() - 3);
        }
        int dot = name.lastIndexOf('.');
        return dot > 0 ? name.substring(0, dot) : name;
    }
}
