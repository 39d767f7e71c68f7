// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.dsl;

import io.convexlayers.ConvexLayersException;

/**
 * A problem that is DCP but not DPP (disciplined parametrized programming, Agrawal et al. 2019
 * §4.1): it cannot be compiled once into a cone program whose data is an affine function of the
 * parameters. The message names the offending sub-expression and suggests the standard rewrite.
 * (Not a subclass of {@link DcpException}: the problem may still be solved for fixed parameter
 * values.)
 */
public class DppException extends ConvexLayersException {
    private final String offending;
    private final String reason;
    private final String suggestion;

    public DppException(String offending, String reason, String suggestion) {
        super("not DPP: " + offending + " — " + reason
                + (suggestion == null ? "" : ". Suggested rewrite: " + suggestion));
        this.offending = offending;
        this.reason = reason;
        this.suggestion = suggestion;
    }

    /** The offending sub-expression, printed. */
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
