// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.dsl;

import io.convexlayers.ConvexLayersException;

/**
 * A problem or constraint that the disciplined convex programming (DCP) rules cannot certify as
 * convex. The message names the smallest offending sub-expression and says why; when a standard
 * rewrite exists it is suggested too.
 */
public class DcpException extends ConvexLayersException {
    private final String offending;
    private final String reason;
    private final String suggestion;

    public DcpException(String offending, String reason, String suggestion) {
        this("not DCP", offending, reason, suggestion);
    }

    protected DcpException(String what, String offending, String reason, String suggestion) {
        super(what + ": " + offending + " — " + reason
                + (suggestion == null ? "" : ". Suggested rewrite: " + suggestion));
        this.offending = offending;
        this.reason = reason;
        this.suggestion = suggestion;
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
