// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.dsl;

/**
 * Why a problem is not DCP or not DPP: the smallest offending sub-expression (printed), the
 * reason, and a suggested rewrite when a standard one exists.
 *
 * @param rules      the rule set that was violated
 * @param offending  the offending sub-expression or constraint, printed
 * @param reason     why it violates the rules
 * @param suggestion a standard rewrite, or {@code null}
 */
public record Diagnosis(Rules rules, String offending, String reason, String suggestion) {

    /** The exception this diagnosis stands for: {@link DcpException} or {@link DppException}. */
    public RuntimeException toException() {
        return rules == Rules.DCP ? new DcpException(offending, reason, suggestion)
                : new DppException(offending, reason, suggestion);
    }

    /** One readable paragraph. */
    public String explain() {
        return "The problem is not " + rules + ": " + offending + " — " + reason
                + (suggestion == null ? "." : ". Suggested rewrite: " + suggestion + ".");
    }
}
