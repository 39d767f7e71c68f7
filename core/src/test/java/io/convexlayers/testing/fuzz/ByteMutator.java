// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.testing.fuzz;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Seeded mutations of text files, stacked one to five at a time: bit flips and odd bytes (NUL,
 * escape, DEL, 0xff, line ends), deleted, duplicated and swapped lines and ranges, truncation,
 * splices of two corpus files, numbers replaced by boundary values (0, −1, 2³¹−1, 2³²+1, the
 * readers' limits ± 1, 10³⁰⁸, NaN), and format keywords inserted where a line starts. The numbers
 * and keywords are what gets a mutant past the first checks of a reader and into its size
 * arithmetic, where the bugs were.
 */
public final class ByteMutator {
    private static final String[] NUMBERS = {"0", "-1", "1", "2", "3", "-0", "1e308", "-1e308", "1e-320", "1e400",
            "nan", "inf", "-inf", "2147483647", "2147483648", "-2147483648", "4294967297", "999999999",
            "46341", "65536", "2895", "2896", "4194305", "30000", "0.5", "1.0e0", "1d3", "1e", ".", "+", "00000000001"};
    private static final byte[] ODD_BYTES = {0, 1, 0x1b, 0x7f, (byte) 0x80, (byte) 0xff, (byte) 0xc3, '\t', '\r',
            '\n', ' ', '-', '.', 'e', '*', '#', '"', '@', ':', ','};

    private final List<byte[]> corpus;
    private final String[] keywords;

    /**
     * @param corpus   the seed files
     * @param keywords tokens of the format (section names, cone names) to insert
     */
    public ByteMutator(List<byte[]> corpus, String... keywords) {
        if (corpus.isEmpty()) {
            throw new IllegalArgumentException("empty corpus");
        }
        this.corpus = List.copyOf(corpus);
        this.keywords = keywords.clone();
    }

    /** A mutant of a corpus file chosen by {@code random}. */
    public byte[] next(Random random) {
        byte[] data = corpus.get(random.nextInt(corpus.size()));
        // Mostly one mutation, so that many mutants still get deep into a reader; sometimes up to five.
        int rounds = random.nextInt(3) == 0 ? 2 + random.nextInt(4) : 1;
        for (int k = 0; k < rounds; k++) {
            data = mutate(data, random);
        }
        return data;
    }

    private byte[] mutate(byte[] d, Random r) {
        if (d.length == 0) {
            return ascii(NUMBERS[r.nextInt(NUMBERS.length)]);
        }
        switch (r.nextInt(12)) {
            case 0 -> {
                byte[] out = d.clone();
                out[r.nextInt(out.length)] ^= (byte) (1 << r.nextInt(8));
                return out;
            }
            case 1 -> {
                byte[] out = d.clone();
                out[r.nextInt(out.length)] = ODD_BYTES[r.nextInt(ODD_BYTES.length)];
                return out;
            }
            case 2 -> {
                int from = r.nextInt(d.length);
                int len = 1 + r.nextInt(Math.max(1, Math.min(d.length - from, 1 + d.length / 8)));
                return splice(d, from, Math.min(d.length, from + len), new byte[0]);
            }
            case 3 -> {
                int from = r.nextInt(d.length);
                int len = 1 + r.nextInt(Math.max(1, Math.min(d.length - from, 64)));
                byte[] copy = Arrays.copyOfRange(d, from, Math.min(d.length, from + len));
                int at = r.nextInt(d.length + 1);
                return splice(d, at, at, copy);
            }
            case 4 -> {
                return Arrays.copyOf(d, r.nextInt(d.length));
            }
            case 5 -> {
                byte[] other = corpus.get(r.nextInt(corpus.size()));
                int cut = r.nextInt(d.length + 1);
                int otherCut = r.nextInt(other.length + 1);
                return splice(Arrays.copyOf(d, cut), cut, cut, Arrays.copyOfRange(other, otherCut, other.length));
            }
            case 6, 7, 8 -> {
                return replaceToken(d, r, NUMBERS[r.nextInt(NUMBERS.length)]);
            }
            case 9 -> {
                String word = keywords.length == 0 ? NUMBERS[r.nextInt(NUMBERS.length)] : keywords[r.nextInt(keywords.length)];
                return insertAtLineStart(d, r, word + (r.nextBoolean() ? "\n" : " "));
            }
            case 10 -> {
                return lineEdit(d, r);
            }
            default -> {
                return replaceToken(d, r, Long.toString(r.nextInt(7) == 0 ? r.nextLong() : r.nextInt(2000) - 5));
            }
        }
    }

    private static byte[] replaceToken(byte[] d, Random r, String replacement) {
        List<int[]> tokens = tokens(d);
        if (tokens.isEmpty()) {
            return splice(d, 0, 0, ascii(replacement));
        }
        int[] t = tokens.get(r.nextInt(tokens.size()));
        return splice(d, t[0], t[1], ascii(replacement));
    }

    private static byte[] insertAtLineStart(byte[] d, Random r, String text) {
        List<Integer> starts = new ArrayList<>();
        starts.add(0);
        for (int i = 0; i < d.length; i++) {
            if (d[i] == '\n') {
                starts.add(i + 1);
            }
        }
        int at = starts.get(r.nextInt(starts.size()));
        return splice(d, at, at, ascii(text));
    }

    /** Deletes, duplicates or swaps whole lines. */
    private static byte[] lineEdit(byte[] d, Random r) {
        List<byte[]> lines = new ArrayList<>();
        int start = 0;
        for (int i = 0; i <= d.length; i++) {
            if (i == d.length || d[i] == '\n') {
                lines.add(Arrays.copyOfRange(d, start, Math.min(d.length, i + 1)));
                start = i + 1;
            }
        }
        int a = r.nextInt(lines.size());
        int b = r.nextInt(lines.size());
        switch (r.nextInt(3)) {
            case 0 -> lines.remove(a);
            case 1 -> lines.add(b, lines.get(a));
            default -> {
                byte[] t = lines.get(a);
                lines.set(a, lines.get(b));
                lines.set(b, t);
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(d.length + 64);
        for (byte[] line : lines) {
            out.writeBytes(line);
        }
        return out.toByteArray();
    }

    /** [start, end) of every white-space separated token. */
    private static List<int[]> tokens(byte[] d) {
        List<int[]> out = new ArrayList<>();
        int i = 0;
        while (i < d.length) {
            while (i < d.length && (d[i] & 0xff) <= ' ') {
                i++;
            }
            int s = i;
            while (i < d.length && (d[i] & 0xff) > ' ') {
                i++;
            }
            if (i > s) {
                out.add(new int[] {s, i});
            }
        }
        return out;
    }

    private static byte[] splice(byte[] d, int from, int to, byte[] insert) {
        byte[] out = new byte[d.length - (to - from) + insert.length];
        System.arraycopy(d, 0, out, 0, from);
        System.arraycopy(insert, 0, out, from, insert.length);
        System.arraycopy(d, to, out, from + insert.length, d.length - to);
        return out;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
