// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.io;

import io.convexlayers.io.ConeProgramAssembler.DoubleList;
import io.convexlayers.io.ConeProgramAssembler.IntList;
import io.convexlayers.data.ConeProgram;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Reader of MPS linear programs and their QPS extension (quadratic objective), fixed or free
 * layout ({@link MpsLayout}).
 *
 * <p><b>Sections.</b> {@code NAME}, {@code OBJSENSE} (value on the same line or the next one:
 * {@code MIN}, {@code MINIMIZE}, {@code MAX}, {@code MAXIMIZE}), {@code OBJNAME}, {@code ROWS}
 * (types N, E, L, G), {@code COLUMNS}, {@code RHS}, {@code RANGES}, {@code BOUNDS},
 * {@code QUADOBJ} (one triangle of Q), {@code QMATRIX} (all of Q), {@code ENDATA}. Lines starting
 * with {@code *} are comments, blank lines are skipped, section headers start in column 1 and
 * data lines do not. A missing {@code ENDATA} is an error (it is how a truncated file shows).
 *
 * <p><b>Meaning.</b> The objective is the first N row (or the row named by OBJNAME); further N
 * rows are free rows and are ignored. A value of the objective row in RHS is the negated objective
 * constant. With a RANGES value R on a row with right-hand side b, the row's interval is
 * [b−|R|, b] for L rows, [b, b+|R|] for G rows, and [b, b+R] (R &gt; 0) or [b+R, b] (R &lt; 0)
 * for E rows; an interval of zero width is an equality. Only the first RHS, RANGES and BOUNDS set
 * is used (others are ignored with a warning). Default bounds are [0, +∞); UP, LO, FX, FR, MI, PL
 * set them as usual; an UP bound below zero on a column without an explicit lower bound sets the
 * lower bound to −∞ (the convention of the common MPS readers; reported in the warnings).
 * Values of magnitude ≥ 10³⁰ (and {@code inf}) in RHS, RANGES and BOUNDS are infinite. Integer
 * markers and the integer bound types BV, LI, UI (and SC) are rejected: this is a continuous
 * solver. The objective is cᵀx + ½xᵀQx + constant.
 *
 * <p><b>Cone program.</b> Variables are the columns in file order. Equalities (E rows, zero-width
 * ranges, FX bounds and equal lower and upper bounds) are zero-cone rows; every finite side of a
 * row interval or a column's bounds is one nonnegative row (aᵀx ≥ l as aᵀx − l ≥ 0, aᵀx ≤ u as
 * u − aᵀx ≥ 0). P is the upper triangle of Q (negated, as is c, for maximization).
 */
final class MpsReader {
    private static final double INFINITE_BOUND = 1e30;
    private static final int[] FIXED_GAPS = {0, 3, 12, 13, 22, 23, 36, 37, 38, 47, 48};
    private static final int FIXED_END = 61;
    private static final String SECTIONS =
            "an MPS section (NAME, OBJSENSE, OBJNAME, ROWS, COLUMNS, RHS, RANGES, BOUNDS, QUADOBJ,"
                    + " QMATRIX or ENDATA)";

    private enum Section { NONE, NAME, OBJSENSE, OBJNAME, ROWS, COLUMNS, RHS, RANGES, BOUNDS, QUADOBJ, QMATRIX }

    private final LineSource src;
    private final MpsLayout layout;
    private final boolean qpsRequested;
    private boolean fixed;

    private String name = "";
    private boolean maximize;
    private boolean senseGiven;
    private String objName;
    private final Set<Section> seen = new HashSet<>();
    private Section section = Section.NONE;
    private int sectionLine;
    /** The line of the QUADOBJ or QMATRIX header: where a non-convex objective is reported. */
    private int quadraticLine;

    private final Map<String, Integer> rowIndex = new HashMap<>();
    private final List<String> rowNames = new ArrayList<>();
    private final StringBuilder rowTypes = new StringBuilder();
    private int objectiveRow = -1;

    private final Map<String, Integer> colIndex = new LinkedHashMap<>();
    private final List<String> colNames = new ArrayList<>();
    private final IntList aRow = new IntList();
    private final IntList aCol = new IntList();
    private final DoubleList aVal = new DoubleList();
    private final Set<Long> aSeen = new HashSet<>();
    private double[] objective = new double[16];

    private double[] rhs;
    private boolean[] rhsGiven;
    private double objectiveConstant;
    private boolean objectiveRhsGiven;
    private double[] range;
    private boolean[] rangeGiven;
    private double[] lower;
    private double[] upper;
    private boolean[] lowerGiven;
    private boolean[] upperByUp;
    private String rhsSet;
    private String rangeSet;
    private String boundSet;
    private final Set<String> ignoredSets = new HashSet<>();

    private final IntList qRow = new IntList();
    private final IntList qCol = new IntList();
    private final DoubleList qVal = new DoubleList();
    private final Map<Long, Double> qEntries = new HashMap<>();

    private final List<String> warnings = new ArrayList<>();

    private MpsReader(LineSource src, MpsLayout layout, boolean qpsRequested) {
        this.src = src;
        this.layout = layout;
        this.qpsRequested = qpsRequested;
    }

    /** Reads an MPS or QPS file; {@code qps} only decides the reported format name. */
    static FileProblem read(LineSource src, MpsLayout layout, boolean qps) {
        return new MpsReader(src, layout, qps).parse();
    }

    private FileProblem parse() {
        fixed = switch (layout) {
            case FIXED -> true;
            case FREE -> false;
            case AUTO -> fitsFixedLayout();
        };
        boolean ended = false;
        while (src.advance("*")) {
            String line = src.current();
            if (!Tokens.isBlank(line.charAt(0))) {
                if (header(line)) {
                    ended = true;
                    break;
                }
            } else {
                dataLine(line);
            }
        }
        if (!ended) {
            throw src.unexpected("ENDATA (the file ends early)");
        }
        return build();
    }

    // ---------------------------------------------------------------- layout detection

    /** Whether every data line of the file fits the fixed columns of its section. */
    private boolean fitsFixedLayout() {
        Section s = Section.NONE;
        for (int i = 0; i < src.size(); i++) {
            String line = src.line(i);
            int k = LineSource.firstNonBlank(line);
            if (k < 0 || line.charAt(k) == '*') {
                continue;
            }
            if (k == 0) {
                String key = Tokens.split(line)[0].toUpperCase(Locale.ROOT);
                if (key.equals("ENDATA")) {
                    break;
                }
                try {
                    s = Section.valueOf(key);
                } catch (IllegalArgumentException e) {
                    s = Section.NONE;
                }
                continue;
            }
            if (!fitsFixed(line, s)) {
                return false;
            }
        }
        return true;
    }

    private static boolean fitsFixed(String line, Section s) {
        if (s == Section.COLUMNS && isMarker(line)) {
            return true;
        }
        if (s == Section.NAME || s == Section.OBJSENSE || s == Section.OBJNAME || s == Section.NONE) {
            return true;
        }
        String[] f = fixedFields(line);
        if (f == null) {
            return false;
        }
        return switch (s) {
            case ROWS -> !f[0].isEmpty() && !f[1].isEmpty() && blank(f, 2, 6);
            case COLUMNS -> f[0].isEmpty() && !f[1].isEmpty() && !f[2].isEmpty() && isNumber(f[3])
                    && pair(f[4], f[5]);
            case RHS, RANGES -> f[0].isEmpty() && !f[2].isEmpty() && isNumber(f[3]) && pair(f[4], f[5]);
            case BOUNDS -> !f[0].isEmpty() && !f[2].isEmpty() && blank(f, 4, 6)
                    && (needsValue(f[0]) ? isNumber(f[3]) : f[3].isEmpty() || isNumber(f[3]));
            case QUADOBJ, QMATRIX -> f[0].isEmpty() && !f[1].isEmpty() && !f[2].isEmpty()
                    && isNumber(f[3]) && blank(f, 4, 6);
            default -> true;
        };
    }

    private static boolean blank(String[] f, int from, int to) {
        for (int i = from; i < to; i++) {
            if (!f[i].isEmpty()) {
                return false;
            }
        }
        return true;
    }

    private static boolean pair(String nameField, String valueField) {
        return nameField.isEmpty() ? valueField.isEmpty() : isNumber(valueField);
    }

    private static boolean isNumber(String s) {
        return !Double.isNaN(Tokens.number(s, true));
    }

    /**
     * The six fixed fields (columns 2–3, 5–12, 15–22, 25–36, 40–47, 50–61), trimmed; {@code null}
     * when a separator column or anything past column 61 is not blank, or the line has a tab.
     */
    static String[] fixedFields(String line) {
        if (line.indexOf('\t') >= 0) {
            return null;
        }
        for (int g : FIXED_GAPS) {
            if (g < line.length() && line.charAt(g) != ' ') {
                return null;
            }
        }
        for (int k = FIXED_END; k < line.length(); k++) {
            if (!Tokens.isBlank(line.charAt(k))) {
                return null;
            }
        }
        return new String[] {cut(line, 1, 3), cut(line, 4, 12), cut(line, 14, 22), cut(line, 24, 36),
                cut(line, 39, 47), cut(line, 49, 61)};
    }

    private static String cut(String line, int from, int to) {
        if (from >= line.length()) {
            return "";
        }
        return Tokens.trim(line.substring(from, Math.min(to, line.length())));
    }

    private static boolean isMarker(String line) {
        return line.toUpperCase(Locale.ROOT).contains("'MARKER'");
    }

    private static boolean needsValue(String boundType) {
        return switch (boundType.toUpperCase(Locale.ROOT)) {
            case "FR", "MI", "PL", "BV" -> false;
            default -> true;
        };
    }

    // ---------------------------------------------------------------- headers

    /** Handles a section header; returns true at ENDATA. */
    private boolean header(String line) {
        String[] t = Tokens.split(line);
        String key = t[0].toUpperCase(Locale.ROOT);
        leaveSection();
        if (key.equals("ENDATA")) {
            if (!seen.contains(Section.ROWS)) {
                throw src.error("a ROWS section before ENDATA", "'ENDATA'");
            }
            if (!seen.contains(Section.COLUMNS)) {
                throw src.error("a COLUMNS section before ENDATA", "'ENDATA'");
            }
            return true;
        }
        Section next;
        try {
            next = Section.valueOf(key);
        } catch (IllegalArgumentException e) {
            next = Section.NONE;
        }
        if (next == Section.NONE) {
            throw src.error(SECTIONS, LineSource.quote(t[0]));
        }
        if (!seen.add(next)) {
            throw src.error("each section once", "a second " + key + " section");
        }
        switch (next) {
            case COLUMNS -> {
                requireSeen(Section.ROWS, key);
                startColumns();
            }
            case RHS, RANGES, BOUNDS, QUADOBJ, QMATRIX -> {
                requireSeen(Section.COLUMNS, key);
                if ((next == Section.QUADOBJ && seen.contains(Section.QMATRIX))
                        || (next == Section.QMATRIX && seen.contains(Section.QUADOBJ))) {
                    throw src.error("one of QUADOBJ or QMATRIX", "both");
                }
            }
            case NAME -> name = nameOf(line, t);
            default -> {
            }
        }
        section = next;
        sectionLine = src.lineNumber();
        if (next == Section.QUADOBJ || next == Section.QMATRIX) {
            quadraticLine = sectionLine;
        }
        if ((next == Section.OBJSENSE || next == Section.OBJNAME) && t.length > 1) {
            sectionValue(t[1]);
        }
        return false;
    }

    private void requireSeen(Section before, String key) {
        if (!seen.contains(before)) {
            throw src.error("a " + before + " section before " + key, "'" + key + "'");
        }
    }

    private String nameOf(String line, String[] t) {
        if (fixed && line.length() > 14 && line.substring(4, 14).isBlank()) {
            return cut(line, 14, 22);
        }
        return t.length > 1 ? t[1] : "";
    }

    private void leaveSection() {
        if (section == Section.OBJSENSE && !senseGiven) {
            throw src.unexpected("MAX or MIN after OBJSENSE");
        }
        if (section == Section.OBJNAME && objName == null) {
            throw src.unexpected("the objective row name after OBJNAME");
        }
    }

    private void sectionValue(String value) {
        if (section == Section.OBJSENSE) {
            if (senseGiven) {
                throw src.error("one objective sense", "a second value " + LineSource.quote(value));
            }
            switch (value.toUpperCase(Locale.ROOT)) {
                case "MAX", "MAXIMIZE" -> maximize = true;
                case "MIN", "MINIMIZE" -> maximize = false;
                default -> throw src.error("MAX, MAXIMIZE, MIN or MINIMIZE", LineSource.quote(value));
            }
            senseGiven = true;
        } else {
            if (objName != null) {
                throw src.error("one objective row name", "a second name " + LineSource.quote(value));
            }
            objName = value;
        }
    }

    private void startColumns() {
        int m = rowNames.size();
        if (objName != null) {
            Integer r = rowIndex.get(objName);
            if (r == null || rowTypes.charAt(r) != 'N') {
                throw src.errorAt(sectionLine, "OBJNAME to name an N row declared in ROWS",
                        LineSource.quote(objName));
            }
            objectiveRow = r;
        } else {
            objectiveRow = rowTypes.indexOf("N");
            if (objectiveRow < 0) {
                warnings.add("no objective (N) row: the objective is zero");
            }
        }
        rhs = new double[m];
        rhsGiven = new boolean[m];
        range = new double[m];
        rangeGiven = new boolean[m];
    }

    // ---------------------------------------------------------------- data lines

    private void dataLine(String line) {
        switch (section) {
            case NONE -> throw src.error("a section header in column 1", LineSource.quote(line.strip()));
            case NAME -> throw src.error(SECTIONS + " after NAME", LineSource.quote(line.strip()));
            case OBJSENSE, OBJNAME -> {
                String[] t = Tokens.split(line);
                if (t.length != 1) {
                    throw src.error("a single value after " + section, LineSource.quote(line.strip()));
                }
                sectionValue(t[0]);
            }
            case COLUMNS -> {
                if (isMarker(line)) {
                    marker(line);
                } else {
                    column(fields(line));
                }
            }
            case ROWS -> row(fields(line));
            case RHS -> rhs(fields(line));
            case RANGES -> range(fields(line));
            case BOUNDS -> bound(fields(line));
            case QUADOBJ, QMATRIX -> quadratic(fields(line));
            default -> throw new IllegalStateException(section.toString());
        }
    }

    /** The six fields of a data line of the current section, from fixed columns or free tokens. */
    private String[] fields(String line) {
        if (fixed) {
            String[] f = fixedFields(line);
            if (f == null) {
                throw src.error("fields in the fixed MPS columns 2-3, 5-12, 15-22, 25-36, 40-47, 50-61"
                        + " (blank in between)", LineSource.quote(line));
            }
            return f;
        }
        String[] t = Tokens.split(line);
        String[] f = {"", "", "", "", "", ""};
        switch (section) {
            case ROWS -> {
                expectTokens(t, t.length == 2, "a row type and a row name");
                f[0] = t[0];
                f[1] = t[1];
            }
            case COLUMNS -> {
                expectTokens(t, t.length == 3 || t.length == 5,
                        "a column name and one or two (row name, value) pairs");
                System.arraycopy(t, 0, f, 1, t.length);
            }
            case RHS, RANGES -> {
                expectTokens(t, t.length >= 2 && t.length <= 5,
                        "an optional set name and one or two (row name, value) pairs");
                System.arraycopy(t, 0, f, t.length % 2 == 0 ? 2 : 1, t.length);
            }
            case BOUNDS -> {
                rejectIntegerBound(t[0]);
                boolean value = needsValue(t[0]);
                expectTokens(t, value ? t.length == 3 || t.length == 4 : t.length >= 2 && t.length <= 4,
                        value ? "a bound type, an optional set name, a column name and a value"
                                : "a bound type, an optional set name and a column name");
                f[0] = t[0];
                if (t.length == 4 || (!value && t.length == 3)) {
                    System.arraycopy(t, 1, f, 1, t.length - 1);
                } else {
                    System.arraycopy(t, 1, f, 2, t.length - 1);
                }
            }
            case QUADOBJ, QMATRIX -> {
                expectTokens(t, t.length == 3, "two column names and a value");
                System.arraycopy(t, 0, f, 1, 3);
            }
            default -> throw new IllegalStateException(section.toString());
        }
        return f;
    }

    private void expectTokens(String[] t, boolean ok, String expected) {
        if (!ok) {
            throw src.error(expected + " (free MPS)", t.length + " fields "
                    + LineSource.quote(String.join(" ", t)));
        }
    }

    private void row(String[] f) {
        String type = f[0].toUpperCase(Locale.ROOT);
        if (!(type.equals("N") || type.equals("E") || type.equals("L") || type.equals("G"))) {
            throw src.error("a row type N, E, L or G", LineSource.quote(f[0]));
        }
        if (f[1].isEmpty()) {
            throw src.error("a row name", "a blank name");
        }
        if (rowIndex.putIfAbsent(f[1], rowNames.size()) != null) {
            throw src.error("a new row name", "a duplicate row " + LineSource.quote(f[1]));
        }
        rowNames.add(f[1]);
        rowTypes.append(type.charAt(0));
    }

    private void marker(String line) {
        String u = line.toUpperCase(Locale.ROOT);
        if (u.contains("'INTORG'") || u.contains("'INTEND'")) {
            throw src.error("continuous variables (integer MARKER sections are not supported:"
                    + " this is a continuous solver)", LineSource.quote(line.strip()));
        }
        throw src.error("a MARKER line with 'INTORG' or 'INTEND'", LineSource.quote(line.strip()));
    }

    private void column(String[] f) {
        String col = f[1];
        if (col.isEmpty()) {
            throw src.error("a column name", "a blank name");
        }
        Integer j = colIndex.get(col);
        if (j == null) {
            j = colNames.size();
            colIndex.put(col, j);
            colNames.add(col);
            if (j == objective.length) {
                objective = Arrays.copyOf(objective, 2 * j);
            }
        }
        for (int p = 2; p <= 4; p += 2) {
            if (p == 4 && f[4].isEmpty()) {
                break;
            }
            int r = rowOf(f[p]);
            double v = finite(f[p + 1], "a number as the coefficient of column " + col + " in row " + f[p]);
            if (!aSeen.add(((long) j << 32) | r)) {
                throw src.error("one coefficient per column and row", "a second entry for column "
                        + LineSource.quote(col) + " in row " + LineSource.quote(f[p]));
            }
            if (r == objectiveRow) {
                objective[j] = v;
            } else if (rowTypes.charAt(r) != 'N') {
                aRow.add(r);
                aCol.add(j);
                aVal.add(v);
            }
        }
    }

    private int rowOf(String rowName) {
        Integer r = rowIndex.get(rowName);
        if (r == null) {
            throw src.error("a row declared in ROWS", "undeclared row " + LineSource.quote(rowName));
        }
        return r;
    }

    private int columnOf(String colName) {
        Integer j = colIndex.get(colName);
        if (j == null) {
            throw src.error("a column declared in COLUMNS", "undeclared column " + LineSource.quote(colName));
        }
        return j;
    }

    private double finite(String token, String expected) {
        double v = Tokens.number(token, false);
        if (!Double.isFinite(v)) {
            throw src.error(expected, token.isEmpty() ? "a blank field" : LineSource.quote(token));
        }
        return v;
    }

    private double bound(String token, String expected) {
        double v = Tokens.number(token, true);
        if (Double.isNaN(v)) {
            throw src.error(expected, token.isEmpty() ? "a blank field" : LineSource.quote(token));
        }
        return v >= INFINITE_BOUND ? Double.POSITIVE_INFINITY
                : v <= -INFINITE_BOUND ? Double.NEGATIVE_INFINITY : v;
    }

    /** Whether entries of set {@code set} are used: the first set named in a section is. */
    private boolean firstSet(String kind, String first, String set) {
        if (first == null || first.equals(set)) {
            return true;
        }
        if (ignoredSets.add(kind + " " + set)) {
            warnings.add(kind + " set '" + set + "' ignored (only the first set, '" + first + "', is used)");
        }
        return false;
    }

    private void rhs(String[] f) {
        if (!firstSet("RHS", rhsSet, f[1])) {
            return;
        }
        rhsSet = f[1];
        for (int p = 2; p <= 4 && !f[p].isEmpty(); p += 2) {
            int r = rowOf(f[p]);
            double v = bound(f[p + 1], "a number as the right-hand side of row " + f[p]);
            if (r == objectiveRow) {
                if (objectiveRhsGiven) {
                    throw src.error("one RHS value per row", "a second value for the objective row");
                }
                objectiveRhsGiven = true;
                if (!Double.isFinite(v)) {
                    throw src.error("a finite objective constant", LineSource.quote(f[p + 1]));
                }
                objectiveConstant = -v;
            } else if (rowTypes.charAt(r) != 'N') {
                if (rhsGiven[r]) {
                    throw src.error("one RHS value per row", "a second value for row " + LineSource.quote(f[p]));
                }
                rhsGiven[r] = true;
                rhs[r] = v;
            }
        }
    }

    private void range(String[] f) {
        if (!firstSet("RANGES", rangeSet, f[1])) {
            return;
        }
        rangeSet = f[1];
        for (int p = 2; p <= 4 && !f[p].isEmpty(); p += 2) {
            int r = rowOf(f[p]);
            double v = bound(f[p + 1], "a number as the range of row " + f[p]);
            if (rowTypes.charAt(r) == 'N') {
                throw src.error("a range on an E, L or G row", "a range on N row " + LineSource.quote(f[p]));
            }
            if (rangeGiven[r]) {
                throw src.error("one RANGES value per row", "a second value for row " + LineSource.quote(f[p]));
            }
            rangeGiven[r] = true;
            range[r] = v;
        }
    }

    private void rejectIntegerBound(String type) {
        String t = type.toUpperCase(Locale.ROOT);
        if (t.equals("BV") || t.equals("LI") || t.equals("UI") || t.equals("SC")) {
            throw src.error("a continuous bound type UP, LO, FX, FR, MI or PL (integer and"
                    + " semi-continuous variables are not supported: this is a continuous solver)",
                    "bound type " + t);
        }
    }

    private void bound(String[] f) {
        String type = f[0].toUpperCase(Locale.ROOT);
        rejectIntegerBound(type);
        if (!Set.of("UP", "LO", "FX", "FR", "MI", "PL").contains(type)) {
            throw src.error("a bound type UP, LO, FX, FR, MI or PL", LineSource.quote(f[0]));
        }
        if (!firstSet("BOUNDS", boundSet, f[1])) {
            return;
        }
        boundSet = f[1];
        int j = columnOf(f[2]);
        if (lower == null) {
            int n = colNames.size();
            lower = new double[n];
            upper = new double[n];
            Arrays.fill(upper, Double.POSITIVE_INFINITY);
            lowerGiven = new boolean[n];
            upperByUp = new boolean[n];
        }
        double v = needsValue(type) ? bound(f[3], "a number as the " + type + " bound of column " + f[2]) : 0;
        switch (type) {
            case "UP" -> {
                upper[j] = v;
                upperByUp[j] = true;
            }
            case "LO" -> {
                lower[j] = v;
                lowerGiven[j] = true;
            }
            case "FX" -> {
                if (!Double.isFinite(v)) {
                    throw src.error("a finite FX value", LineSource.quote(f[3]));
                }
                lower[j] = v;
                upper[j] = v;
                lowerGiven[j] = true;
                upperByUp[j] = false;
            }
            case "FR" -> {
                lower[j] = Double.NEGATIVE_INFINITY;
                upper[j] = Double.POSITIVE_INFINITY;
                lowerGiven[j] = true;
                upperByUp[j] = false;
            }
            case "MI" -> {
                lower[j] = Double.NEGATIVE_INFINITY;
                lowerGiven[j] = true;
            }
            default -> { // PL
                upper[j] = Double.POSITIVE_INFINITY;
                upperByUp[j] = false;
            }
        }
    }

    private void quadratic(String[] f) {
        int i = columnOf(f[1]);
        int j = columnOf(f[2]);
        double v = finite(f[3], "a number as the " + section + " entry (" + f[1] + ", " + f[2] + ")");
        long key = section == Section.QUADOBJ
                ? ((long) Math.min(i, j) << 32) | Math.max(i, j)
                : ((long) i << 32) | j;
        if (qEntries.putIfAbsent(key, v) != null) {
            throw src.error(section == Section.QUADOBJ
                    ? "one QUADOBJ entry per pair of columns (QUADOBJ lists one triangle of Q)"
                    : "one QMATRIX entry per (row, column)", "a second entry (" + f[1] + ", " + f[2] + ")");
        }
        qRow.add(i);
        qCol.add(j);
        qVal.add(v);
    }

    // ---------------------------------------------------------------- assembly

    private FileProblem build() {
        int n = colNames.size();
        int m = rowNames.size();
        ConeProgramAssembler asm = new ConeProgramAssembler(n);
        double sign = maximize ? -1 : 1;
        for (int j = 0; j < n; j++) {
            asm.addObjective(j, sign * objective[j]);
        }
        boolean qmatrix = seen.contains(Section.QMATRIX);
        boolean asymmetric = false;
        for (int k = 0; k < qVal.size(); k++) {
            int i = qRow.get(k);
            int j = qCol.get(k);
            double v = qVal.get(k);
            if (!qmatrix || i == j) {
                asm.addQuadratic(i, j, sign * v);
            } else {
                asm.addQuadratic(i, j, sign * v / 2);
                Double mirror = qEntries.get(((long) j << 32) | i);
                asymmetric |= mirror == null || mirror != v;
            }
        }
        if (asymmetric) {
            warnings.add("QMATRIX is not symmetric: its symmetric part (Q + Q^T)/2 is used");
        }

        // constraint rows, grouped by row
        int[] start = new int[m + 1];
        for (int k = 0; k < aRow.size(); k++) {
            start[aRow.get(k) + 1]++;
        }
        for (int r = 0; r < m; r++) {
            start[r + 1] += start[r];
        }
        int[] cols = new int[aRow.size()];
        double[] vals = new double[aRow.size()];
        int[] fill = Arrays.copyOf(start, m);
        for (int k = 0; k < aRow.size(); k++) {
            int p = fill[aRow.get(k)]++;
            cols[p] = aCol.get(k);
            vals[p] = aVal.get(k);
        }
        int constraints = 0;
        for (int r = 0; r < m; r++) {
            char type = rowTypes.charAt(r);
            if (type == 'N') {
                continue;
            }
            constraints++;
            double b = rhs[r];
            double lo = type == 'L' ? Double.NEGATIVE_INFINITY : b;
            double hi = type == 'G' ? Double.POSITIVE_INFINITY : b;
            if (rangeGiven[r]) {
                double rg = range[r];
                if (type == 'L') {
                    lo = b - Math.abs(rg);
                } else if (type == 'G') {
                    hi = b + Math.abs(rg);
                } else if (rg > 0) {
                    hi = b + rg;
                } else if (rg < 0) {
                    lo = b + rg;
                }
            }
            int[] rc = Arrays.copyOfRange(cols, start[r], start[r + 1]);
            double[] rv = Arrays.copyOfRange(vals, start[r], start[r + 1]);
            interval(asm, rc, rv, lo, hi, "row " + rowNames.get(r));
        }
        for (int j = 0; j < n; j++) {
            double lo = lower == null ? 0 : lower[j];
            double hi = lower == null ? Double.POSITIVE_INFINITY : upper[j];
            if (lower != null && upperByUp[j] && hi < 0 && !lowerGiven[j]) {
                lo = Double.NEGATIVE_INFINITY;
                warnings.add("column " + colNames.get(j) + ": negative UP bound " + hi
                        + " without a lower bound; lower bound set to -infinity");
            }
            interval(asm, new int[] {j}, new double[] {1.0}, lo, hi, "column " + colNames.get(j));
        }
        ConeProgram program = asm.build(src);
        QuadraticConvexity.requireConvex(program.p(), colNames, maximize,
                seen.contains(Section.QMATRIX) ? "QMATRIX" : "QUADOBJ", src.fileName(), quadraticLine);
        String problemName = name.isEmpty() ? ProblemReader.baseName(src.fileName()) : name;
        String format = qpsRequested || qVal.size() > 0 || seen.contains(Section.QUADOBJ) || qmatrix
                ? "qps" : "mps";
        return new FileProblem(problemName, format, program, n, new int[0], colNames, constraints,
                maximize, objectiveConstant, warnings);
    }

    /** Rows for lo ≤ aᵀx ≤ hi: one equality when lo = hi, else one row per finite side. */
    private void interval(ConeProgramAssembler asm, int[] cols, double[] vals, double lo, double hi,
                          String what) {
        lo = lo <= -INFINITE_BOUND ? Double.NEGATIVE_INFINITY : lo;
        hi = hi >= INFINITE_BOUND ? Double.POSITIVE_INFINITY : hi;
        if (lo == Double.POSITIVE_INFINITY || hi == Double.NEGATIVE_INFINITY) {
            throw new ProblemFormatException(src.fileName(), 0, "finite limits on " + what,
                    "the interval [" + lo + ", " + hi + "]");
        }
        if (lo == hi) {
            asm.zero(new Affine(cols, negate(vals), hi));
            return;
        }
        if (lo > hi) {
            warnings.add(what + ": lower limit " + lo + " exceeds upper limit " + hi + " (infeasible)");
        }
        if (Double.isFinite(lo)) {
            asm.nonneg(new Affine(cols, vals.clone(), -lo));
        }
        if (Double.isFinite(hi)) {
            asm.nonneg(new Affine(cols, negate(vals), hi));
        }
    }

    private static double[] negate(double[] v) {
        double[] out = new double[v.length];
        for (int k = 0; k < v.length; k++) {
            out[k] = -v[k];
        }
        return out;
    }
}
