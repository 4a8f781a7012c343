/// Checks a `POST /v1/consents` body against the contract and turns it into a `ConsentDraft`.
///
/// A body carrying a card number is refused before anything else is looked at. Otherwise every problem is reported
/// at once, so that a checkout developer fixes a request in one round trip. Where a rule depends on another field
/// that is itself wrong (an amount's decimals on an unknown currency), the dependent rule is skipped instead of
/// producing a second, confusing error.
public enum ConsentDraftValidator: Sendable {
    static let topLevelKeys: Set<String> = [
        "merchantReference", "consumer", "terms", "communication", "card", "evidence", "recurrenceId",
    ]

    /// - Parameters:
    ///   - now: the current instant; `evidence.acceptedAt` may not be after it.
    ///   - today: the merchant's local date, for the card's expiry and the latest permitted `terms.endDate`.
    public static func validate(_ body: JSONValue, now: Instant, today: LocalDate) -> ConsentDraftValidation {
        if CardNumberGuard.containsCardNumber(body) { return .cardNumber }

        var report = ValidationReport()
        guard case .object(let members) = body else {
            return .invalid([FieldError(field: "body", message: "must be a JSON object")])
        }
        let root = JSONObjectFields(path: "", members: members)
        for key in members.keys.sorted() where !topLevelKeys.contains(key) {
            report.add(key, "unknown field")
        }

        let merchantReference = report.checkedString(
            "merchantReference", of: root, required: true, TextProblems.singleLine(maximumLength: 255))
        let consumer = readConsumer(root, &report)
        let terms = readTerms(root, today: today, &report)
        let communication = readCommunication(root, &report)
        let card = readCard(root, today: today, &report)
        let evidence = readEvidence(root, now: now, &report)
        let recurrenceId = report.checkedString("recurrenceId", of: root, required: false) { text in
            TextRules.isPrintableASCIIToken(text, maximumLength: 255)
                ? nil : "must be 1 to 255 printable ASCII characters without spaces"
        }

        guard report.isEmpty, let merchantReference = merchantReference.value, let consumer, let terms,
              let communication, let card, let evidence, !recurrenceId.isInvalid else {
            return .invalid(report.errors)
        }
        return .valid(ConsentDraft(
            merchantReference: TextRules.trimmingWhitespace(merchantReference),
            consumer: consumer, terms: terms, communication: communication, card: card, evidence: evidence,
            recurrenceId: recurrenceId.value))
    }
}
