// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.cli;

import java.util.Locale;

/**
 * A minimal writer for one flat JSON object with string, number, boolean, string-array and number-array
 * values.
 * Non-finite numbers are written as strings ("Infinity", "-Infinity", "NaN") since JSON has no
 * literal for them.
 */
final class JsonWriter {
    private final StringBuilder out = new StringBuilder("{");
    private boolean first = true;

    private void key(String name) {
        if (!first) {
            out.append(", ");
        }
        first = false;
        string(name);
        out.append(": ");
    }

    private void string(String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    private void number(double v) {
        if (Double.isFinite(v)) {
            out.append(v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v));
        } else {
            string(Double.isNaN(v) ? "NaN" : v > 0 ? "Infinity" : "-Infinity");
        }
    }

    JsonWriter put(String name, String value) {
        key(name);
        string(value);
        return this;
    }

    JsonWriter put(String name, double value) {
        key(name);
        number(value);
        return this;
    }

    JsonWriter put(String name, long value) {
        key(name);
        out.append(value);
        return this;
    }

    JsonWriter put(String name, boolean value) {
        key(name);
        out.append(value);
        return this;
    }

    JsonWriter put(String name, java.util.List<String> values) {
        key(name);
        out.append('[');
        for (int i = 0; i < values.size(); i++) {
            if (i > 0) {
                out.append(", ");
            }
            string(values.get(i));
        }
        out.append(']');
        return this;
    }

    JsonWriter put(String name, double[] values) {
        key(name);
        out.append('[');
        for (int i = 0; i < values.length; i++) {
            if (i > 0) {
                out.append(", ");
            }
            number(values[i]);
        }
        out.append(']');
        return this;
    }

    @Override
    public String toString() {
        return out + "}";
    }
}
