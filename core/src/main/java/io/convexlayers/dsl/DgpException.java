// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.dsl;

import io.convexlayers.ConvexLayersException;

/**
 * A problem that the disciplined geometric programming (DGP) rules cannot certify: under
 * {@link Rules#DCP} it is not log-log convex for fixed parameter values; under {@link Rules#DPP} it
 * is, but cannot be compiled once with the parameters' logarithms entering affinely. The message
 * names the smallest offending sub-expression and, where a standard one exists, a rewrite.
 */
public class DgpException extends ConvexLayersException {
    private final Rules rules;
    private final String offending;
    private final String reason;
    private final String suggestion;

    public DgpException(Rules rules, String offending, String reason, String suggestion) {
        super((rules == Rules.DCP ? "not DGP: " : "not DPP under the DGP rules: ") + offending + " — " + reason
                + (suggestion == null ? "" : ". Suggested rewrite: " + suggestion));
        this.rules = rules;
        this.offending = offending;
        this.reason = reason;
        this.suggestion = suggestion;
    }

    /** {@link Rules#DCP}: not DGP at all; {@link Rules#DPP}: DGP, but not for parameters as log-affine. */
    public Rules rules() {
        return rules;
    }

    /** The offending sub-expression (or constraint), printed. */
    public String offendingExpression() {
        return offending;
    }

    /** Why it breaks the rules. */
    public String reason() {
        return reason;
    }

    /** A standard rewrite that fixes it, or {@code null}. */
    public String suggestion() {
        return suggestion;
    }
}
