// SPDX-License-Identifier: Apache-2.0
package io.convexlayers.dsl;

/**
 * Why a problem is not DGP (or, under {@link Rules#DPP}, not compilable once as a DGP problem):
 * the smallest offending sub-expression, the reason and a suggested rewrite when one exists.
 *
 * @param rules      {@link Rules#DCP}: parameters as positive constants; {@link Rules#DPP}:
 *                   parameters as log-log affine
 * @param offending  the offending sub-expression or constraint, printed
 * @param reason     why it breaks the log-log rules
 * @param suggestion a standard rewrite, or {@code null}
 */
public record DgpDiagnosis(Rules rules, String offending, String reason, String suggestion) {

    /** The exception this diagnosis stands for. */
    public DgpException toException() {
        return new DgpException(rules, offending, reason, suggestion);
    }

    /** One readable paragraph. */
    public String explain() {
        return "The problem is not " + (rules == Rules.DCP ? "DGP" : "DPP under the DGP rules") + ": " + offending
                + " — " + reason + (suggestion == null ? "." : ". Suggested rewrite: " + suggestion + ".");
    }
}
