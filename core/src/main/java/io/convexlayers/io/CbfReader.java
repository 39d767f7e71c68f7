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
 * Reader of the Conic Benchmark Format (CBF, versions 1–3), the format of CBLIB.
 *
 * <p><b>File.</b> Keyword lines followed by their data lines; lines starting with {@code #} and
 * blank lines are skipped. {@code VER} must come first; the structure keywords ({@code OBJSENSE},
 * {@code POWCONES}, {@code POW*CONES}, {@code VAR}, {@code INT}, {@code PSDVAR}, {@code CON},
 * {@code PSDCON}) precede the data keywords ({@code OBJFCOORD}, {@code OBJACOORD},
 * {@code OBJBCOORD}, {@code FCOORD}, {@code ACOORD}, {@code BCOORD}, {@code HCOORD},
 * {@code DCOORD}); each keyword appears at most once. {@code VER} and {@code OBJSENSE} are
 * required, and {@code VAR} unless there are matrix variables. Every count must match the entries
 * that follow, every index must refer to a declared variable, constraint or matrix entry, and a
 * coordinate may not be given twice. Symmetric-matrix coordinates (k, l) are those of the lower
 * triangle; an upper-triangle coordinate is read as its mirror. {@code INT} with any entry is
 * rejected (continuous solver).
 *
 * <p><b>Problem.</b> min/max g_obj = Σ⟨F_obj,j, X_j⟩ + Σ a_obj,j x_j + b_obj subject to
 * g_i = Σ⟨F_ij, X_j⟩ + Σ a_ij x_j + b_i ∈ K_i, G_i = Σ x_j H_ij + D_i ⪰ 0, x_j ∈ K_j, X_j ⪰ 0.
 *
 * <p><b>Cone program.</b> Variables: the scalar variables, then svec(X_j) per matrix variable.
 * Since ⟨F, X⟩ = svec(F)ᵀsvec(X), an off-diagonal coefficient v of F (standing for both F_kl and
 * F_lk) multiplies svec(X)_kl with √2·v; off-diagonal entries of H and D are scaled by √2 into
 * svec form likewise. Each constraint "g ∈ K" becomes slack rows s = T·g (A = −T·G, b = T·b)
 * with T per cone: F (free) gives no rows; L+ → s = g ≥ 0; L− → s = −g ≥ 0; L= → s = g = 0;
 * Q (g₁ ≥ ‖g_rest‖) → a second-order cone as is; QR (2·g₁g₂ ≥ ‖g_rest‖², g₁, g₂ ≥ 0) → the
 * second-order cone of ((g₁+g₂)/√2, (g₁−g₂)/√2, g_rest), an orthogonal map; EXP, ordered
 * (g₁, g₂, g₃) with g₁ ≥ g₂·exp(g₃/g₂) → the exponential triple (g₃, g₂, g₁), and EXP* likewise
 * into the dual exponential cone; @k:POW with parameters (α₁, α₂), g₁^α g₂^{1−α} ≥ |g₃| with
 * α = α₁/(α₁+α₂) → a power triple (only 3-dimensional power cones with 2 parameters are
 * supported), @k:POW* → the dual power cone (α stored negated). Scalar variables in a cone other
 * than F are constrained the same way with g = x; matrix variables and PSD constraints become PSD
 * cone rows. A maximization problem is minimized as −(g_obj − b_obj).
 */
final class CbfReader {
    private static final String KEYWORDS = "a CBF keyword (VER, OBJSENSE, POWCONES, POW*CONES, VAR, INT,"
            + " PSDVAR, CON, PSDCON, OBJFCOORD, OBJACOORD, OBJBCOORD, FCOORD, ACOORD, BCOORD, HCOORD,"
            + " DCOORD)";
    private static final Set<String> STRUCTURE =
            Set.of("OBJSENSE", "POWCONES", "POW*CONES", "VAR", "INT", "PSDVAR", "CON", "PSDCON");
    private static final Set<String> DATA = Set.of("OBJFCOORD", "OBJACOORD", "OBJBCOORD", "FCOORD",
            "ACOORD", "BCOORD", "HCOORD", "DCOORD");

    /** One cone of a VAR or CON section: kind F, L+, L-, L=, Q, QR, EXP, EXP*, POW, POW*. */
    private record Cone(String kind, int size, double alpha) {
    }

    private final LineSource src;
    private final Set<String> seen = new HashSet<>();
    private boolean dataStarted;
    private boolean maximize;
    private final List<double[]> powCones = new ArrayList<>();
    private final List<double[]> dualPowCones = new ArrayList<>();
    private int n;
    private final List<Cone> varCones = new ArrayList<>();
    private int m;
    private final List<Cone> conCones = new ArrayList<>();
    private int[] psdVar = new int[0];
    private int[] psdCon = new int[0];
    /** Svec entries of all matrix variables (PSDVAR) and of all PSD constraints (PSDCON). */
    private long psdVarEntries;
    private long psdConEntries;

    private double[] objA;
    private double objB;
    private final IntList objFCol = new IntList();
    private final DoubleList objFVal = new DoubleList();
    private final IntList conRow = new IntList();
    private final IntList conCol = new IntList();
    private final DoubleList conVal = new DoubleList();
    private double[] conB;
    private final IntList psdRow = new IntList();
    private final IntList psdCol = new IntList();
    private final DoubleList psdVal = new DoubleList();
    private double[] psdB;
    private int[] psdVarOffsets;
    private int[] psdConOffsets;
    /** The svec scale of the entry last located by {@link #svecPosition}. */
    private double lastScale;

    private CbfReader(LineSource src) {
        this.src = src;
    }

    static FileProblem read(LineSource src) {
        return new CbfReader(src).parse();
    }

    private FileProblem parse() {
        while (src.advance("#")) {
            String keyword = Tokens.trim(src.current());
            int line = src.lineNumber();
            // Errors quote the line as it is (control bytes escaped), not the keyword trimmed of them.
            if (seen.isEmpty() && !keyword.equals("VER")) {
                throw src.error("VER as the first keyword", LineSource.quote(src.current().strip()));
            }
            if (!keyword.equals("VER") && !STRUCTURE.contains(keyword) && !DATA.contains(keyword)) {
                throw src.error(KEYWORDS, LineSource.quote(src.current().strip()));
            }
            if (!seen.add(keyword)) {
                throw src.error("each keyword once", "a second " + keyword);
            }
            if (STRUCTURE.contains(keyword) && dataStarted) {
                throw src.error("structure keywords (OBJSENSE, POWCONES, VAR, CON, PSDVAR, PSDCON, INT)"
                        + " before the data keywords", keyword);
            }
            if (DATA.contains(keyword) && !dataStarted) {
                dataStarted = true;
                startData();
            }
            switch (keyword) {
                case "VER" -> version();
                case "OBJSENSE" -> objSense();
                case "POWCONES" -> powCones(powCones, keyword, line);
                case "POW*CONES" -> powCones(dualPowCones, keyword, line);
                case "VAR" -> n = cones(varCones, keyword, line);
                case "CON" -> m = cones(conCones, keyword, line);
                case "INT" -> integers(line);
                case "PSDVAR" -> psdVar = orders(keyword);
                case "PSDCON" -> psdCon = orders(keyword);
                case "OBJACOORD" -> objACoord();
                case "OBJBCOORD" -> objB = finite(tokens(1, "the objective constant (OBJBCOORD)")[0],
                        "a number as the objective constant");
                case "OBJFCOORD" -> objFCoord();
                case "ACOORD" -> aCoord();
                case "BCOORD" -> bCoord();
                case "FCOORD" -> fCoord();
                case "HCOORD" -> hCoord();
                case "DCOORD" -> dCoord();
                default -> throw new IllegalStateException(keyword);
            }
        }
        if (!seen.contains("OBJSENSE")) {
            throw src.unexpected("an OBJSENSE section");
        }
        if (!seen.contains("VAR") && psdVar.length == 0) {
            throw src.unexpected("a VAR section");
        }
        if (!dataStarted) {
            startData();
        }
        return build();
    }

    // ---------------------------------------------------------------- structure

    private void version() {
        String[] t = tokens(1, "the version number after VER");
        if (!t[0].equals("1") && !t[0].equals("2") && !t[0].equals("3")) {
            throw src.error("CBF version 1, 2 or 3", LineSource.quote(t[0]));
        }
    }

    private void objSense() {
        String[] t = tokens(1, "MIN or MAX after OBJSENSE");
        switch (t[0]) {
            case "MIN" -> maximize = false;
            case "MAX" -> maximize = true;
            default -> throw src.error("MIN or MAX after OBJSENSE", LineSource.quote(t[0]));
        }
    }

    private void powCones(List<double[]> table, String keyword, int headerLine) {
        String[] t = tokens(2, "the number of cones and of parameters after " + keyword);
        int count = count(t[0], "the number of cones of " + keyword);
        int total = count(t[1], "the number of parameters of " + keyword);
        // Each cone and each parameter takes a line: claims beyond the file's end are refused before
        // anything of their size is allocated.
        if (count > src.linesLeft()) {
            throw src.countBeyondFile("cones of " + keyword, count);
        }
        long sum = 0;
        for (int c = 0; c < count; c++) {
            int p = count(tokens(1, "the parameter count of cone " + c + " of " + keyword)[0],
                    "the parameter count of cone " + c + " of " + keyword);
            if (p > src.linesLeft()) {
                throw src.countBeyondFile("parameters of cone " + c + " of " + keyword, p);
            }
            double[] alpha = new double[p];
            for (int k = 0; k < p; k++) {
                alpha[k] = finite(tokens(1, "parameter " + k + " of cone " + c + " of " + keyword)[0],
                        "a number as parameter " + k + " of cone " + c + " of " + keyword);
            }
            table.add(alpha);
            sum += p;
        }
        if (sum != total) {
            throw src.errorAt(headerLine, keyword + " parameter counts adding up to the declared "
                    + total, "a total of " + sum);
        }
    }

    private int cones(List<Cone> list, String keyword, int headerLine) {
        String[] t = tokens(2, "the number of " + (keyword.equals("VAR") ? "variables" : "constraints")
                + " and of cones after " + keyword);
        int total = count(t[0], "the size of " + keyword);
        int count = count(t[1], "the number of cones of " + keyword);
        String what = keyword.equals("VAR") ? "a number of scalar variables" : "a number of scalar constraints";
        if (total > ReaderLimits.MAX_SIZE) {
            throw src.beyondLimit(what, total, ReaderLimits.MAX_SIZE, "MAX_SIZE");
        }
        long together = (long) total + (keyword.equals("VAR") ? psdVarEntries : psdConEntries);
        if (together > ReaderLimits.MAX_SIZE) {
            throw src.beyondLimit(what + " plus the svec entries of the "
                    + (keyword.equals("VAR") ? "PSDVAR matrices" : "PSDCON constraints"), together,
                    ReaderLimits.MAX_SIZE, "MAX_SIZE");
        }
        if (count > src.linesLeft()) {
            throw src.countBeyondFile("cones of " + keyword, count);
        }
        long sum = 0;
        for (int c = 0; c < count; c++) {
            String[] ct = tokens(2, "a cone and its size (cone " + c + " of " + count + " in " + keyword + ")");
            int size = count(ct[1], "the size of cone " + c + " of " + keyword);
            if (size < 1) {
                throw src.error("a positive cone size", ct[1]);
            }
            list.add(cone(ct[0], size));
            sum += size;
        }
        if (sum != total) {
            throw src.errorAt(headerLine, keyword + " cone sizes adding up to the declared " + total,
                    "a total of " + sum);
        }
        return total;
    }

    private Cone cone(String name, int size) {
        switch (name) {
            case "F", "L+", "L-", "L=", "Q" -> {
                return new Cone(name, size, 0);
            }
            case "QR" -> {
                if (size < 2) {
                    throw src.error("a rotated quadratic cone (QR) of size >= 2", "size " + size);
                }
                return new Cone(name, size, 0);
            }
            case "EXP", "EXP*" -> {
                if (size != 3) {
                    throw src.error("an exponential cone (" + name + ") of size 3", "size " + size);
                }
                return new Cone(name, size, 0);
            }
            default -> {
                return powerCone(name, size);
            }
        }
    }

    private Cone powerCone(String name, int size) {
        boolean dual = name.endsWith(":POW*");
        if (!name.startsWith("@") || !(dual || name.endsWith(":POW"))) {
            throw src.error("a cone F, L+, L-, L=, Q, QR, EXP, EXP*, @k:POW or @k:POW*",
                    LineSource.quote(name));
        }
        String index = name.substring(1, name.indexOf(':'));
        List<double[]> table = dual ? dualPowCones : powCones;
        if (!Tokens.isInteger(index) || Integer.parseInt(index) < 0 || Integer.parseInt(index) >= table.size()) {
            throw src.error("a power cone index declared in " + (dual ? "POW*CONES" : "POWCONES")
                    + " (0.." + (table.size() - 1) + ")", LineSource.quote(name));
        }
        double[] alpha = table.get(Integer.parseInt(index));
        if (alpha.length != 2 || size != 3) {
            throw src.error("a 3-dimensional power cone with 2 parameters (the solver's power cones"
                    + " are 3-dimensional)", name + " of size " + size + " with " + alpha.length + " parameters");
        }
        if (!(alpha[0] > 0 && alpha[1] > 0)) {
            throw src.error("positive power cone parameters", alpha[0] + ", " + alpha[1]);
        }
        double a = alpha[0] / (alpha[0] + alpha[1]);
        if (!Double.isFinite(alpha[0] + alpha[1])) {
            a = 1 / (1 + alpha[1] / alpha[0]); // the same ratio without overflowing the sum
        }
        if (!(a > 0 && a < 1)) {
            throw src.error("power cone parameters whose ratio gives an exponent strictly between 0 and 1",
                    alpha[0] + ", " + alpha[1]);
        }
        return new Cone(dual ? "POW*" : "POW", size, a);
    }

    private void integers(int headerLine) {
        String[] t = tokens(1, "the number of integer variables after INT");
        int count = count(t[0], "the number of integer variables");
        if (count > 0) {
            throw src.errorAt(headerLine, "continuous variables (INT is not supported: this is a"
                    + " continuous solver)", count + " integer variables");
        }
    }

    private int[] orders(String keyword) {
        int count = count(tokens(1, "the number of matrices after " + keyword)[0],
                "the number of matrices of " + keyword);
        if (count > src.linesLeft()) {
            throw src.countBeyondFile("matrix orders of " + keyword, count);
        }
        boolean variables = keyword.equals("PSDVAR");
        long entries = variables ? n : m;
        int[] orders = new int[count];
        for (int k = 0; k < count; k++) {
            String tok = tokens(1, "the order of matrix " + k + " of " + count + " in " + keyword)[0];
            orders[k] = count(tok, "the order of matrix " + k + " of " + keyword);
            if (orders[k] < 1) {
                throw src.error("a positive matrix order", tok);
            }
            if (orders[k] > ReaderLimits.MAX_PSD_ORDER) {
                throw src.beyondLimit("a matrix order", orders[k], ReaderLimits.MAX_PSD_ORDER, "MAX_PSD_ORDER");
            }
            entries += ConeDims.svecLength(orders[k]);
            if (entries > ReaderLimits.MAX_SIZE) {
                throw src.beyondLimit((variables ? "scalar variables plus svec entries of matrix variables"
                        : "scalar constraints plus svec entries of PSD constraints") + " (" + keyword + " up to matrix "
                        + k + ")", entries, ReaderLimits.MAX_SIZE, "MAX_SIZE");
            }
        }
        if (variables) {
            psdVarEntries = entries - n;
        } else {
            psdConEntries = entries - m;
        }
        return orders;
    }

    // ---------------------------------------------------------------- data

    private int solverColumns() {
        return psdVarOffsets[psdVar.length];
    }

    /** First solver column of matrix variable j (valid once the data keywords start). */
    private int psdVarOffset(int j) {
        return psdVarOffsets[j];
    }

    /** First svec row of PSD constraint i (valid once the data keywords start). */
    private int psdConOffset(int i) {
        return psdConOffsets[i];
    }

    private void startData() {
        psdVarOffsets = new int[psdVar.length + 1];
        psdVarOffsets[0] = n;
        for (int j = 0; j < psdVar.length; j++) {
            psdVarOffsets[j + 1] = psdVarOffsets[j] + ConeDims.svecLength(psdVar[j]);
        }
        psdConOffsets = new int[psdCon.length + 1];
        for (int i = 0; i < psdCon.length; i++) {
            psdConOffsets[i + 1] = psdConOffsets[i] + ConeDims.svecLength(psdCon[i]);
        }
        objA = new double[n];
        conB = new double[m];
        psdB = new double[psdConOffsets[psdCon.length]];
    }

    private void objACoord() {
        int count = entryCount("OBJACOORD");
        Set<Long> keys = new HashSet<>();
        for (int e = 0; e < count; e++) {
            String[] t = tokens(2, entry(e, count, "OBJACOORD", "j value"));
            int j = index(t[0], n, "a scalar variable index", "VAR");
            double v = finite(t[1], "a number as the value");
            unique(keys, j, "OBJACOORD", "variable " + j);
            objA[j] = v;
        }
    }

    private void objFCoord() {
        int count = entryCount("OBJFCOORD");
        Set<Long> keys = new HashSet<>();
        for (int e = 0; e < count; e++) {
            String[] t = tokens(4, entry(e, count, "OBJFCOORD", "j k l value"));
            int j = index(t[0], psdVar.length, "a matrix variable index", "PSDVAR");
            int col = psdVarOffset(j) + svecPosition(t[1], t[2], psdVar[j]);
            double v = finite(t[3], "a number as the value") * lastScale;
            unique(keys, col, "OBJFCOORD", "matrix variable " + j + " entry (" + t[1] + ", " + t[2] + ")");
            objFCol.add(col);
            objFVal.add(v);
        }
    }

    private void aCoord() {
        int count = entryCount("ACOORD");
        Set<Long> keys = new HashSet<>();
        for (int e = 0; e < count; e++) {
            String[] t = tokens(3, entry(e, count, "ACOORD", "i j value"));
            int i = index(t[0], m, "a constraint index", "CON");
            int j = index(t[1], n, "a scalar variable index", "VAR");
            double v = finite(t[2], "a number as the value");
            unique(keys, (long) i * n + j, "ACOORD", "(" + i + ", " + j + ")");
            conRow.add(i);
            conCol.add(j);
            conVal.add(v);
        }
    }

    private void bCoord() {
        int count = entryCount("BCOORD");
        Set<Long> keys = new HashSet<>();
        for (int e = 0; e < count; e++) {
            String[] t = tokens(2, entry(e, count, "BCOORD", "i value"));
            int i = index(t[0], m, "a constraint index", "CON");
            double v = finite(t[1], "a number as the value");
            unique(keys, i, "BCOORD", "constraint " + i);
            conB[i] = v;
        }
    }

    private void fCoord() {
        int count = entryCount("FCOORD");
        int columns = solverColumns();
        Set<Long> keys = new HashSet<>();
        for (int e = 0; e < count; e++) {
            String[] t = tokens(5, entry(e, count, "FCOORD", "i j k l value"));
            int i = index(t[0], m, "a constraint index", "CON");
            int j = index(t[1], psdVar.length, "a matrix variable index", "PSDVAR");
            int col = psdVarOffset(j) + svecPosition(t[2], t[3], psdVar[j]);
            double v = finite(t[4], "a number as the value") * lastScale;
            unique(keys, (long) i * columns + col, "FCOORD",
                    "constraint " + i + ", matrix variable " + j + " entry (" + t[2] + ", " + t[3] + ")");
            conRow.add(i);
            conCol.add(col);
            conVal.add(v);
        }
    }

    private void hCoord() {
        int count = entryCount("HCOORD");
        Set<Long> keys = new HashSet<>();
        for (int e = 0; e < count; e++) {
            String[] t = tokens(5, entry(e, count, "HCOORD", "i j k l value"));
            int i = index(t[0], psdCon.length, "a PSD constraint index", "PSDCON");
            int j = index(t[1], n, "a scalar variable index", "VAR");
            int row = psdConOffset(i) + svecPosition(t[2], t[3], psdCon[i]);
            double v = finite(t[4], "a number as the value") * lastScale;
            unique(keys, (long) row * n + j, "HCOORD",
                    "PSD constraint " + i + ", variable " + j + " entry (" + t[2] + ", " + t[3] + ")");
            psdRow.add(row);
            psdCol.add(j);
            psdVal.add(v);
        }
    }

    private void dCoord() {
        int count = entryCount("DCOORD");
        Set<Long> keys = new HashSet<>();
        for (int e = 0; e < count; e++) {
            String[] t = tokens(4, entry(e, count, "DCOORD", "i k l value"));
            int i = index(t[0], psdCon.length, "a PSD constraint index", "PSDCON");
            int row = psdConOffset(i) + svecPosition(t[1], t[2], psdCon[i]);
            double v = finite(t[3], "a number as the value") * lastScale;
            unique(keys, row, "DCOORD", "PSD constraint " + i + " entry (" + t[1] + ", " + t[2] + ")");
            psdB[row] = v;
        }
    }

    private static String entry(int e, int count, String keyword, String layout) {
        return "entry " + (e + 1) + " of the " + count + " declared in " + keyword + " (" + layout + ")";
    }

    private int entryCount(String keyword) {
        // No check against the lines left: entries go into growing lists, so a count the file
        // cannot back costs nothing and ends as "the file ends early" at the first missing entry.
        return count(tokens(1, "the number of entries after " + keyword)[0],
                "the number of entries of " + keyword);
    }

    private void unique(Set<Long> keys, long key, String keyword, String what) {
        if (!keys.add(key)) {
            throw src.error("each coordinate once in " + keyword, "a second entry for " + what);
        }
    }

    /**
     * The svec position of matrix entry (k, l) (either triangle) of an order-{@code order} matrix,
     * and in {@link #lastScale} the svec scale of the entry.
     */
    private int svecPosition(String kTok, String lTok, int order) {
        int k = index(kTok, order, "a matrix row index", "the matrix order");
        int l = index(lTok, order, "a matrix column index", "the matrix order");
        lastScale = Svec.scale(k, l);
        return Svec.index(Math.max(k, l), Math.min(k, l), order);
    }

    // ---------------------------------------------------------------- tokens

    /** The next data line, which must have exactly {@code count} fields. */
    private String[] tokens(int count, String expected) {
        if (!src.advance("#")) {
            throw src.unexpected(expected + " (the file ends early)");
        }
        String[] t = Tokens.split(src.current());
        if (t.length != count) {
            throw src.error(expected + ": " + count + (count == 1 ? " field" : " fields"),
                    LineSource.quote(src.current().strip()));
        }
        return t;
    }

    private int count(String tok, String what) {
        if (!Tokens.isInteger(tok) || Integer.parseInt(tok) < 0) {
            throw src.error("a non-negative integer as " + what, LineSource.quote(tok));
        }
        return Integer.parseInt(tok);
    }

    private int index(String tok, int size, String what, String declaredBy) {
        if (!Tokens.isInteger(tok)) {
            throw src.error(what + " (an integer)", LineSource.quote(tok));
        }
        int i = Integer.parseInt(tok);
        if (size == 0) {
            throw src.error(what + ", but none is declared by " + declaredBy, tok);
        }
        if (i < 0 || i >= size) {
            throw src.error(what + " in 0.." + (size - 1) + " (" + size + " declared by " + declaredBy + ")",
                    tok);
        }
        return i;
    }

    private double finite(String tok, String expected) {
        double v = Tokens.number(tok, false);
        if (!Double.isFinite(v)) {
            throw src.error(expected, LineSource.quote(tok));
        }
        return v;
    }

    // ---------------------------------------------------------------- assembly

    private FileProblem build() {
        int columns = solverColumns();
        ConeProgramAssembler asm = new ConeProgramAssembler(columns);
        double sign = maximize ? -1 : 1;
        for (int j = 0; j < n; j++) {
            asm.addObjective(j, sign * objA[j]);
        }
        for (int k = 0; k < objFCol.size(); k++) {
            asm.addObjective(objFCol.get(k), sign * objFVal.get(k));
        }
        int offset = 0;
        for (Cone cone : varCones) {
            Affine[] g = new Affine[cone.size()];
            for (int t = 0; t < g.length; t++) {
                g[t] = Affine.single(offset + t, 1.0, 0.0);
            }
            addCone(asm, cone, g);
            offset += cone.size();
        }
        for (int j = 0; j < psdVar.length; j++) {
            int base = psdVarOffset(j);
            Affine[] g = new Affine[ConeDims.svecLength(psdVar[j])];
            for (int p = 0; p < g.length; p++) {
                g[p] = Affine.single(base + p, 1.0, 0.0);
            }
            asm.psd(psdVar[j], g);
        }
        Affine[] rows = group(m, conRow, conCol, conVal, conB);
        offset = 0;
        for (Cone cone : conCones) {
            Affine[] g = new Affine[cone.size()];
            System.arraycopy(rows, offset, g, 0, g.length);
            addCone(asm, cone, g);
            offset += cone.size();
        }
        Affine[] psdRows = group(psdB.length, psdRow, psdCol, psdVal, psdB);
        offset = 0;
        for (int order : psdCon) {
            Affine[] g = new Affine[ConeDims.svecLength(order)];
            System.arraycopy(psdRows, offset, g, 0, g.length);
            asm.psd(order, g);
            offset += g.length;
        }
        return new FileProblem(ProblemReader.baseName(src.fileName()), "cbf", asm.build(src), n, psdVar,
                List.of(), m + psdCon.length, maximize, objB, List.of());
    }

    /** Affine functions per row from coordinate lists and constants. */
    private static Affine[] group(int count, IntList row, IntList col, DoubleList val, double[] constant) {
        int[] start = new int[count + 1];
        for (int k = 0; k < row.size(); k++) {
            start[row.get(k) + 1]++;
        }
        for (int r = 0; r < count; r++) {
            start[r + 1] += start[r];
        }
        int[] fill = start.clone();
        int[] cols = new int[row.size()];
        double[] vals = new double[row.size()];
        for (int k = 0; k < row.size(); k++) {
            int p = fill[row.get(k)]++;
            cols[p] = col.get(k);
            vals[p] = val.get(k);
        }
        Affine[] out = new Affine[count];
        for (int r = 0; r < count; r++) {
            out[r] = new Affine(Arrays.copyOfRange(cols, start[r], start[r + 1]),
                    Arrays.copyOfRange(vals, start[r], start[r + 1]), constant[r]);
        }
        return out;
    }

    /** The slack rows of "g ∈ cone" (see the class comment for each cone's map). */
    private static void addCone(ConeProgramAssembler asm, Cone cone, Affine[] g) {
        switch (cone.kind()) {
            case "F" -> {
            }
            case "L+" -> {
                for (Affine a : g) {
                    asm.nonneg(a);
                }
            }
            case "L-" -> {
                for (Affine a : g) {
                    asm.nonneg(a.scaled(-1));
                }
            }
            case "L=" -> {
                for (Affine a : g) {
                    asm.zero(a);
                }
            }
            case "Q" -> asm.soc(g);
            case "QR" -> {
                double h = 1 / Svec.SQRT2;
                Affine[] s = g.clone();
                s[0] = Affine.combine(h, g[0], h, g[1]);
                s[1] = Affine.combine(h, g[0], -h, g[1]);
                asm.soc(s);
            }
            case "EXP" -> asm.exp(g[2], g[1], g[0]);
            case "EXP*" -> asm.dualExp(g[2], g[1], g[0]);
            case "POW" -> asm.power(cone.alpha(), g[0], g[1], g[2]);
            case "POW*" -> asm.power(-cone.alpha(), g[0], g[1], g[2]);
            default -> throw new IllegalStateException(cone.kind());
        }
    }
}
