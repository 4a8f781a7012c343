/// A consent as a checkout submitted it, once every field has been checked.
public struct ConsentDraft: Hashable, Sendable {
    /// Trimmed of surrounding white space.
    public let merchantReference: String
    public let consumer: Consumer
    public let terms: Terms
    public let communication: Communication
    public let card: Card
    public let evidence: Evidence
    /// Present when the first, authenticated payment already succeeded: the consent is then active at once.
    public let recurrenceId: String?

    public init(
        merchantReference: String, consumer: Consumer, terms: Terms, communication: Communication, card: Card,
        evidence: Evidence, recurrenceId: String?
    ) {
        self.merchantReference = merchantReference
        self.consumer = consumer
        self.terms = terms
        self.communication = communication
        self.card = card
        self.evidence = evidence
        self.recurrenceId = recurrenceId
    }

    /// The submitted fields in the contract's shape (what a response repeats next to `id`, `status` and the rest).
    public var json: JSONValue {
        [
            "merchantReference": .string(merchantReference),
            "consumer": consumer.json,
            "terms": terms.json,
            "communication": communication.json,
            "card": card.json,
            "evidence": evidence.json,
            "recurrenceId": recurrenceId.map(JSONValue.string) ?? .null,
        ]
    }
}

/// The outcome of checking a submitted consent.
public enum ConsentDraftValidation: Sendable {
    case valid(ConsentDraft)
    /// A full card number appeared somewhere: refuse with `card_number_not_allowed` and keep nothing of the request.
    case cardNumber
    /// Every problem found, in a stable order.
    case invalid([FieldError])
}
