// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.bench;

import io.convexlayers.data.ConeDims;
import io.convexlayers.data.ConeProgram;
import io.convexlayers.data.CscMatrix;
import io.convexlayers.data.SparsePattern;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.util.ArrayList;
import java.util.List;

/**
 * A plain-text file of {@link ConeProgram}s in SCS form, written so that any other cone solver can be
 * run on exactly the programs this project solves (see {@link ExportConePrograms}).
 *
 * <p><b>Format.</b> A file holds one or more records. Every token is separated by white space (the
 * writer puts each field on its own line); integers are decimal, real numbers are written by
 * {@link Double#toString} (shortest text that reads back to the same double, e.g. {@code 1.0E-5};
 * C's {@code strtod} reads it exactly). One record:
 * <pre>
 * convexlayers-cone-program 1        magic word and format version
 * name NAME                          no white space in NAME
 * n N                                variables
 * m M                                constraint rows
 * zero Z                             cones in row order, as SCS orders them: Z zero rows (Ax + s = b, s = 0),
 * nonneg L                           L nonnegative rows,
 * soc K q1 … qK                      K second-order cones of sizes q1…qK (first entry the bound),
 * psd K k1 … kK                      K PSD cones of orders k1…kK (svec: lower triangle, column-major,
 *                                    off-diagonal entries scaled by √2),
 * exp E                              E exponential cone triples,
 * dualexp D                          D dual exponential cone triples,
 * power K a1 … aK                    K power cone triples (α for the primal cone, −α for the dual)
 * sense S                            +1 or −1: the source's objective is S·(½xᵀPx + cᵀx) + C
 * constant C
 * reference R                        the reference value of S·(½xᵀPx + cᵀx) (the source's objective
 *                                    without its constant), or {@code none}
 * A NNZ                              A (M×N) in compressed sparse columns:
 * COLPTR[0] … COLPTR[N]                column starts (COLPTR[0] = 0, COLPTR[N] = NNZ),
 * ROW[0] … ROW[NNZ−1]                  0-based row of each entry, increasing within a column,
 * VAL[0] … VAL[NNZ−1]                  values
 * P NNZ | P none                     upper triangle of P (N×N) as A, or {@code none} for an LP
 * b B[0] … B[M−1]
 * c C[0] … C[N−1]
 * end
 * </pre>
 * The program is minimize ½xᵀPx + cᵀx subject to Ax + s = b, s ∈ K. A solver's result succeeds under
 * the collection rule ({@link CollectionRunner}) when its status is solved and
 * |S·(½xᵀPx + cᵀx) − R| ≤ 1e-4·max(1, |R|).
 */
public final class ConeProgramFile {
    /** The first token of every record. */
    public static final String MAGIC = "convexlayers-cone-program";
    /** The format version this class writes and reads. */
    public static final int VERSION = 1;

    private ConeProgramFile() {
    }

    /**
     * One record: a program with its name, the map to its source's objective and a reference value.
     *
     * @param sense     +1 or −1 (−1 when the source maximizes)
     * @param constant  the source objective's constant term
     * @param reference reference value of sense·(½xᵀPx + cᵀx), {@code NaN} when unknown
     */
    public record Entry(String name, ConeProgram program, int sense, double constant, double reference) {
        /** Checks the name (one token) and the sense. */
        public Entry {
            if (name.isEmpty() || name.chars().anyMatch(Character::isWhitespace)) {
                throw new IllegalArgumentException("name must be one non-empty token: '" + name + "'");
            }
            if (sense != 1 && sense != -1) {
                throw new IllegalArgumentException("sense must be +1 or -1, got " + sense);
            }
        }
    }

    /** Writes one record. */
    public static void write(Writer out, Entry e) throws IOException {
        ConeProgram p = e.program();
        ConeDims k = p.cones();
        out.write(MAGIC + " " + VERSION + "\n");
        out.write("name " + e.name() + "\n");
        out.write("n " + p.n() + "\nm " + p.m() + "\n");
        out.write("zero " + k.zero() + "\nnonneg " + k.nonneg() + "\n");
        writeCounted(out, "soc", k.soc());
        writeCounted(out, "psd", k.psd());
        out.write("exp " + k.exp() + "\ndualexp " + k.dualExp() + "\n");
        out.write("power " + k.power().length);
        for (double a : k.power()) {
            out.write(" " + a);
        }
        out.write("\nsense " + e.sense() + "\nconstant " + e.constant() + "\n");
        out.write("reference " + (Double.isNaN(e.reference()) ? "none" : Double.toString(e.reference())) + "\n");
        writeMatrix(out, "A", p.a());
        if (p.p() == null) {
            out.write("P none\n");
        } else {
            writeMatrix(out, "P", p.p());
        }
        writeVector(out, "b", p.b());
        writeVector(out, "c", p.c());
        out.write("end\n");
    }

    /** Reads every record of a file. */
    public static List<Entry> readAll(Reader in) throws IOException {
        Scanner s = new Scanner(in);
        List<Entry> out = new ArrayList<>();
        String first;
        while ((first = s.nextOrNull()) != null) {
            if (!first.equals(MAGIC)) {
                throw new IOException("expected '" + MAGIC + "', got '" + first + "'");
            }
            int version = s.nextInt();
            if (version != VERSION) {
                throw new IOException("unsupported format version " + version);
            }
            out.add(readBody(s));
        }
        return out;
    }

    private static Entry readBody(Scanner s) throws IOException {
        String name = s.field("name");
        int n = Integer.parseInt(s.field("n"));
        int m = Integer.parseInt(s.field("m"));
        ConeDims.Builder cones = ConeDims.builder();
        cones.zero(Integer.parseInt(s.field("zero")));
        cones.nonneg(Integer.parseInt(s.field("nonneg")));
        cones.soc(s.ints(Integer.parseInt(s.field("soc"))));
        cones.psd(s.ints(Integer.parseInt(s.field("psd"))));
        cones.exp(Integer.parseInt(s.field("exp")));
        cones.dualExp(Integer.parseInt(s.field("dualexp")));
        cones.power(s.doubles(Integer.parseInt(s.field("power"))));
        int sense = Integer.parseInt(s.field("sense"));
        double constant = Double.parseDouble(s.field("constant"));
        String ref = s.field("reference");
        double reference = ref.equals("none") ? Double.NaN : Double.parseDouble(ref);
        CscMatrix a = readMatrix(s, "A", m, n);
        String pCount = s.field("P");
        CscMatrix p = pCount.equals("none") ? null : readMatrixBody(s, "P", n, n, Integer.parseInt(pCount));
        s.expect("b");
        double[] b = s.doubles(m);
        s.expect("c");
        double[] c = s.doubles(n);
        s.expect("end");
        return new Entry(name, new ConeProgram(p, a, b, c, cones.build()), sense, constant, reference);
    }

    private static CscMatrix readMatrix(Scanner s, String key, int rows, int cols) throws IOException {
        return readMatrixBody(s, key, rows, cols, Integer.parseInt(s.field(key)));
    }

    private static CscMatrix readMatrixBody(Scanner s, String key, int rows, int cols, int nnz) throws IOException {
        int[] colStart = s.ints(cols + 1);
        int[] rowIndex = s.ints(nnz);
        double[] values = s.doubles(nnz);
        return new CscMatrix(new SparsePattern(key, rows, cols, colStart, rowIndex), values);
    }

    private static void writeCounted(Writer out, String key, int[] values) throws IOException {
        out.write(key + " " + values.length);
        for (int v : values) {
            out.write(" " + v);
        }
        out.write("\n");
    }

    private static void writeMatrix(Writer out, String key, CscMatrix mat) throws IOException {
        SparsePattern pattern = mat.pattern();
        out.write(key + " " + mat.nnz() + "\n");
        writeInts(out, pattern.colStartArray());
        writeInts(out, pattern.rowIndexArray());
        writeDoubles(out, mat.values());
    }

    private static void writeVector(Writer out, String key, double[] v) throws IOException {
        out.write(key + "\n");
        writeDoubles(out, v);
    }

    private static void writeInts(Writer out, int[] v) throws IOException {
        StringBuilder line = new StringBuilder(v.length * 4);
        for (int k = 0; k < v.length; k++) {
            line.append(k == 0 ? "" : " ").append(v[k]);
        }
        out.write(line.append('\n').toString());
    }

    private static void writeDoubles(Writer out, double[] v) throws IOException {
        StringBuilder line = new StringBuilder(v.length * 12);
        for (int k = 0; k < v.length; k++) {
            line.append(k == 0 ? "" : " ").append(v[k]);
        }
        out.write(line.append('\n').toString());
    }

    /** White-space separated tokens of a reader, one at a time (files can hold millions of values). */
    private static final class Scanner {
        private final BufferedReader in;
        private final StringBuilder token = new StringBuilder();

        Scanner(Reader in) {
            this.in = in instanceof BufferedReader br ? br : new BufferedReader(in, 1 << 16);
        }

        String nextOrNull() throws IOException {
            token.setLength(0);
            int ch;
            do {
                ch = in.read();
            } while (ch >= 0 && Character.isWhitespace(ch));
            while (ch >= 0 && !Character.isWhitespace(ch)) {
                token.append((char) ch);
                ch = in.read();
            }
            return token.length() == 0 ? null : token.toString();
        }

        String next() throws IOException {
            String t = nextOrNull();
            if (t == null) {
                throw new IOException("unexpected end of file");
            }
            return t;
        }

        void expect(String key) throws IOException {
            String t = next();
            if (!t.equals(key)) {
                throw new IOException("expected '" + key + "', got '" + t + "'");
            }
        }

        /** The value after {@code key}. */
        String field(String key) throws IOException {
            expect(key);
            return next();
        }

        int nextInt() throws IOException {
            return Integer.parseInt(next());
        }

        int[] ints(int count) throws IOException {
            int[] v = new int[count];
            for (int k = 0; k < count; k++) {
                v[k] = nextInt();
            }
            return v;
        }

        double[] doubles(int count) throws IOException {
            double[] v = new double[count];
            for (int k = 0; k < count; k++) {
                v[k] = Double.parseDouble(next());
            }
            return v;
        }
    }
}
