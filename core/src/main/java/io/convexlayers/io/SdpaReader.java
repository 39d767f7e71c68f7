// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.io;

import io.convexlayers.data.ConeDims;
import io.convexlayers.io.ConeProgramAssembler.DoubleList;
import io.convexlayers.io.ConeProgramAssembler.IntList;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Reader of the SDPA sparse format ({@code .dat-s}, the format of SDPLIB).
 *
 * <p><b>File.</b> Comment lines (first character {@code "} or {@code *}) at the start; then m
 * (the number of variables; the rest of the line is ignored), the number of blocks (likewise), the
 * block sizes, the objective vector c (m numbers, which may continue over several lines), and one
 * entry per line: matrix number (0..m), block number (1..nblocks), i, j (1-based) and value. The
 * characters {@code , ( ) { }} are punctuation and ignored. Matrices are symmetric and one
 * triangle is given ((i, j) and (j, i) name the same entry, which may appear only once). A negative
 * block size −k is a diagonal block of order k: only diagonal entries are allowed there.
 *
 * <p><b>Problem</b> (the SDPA/SDPLIB primal, whose optimal values SDPLIB lists):
 * minimize cᵀx subject to X = Σᵢ Fᵢxᵢ − F₀ ⪰ 0, X block diagonal.
 *
 * <p><b>Cone program.</b> Variables x₁…x_m; slack s = svec(Σ Fᵢxᵢ − F₀) per block (A = −svec(Fᵢ)
 * columns, b = −svec(F₀), off-diagonal entries scaled by √2), a PSD cone per full block of order
 * ≥ 2 and nonnegative rows for diagonal blocks and blocks of order 1. The objective is cᵀx with no
 * constant and no change of sign.
 */
final class SdpaReader {
    private final LineSource src;
    private String[] pending = new String[0];
    private int pendingUsed;

    private SdpaReader(LineSource src) {
        this.src = src;
    }

    static FileProblem read(LineSource src) {
        return new SdpaReader(src).parse();
    }

    private FileProblem parse() {
        int m = count(leadingToken("the number of variables m"), "the number of variables m");
        if (m > ReaderLimits.MAX_SIZE) {
            throw src.beyondLimit("a number of variables m", m, ReaderLimits.MAX_SIZE, "MAX_SIZE");
        }
        int nBlocks = count(leadingToken("the number of blocks"), "the number of blocks");
        if (nBlocks < 1) {
            throw src.error("at least one block", "0 blocks");
        }
        if (nBlocks > ReaderLimits.MAX_SIZE) {
            throw src.beyondLimit("a number of blocks", nBlocks, ReaderLimits.MAX_SIZE, "MAX_SIZE");
        }
        // The block sizes and c are collected token by token as the file holds them, and only then
        // stored in arrays: a claim the file cannot back ends at the end of the file, not in memory.
        String[] sizeTokens = numbers(nBlocks, "block sizes");
        int[] sizes = new int[nBlocks];
        int[] offset = new int[nBlocks + 1];
        long rowsSoFar = 0;
        for (int b = 0; b < nBlocks; b++) {
            if (!Tokens.isInteger(sizeTokens[b]) || Integer.parseInt(sizeTokens[b]) == 0) {
                throw src.error("a nonzero integer block size (block " + (b + 1) + ")",
                        LineSource.quote(sizeTokens[b]));
            }
            sizes[b] = Integer.parseInt(sizeTokens[b]);
            if (sizes[b] > ReaderLimits.MAX_PSD_ORDER) {
                throw src.beyondLimit("a block order (block " + (b + 1) + ")", sizes[b],
                        ReaderLimits.MAX_PSD_ORDER, "MAX_PSD_ORDER");
            }
            rowsSoFar += sizes[b] < 0 ? -(long) sizes[b] : ConeDims.svecLength(sizes[b]);
            if (rowsSoFar > ReaderLimits.MAX_SIZE) {
                throw src.beyondLimit("svec entries of the blocks 1.." + (b + 1) + " together", rowsSoFar,
                        ReaderLimits.MAX_SIZE, "MAX_SIZE");
            }
            offset[b + 1] = (int) rowsSoFar;
        }
        String[] cTokens = numbers(m, "objective coefficients c");
        double[] c = new double[m];
        for (int i = 0; i < m; i++) {
            c[i] = finite(cTokens[i], "a number as objective coefficient c" + (i + 1));
        }
        int rows = offset[nBlocks];
        double[] constant = new double[rows];
        IntList entryRow = new IntList();
        IntList entryCol = new IntList();
        DoubleList entryVal = new DoubleList();
        Set<Long> seen = new HashSet<>();
        while (src.advance("\"*")) {
            String[] t = split(src.current());
            if (t.length != 5) {
                throw src.error("an entry: matrix number, block number, i, j, value (5 fields)",
                        LineSource.quote(src.current().strip()));
            }
            int mat = index(t[0], 0, m, "a matrix number");
            int blk = index(t[1], 1, nBlocks, "a block number");
            int order = Math.abs(sizes[blk - 1]);
            int i = index(t[2], 1, order, "a row index i in block " + blk);
            int j = index(t[3], 1, order, "a column index j in block " + blk);
            double v = finite(t[4], "a number as the entry value");
            int row;
            double scale;
            if (sizes[blk - 1] < 0) {
                if (i != j) {
                    throw src.error("a diagonal entry (i = j) in diagonal block " + blk,
                            "(" + i + ", " + j + ")");
                }
                row = offset[blk - 1] + i - 1;
                scale = 1;
            } else {
                row = offset[blk - 1] + Svec.index(Math.max(i, j) - 1, Math.min(i, j) - 1, order);
                scale = Svec.scale(i, j);
            }
            if (!seen.add((long) row * (m + 1) + mat)) {
                throw src.error("each matrix entry once (one triangle of a symmetric matrix)",
                        "a second entry for matrix " + mat + ", block " + blk + ", (" + i + ", " + j + ")");
            }
            if (mat == 0) {
                constant[row] = -scale * v;
            } else {
                entryRow.add(row);
                entryCol.add(mat - 1);
                entryVal.add(scale * v);
            }
        }
        return build(m, sizes, offset, c, constant, entryRow, entryCol, entryVal);
    }

    private FileProblem build(int m, int[] sizes, int[] offset, double[] c, double[] constant,
                              IntList entryRow, IntList entryCol, DoubleList entryVal) {
        int rows = constant.length;
        int[] start = new int[rows + 1];
        for (int k = 0; k < entryRow.size(); k++) {
            start[entryRow.get(k) + 1]++;
        }
        for (int r = 0; r < rows; r++) {
            start[r + 1] += start[r];
        }
        int[] fill = start.clone();
        int[] cols = new int[entryRow.size()];
        double[] vals = new double[entryRow.size()];
        for (int k = 0; k < entryRow.size(); k++) {
            int p = fill[entryRow.get(k)]++;
            cols[p] = entryCol.get(k);
            vals[p] = entryVal.get(k);
        }
        ConeProgramAssembler asm = new ConeProgramAssembler(m);
        for (int i = 0; i < m; i++) {
            asm.addObjective(i, c[i]);
        }
        for (int b = 0; b < sizes.length; b++) {
            Affine[] g = new Affine[offset[b + 1] - offset[b]];
            for (int p = 0; p < g.length; p++) {
                int r = offset[b] + p;
                g[p] = new Affine(Arrays.copyOfRange(cols, start[r], start[r + 1]),
                        Arrays.copyOfRange(vals, start[r], start[r + 1]), constant[r]);
            }
            if (sizes[b] < 0) {
                for (Affine a : g) {
                    asm.nonneg(a);
                }
            } else {
                asm.psd(sizes[b], g);
            }
        }
        return new FileProblem(ProblemReader.baseName(src.fileName()), "sdpa", asm.build(src), m,
                new int[0], List.of(), sizes.length, false, 0.0, List.of());
    }

    /** The first token of the next line (the rest of the line is ignored). */
    private String leadingToken(String what) {
        if (!src.advance("\"*")) {
            throw src.unexpected(what + " (the file ends early)");
        }
        String[] t = split(src.current());
        if (t.length == 0) {
            throw src.error(what, LineSource.quote(src.current().strip()));
        }
        return t[0];
    }

    /** The next {@code count} tokens, which may span lines; a line may not overshoot. */
    private String[] numbers(int count, String what) {
        List<String> out = new ArrayList<>();
        while (out.size() < count) {
            if (!src.advance("\"*")) {
                throw src.unexpected(count + " " + what + " (the file ends early after " + out.size() + ")");
            }
            String[] t = split(src.current());
            if (out.size() + t.length > count) {
                throw src.error(count + " " + what, (out.size() + t.length) + " values "
                        + LineSource.quote(src.current().strip()));
            }
            out.addAll(Arrays.asList(t));
        }
        return out.toArray(new String[0]);
    }

    private static String[] split(String line) {
        StringBuilder sb = new StringBuilder(line.length());
        for (int k = 0; k < line.length(); k++) {
            char ch = line.charAt(k);
            sb.append(ch == ',' || ch == '(' || ch == ')' || ch == '{' || ch == '}' ? ' ' : ch);
        }
        return Tokens.split(sb.toString());
    }

    private int count(String tok, String what) {
        if (!Tokens.isInteger(tok) || Integer.parseInt(tok) < 0) {
            throw src.error("a non-negative integer as " + what, LineSource.quote(tok));
        }
        return Integer.parseInt(tok);
    }

    private int index(String tok, int lo, int hi, String what) {
        if (!Tokens.isInteger(tok) || Integer.parseInt(tok) < lo || Integer.parseInt(tok) > hi) {
            throw src.error(what + " in " + lo + ".." + hi, LineSource.quote(tok));
        }
        return Integer.parseInt(tok);
    }

    private double finite(String tok, String expected) {
        double v = Tokens.number(tok, false);
        if (!Double.isFinite(v)) {
            throw src.error(expected, LineSource.quote(tok));
        }
        return v;
    }
}
