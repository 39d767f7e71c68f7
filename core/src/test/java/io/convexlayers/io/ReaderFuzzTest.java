// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.io;

import io.convexlayers.backend.ConeSolver;
import io.convexlayers.data.ConeProgram;
import io.convexlayers.solver.Solution;
import io.convexlayers.solver.SolverSettings;
import io.convexlayers.testing.fuzz.ByteMutator;
import io.convexlayers.testing.fuzz.FuzzConfig;
import io.convexlayers.testing.fuzz.FuzzReport;
import io.convexlayers.testing.fuzz.FuzzRunner;
import io.convexlayers.testing.fuzz.FuzzTarget;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Seeded mutation fuzzing of each reader from the corpus in {@code src/test/resources/fuzz/}:
 * every mutant must end in a problem (solved, when small, to a status), a typed error, never an
 * untyped exception, an Error, a hang or an allocation beyond the budget ({@link FuzzRunner}).
 * One in ten mutants is gzip-compressed, and then possibly cut or corrupted, to reach the
 * decompression path. CI runs a few thousand inputs per reader (about 5 s each here; capped at
 * {@value #CI_SECONDS} s); {@code -Dfuzz.inputs=100000 -Dfuzz.seconds=3600} runs long.
 */
@Tag("fuzz")
class ReaderFuzzTest {
    static final double CI_SECONDS = 25;
    /** Programs up to this many variables plus rows are solved; larger ones are only read. */
    private static final int SOLVE_LIMIT = 2000;
    private static final SolverSettings SETTINGS = SolverSettings.defaults().withEps(1e-6).withMaxIters(500)
            .withTimeLimit(2);

    private static final String[] MPS_WORDS = {"NAME", "ROWS", "COLUMNS", "RHS", "RANGES", "BOUNDS", "QUADOBJ",
            "QMATRIX", "OBJSENSE", "OBJNAME", "ENDATA", " N", " E", " L", " G", " UP", " LO", " FX", " FR", " MI",
            " PL", " BV", "MAX", "MIN", "    MARKER                 'MARKER'                 'INTORG'"};
    private static final String[] CBF_WORDS = {"VER", "OBJSENSE", "POWCONES", "POW*CONES", "VAR", "INT", "PSDVAR",
            "CON", "PSDCON", "OBJFCOORD", "OBJACOORD", "OBJBCOORD", "FCOORD", "ACOORD", "BCOORD", "HCOORD", "DCOORD",
            "F 1", "L+ 2", "L- 1", "L= 1", "Q 3", "QR 3", "EXP 3", "EXP* 3", "@0:POW 3", "@1:POW* 3", "@0:POW", "MIN",
            "MAX", "1", "2 1", "0 0 0 1.0"};
    private static final String[] SDPA_WORDS = {"\"comment", "*comment", "{", "}", "(", ")", ",", "0 1 1 1 1.0",
            "1 1 1 2 0.5", "-3", "1 2 3"};

    /** The corpus files of one reader. */
    static List<byte[]> corpus(String folder) {
        try {
            Path dir = Path.of(ReaderFuzzTest.class.getResource("/fuzz/" + folder).toURI());
            List<byte[]> files = new ArrayList<>();
            try (Stream<Path> s = Files.list(dir)) {
                for (Path p : s.sorted().toList()) {
                    files.add(Files.readAllBytes(p));
                }
            }
            return files;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Reads {@code input} as {@code format} (the layout of MPS chosen by the input's hash) and solves it when small. */
    static String readAndSolve(String format, byte[] input) throws IOException {
        String name = "fuzz." + format;
        LineSource src = LineSource.read(name, new ByteArrayInputStream(input));
        FileProblem fp = switch (format) {
            case "mps" -> MpsReader.read(src, MpsLayout.values()[Math.floorMod(Arrays.hashCode(input), 3)], false);
            case "cbf" -> CbfReader.read(src);
            default -> SdpaReader.read(src);
        };
        ConeProgram p = fp.program();
        if (p.n() + p.m() > SOLVE_LIMIT) {
            return "read (large)";
        }
        Solution s = ConeSolver.solve(p, SETTINGS);
        if (s.status().hasSolution()) {
            fp.fileVariables(s.x());
            fp.fileObjective(s.objective());
        }
        return s.status().name().toLowerCase(Locale.ROOT);
    }

    /** The fuzz target of one reader: corpus mutants, one in ten gzip-compressed (and maybe damaged). */
    static FuzzTarget target(String format, String folder, String... words) {
        ByteMutator mutator = new ByteMutator(corpus(folder), words);
        return new FuzzTarget() {
            @Override
            public byte[] input(Random random) {
                byte[] text = mutator.next(random);
                return random.nextInt(10) == 0 ? gzip(text, random) : text;
            }

            @Override
            public String run(byte[] input) throws IOException {
                return readAndSolve(format, input);
            }
        };
    }

    private static byte[] gzip(byte[] text, Random random) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(bytes)) {
            out.write(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        byte[] z = bytes.toByteArray();
        return switch (random.nextInt(3)) {
            case 0 -> z;
            case 1 -> Arrays.copyOf(z, 2 + random.nextInt(z.length - 2));
            default -> {
                z[2 + random.nextInt(z.length - 2)] ^= (byte) (1 + random.nextInt(255));
                yield z;
            }
        };
    }

    private static void fuzz(String format, String folder, int ciInputs, String... words) throws IOException {
        for (byte[] seed : corpus(folder)) {
            assertNotNull(readAndSolve(format, seed), "every corpus file reads");
        }
        FuzzReport report = FuzzRunner.run(format, FuzzConfig.fromProperties(ciInputs, CI_SECONDS),
                target(format, folder, words));
        report.assertNoFindings();
        assertTrue(report.tried() > 0, report.summary());
    }

    @Test
    void mpsAndQps() throws IOException {
        fuzz("mps", "mps", 15000, MPS_WORDS);
    }

    @Test
    void cbf() throws IOException {
        fuzz("cbf", "cbf", 15000, CBF_WORDS);
    }

    @Test
    void sdpa() throws IOException {
        fuzz("sdpa", "sdpa", 6000, SDPA_WORDS);
    }
}
