extension ConsentDraftValidator {
    static let evidenceKeys: Set<String> = ["acceptedAt", "ipAddress", "userAgent", "disclosureText", "disclosureVersion"]

    static func readEvidence(_ root: JSONObjectFields, now: Instant, _ report: inout ValidationReport) -> Evidence? {
        guard case .present(let fields) = report.object("evidence", of: root, required: true, allowedKeys: evidenceKeys)
        else { return nil }

        var acceptedAt = report.instant("acceptedAt", of: fields, required: true)
        if let accepted = acceptedAt.value, accepted > now {
            // Consents imported from an earlier system may be old, but none can have been given in the future.
            report.add(fields.path(of: "acceptedAt"), "must not be in the future")
            acceptedAt = .invalid
        }
        let ipAddress = report.checkedString("ipAddress", of: fields, required: true) { text in
            IPAddress.isValid(text) ? nil : "must be an IPv4 or IPv6 address"
        }
        let userAgent = report.checkedString("userAgent", of: fields, required: false) { text in
            if TextRules.containsControlCharacter(text) { return "must not contain control characters" }
            return TextRules.length(text) > 1_000 ? "must be at most 1000 characters" : nil
        }
        let disclosureText = report.checkedString(
            "disclosureText", of: fields, required: true, TextProblems.freeText(maximumLength: 100_000))
        let disclosureVersion = report.checkedString(
            "disclosureVersion", of: fields, required: true, TextProblems.singleLine(maximumLength: 100))

        guard let acceptedAt = acceptedAt.value, let ipAddress = ipAddress.value, !userAgent.isInvalid,
              let disclosureText = disclosureText.value, let disclosureVersion = disclosureVersion.value else { return nil }
        return Evidence(
            acceptedAt: acceptedAt, ipAddress: ipAddress, userAgent: userAgent.value, disclosureText: disclosureText,
            disclosureVersion: disclosureVersion)
    }
}
