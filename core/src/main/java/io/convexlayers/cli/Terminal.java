// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.cli;

/**
 * Text made safe to print: control characters and invisible format characters (such as the
 * right-to-left override) are written as <code>&#92;xNN</code> or <code>&#92;uNNNN</code>. Every message the command
 * line prints about its input goes through here, because file names, arguments and file contents
 * can carry bytes that a terminal would otherwise interpret.
 */
final class Terminal {
    private Terminal() {
    }

    /** {@code s} with control and format characters escaped; lone surrogates too. */
    static String safe(String s) {
        if (s == null) {
            return "null";
        }
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                out.append(c).append(s.charAt(++i));
            } else if (Character.isISOControl(c) || Character.getType(c) == Character.FORMAT
                    || Character.isSurrogate(c)) {
                String hex = Integer.toHexString(c);
                int width = c < 0x100 ? 2 : 4;
                out.append(c < 0x100 ? "\\x" : "\\u").append("0".repeat(width - hex.length())).append(hex);
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
