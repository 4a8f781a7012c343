/// Who told the merchant about the card now used.
public enum CardSource: String, Sendable, CaseIterable {
    /// The card scheme's account updater, through the merchant's gateway.
    case accountUpdater = "account_updater"
    case consumer
    case merchant
}

/// A card recorded for a consent after its capture: a reissued card, a new one, or the account updater's word
/// that the account is closed.
public struct CardUpdate: Hashable, Sendable {
    public let card: Card
    public let source: CardSource
    /// The account updater answered that the account is closed: no debit can go to it.
    public let accountClosed: Bool

    public init(card: Card, source: CardSource, accountClosed: Bool) {
        self.card = card
        self.source = source
        self.accountClosed = accountClosed
    }
}

public enum CardUpdateValidation: Sendable, Equatable {
    case valid(CardUpdate)
    /// A full card number appeared somewhere: refuse with `card_number_not_allowed` and keep nothing.
    case cardNumber
    case invalid([FieldError])
}

/// Checks a `PUT /v1/consents/{id}/card` body: the card's fields as at capture, its source, and an optional
/// `"accountStatus": "closed"` (only an account updater says so).
public enum CardUpdateValidator {
    static let keys: Set<String> = ConsentDraftValidator.cardKeys.union(["source", "accountStatus"])

    /// - Parameter today: the merchant's local date; an expired card is refused.
    public static func validate(_ body: JSONValue, today: LocalDate) -> CardUpdateValidation {
        if CardNumberGuard.containsCardNumber(body) { return .cardNumber }
        var report = ValidationReport()
        guard case .present(let fields) = report.object(body, at: "", allowedKeys: keys) else {
            return .invalid([FieldError(field: "body", message: "must be a JSON object")])
        }
        let card = ConsentDraftValidator.readCardFields(fields, today: today, &report)
        let source: FieldRead<CardSource> = report.choice("source", of: fields, required: true)
        var closed = false
        switch report.string("accountStatus", of: fields, required: false) {
        case .present("closed"):
            closed = true
            if source.value != nil, source.value != .accountUpdater {
                report.add("accountStatus", "only an account updater reports a closed account")
            }
        case .present("open"), .absent, .invalid:
            break
        case .present:
            report.add("accountStatus", "must be open or closed")
        }
        guard report.isEmpty, let card, let source = source.value else { return .invalid(report.errors) }
        return .valid(CardUpdate(card: card, source: source, accountClosed: closed))
    }
}
