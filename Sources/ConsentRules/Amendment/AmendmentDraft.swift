/// How the consumer came to be bound by new terms.
public enum AmendmentConsent: String, Sendable, CaseIterable {
    /// The consumer accepted them, with the same evidence as a capture.
    case agreed
    /// The merchant told the consumer ahead of time, by an amendment notice.
    case notified
}

/// A change of a consent's terms, once every field has been checked and merged over the terms in force.
public struct AmendmentDraft: Hashable, Sendable {
    /// The whole terms from `effectiveFrom` on.
    public let terms: Terms
    /// The fields the request changed, in the contract's order.
    public let changed: [String]
    public let effectiveFrom: LocalDate
    public let reason: String
    /// Present exactly for an agreed amendment.
    public let evidence: Evidence?

    public init(terms: Terms, changed: [String], effectiveFrom: LocalDate, reason: String, evidence: Evidence?) {
        self.terms = terms
        self.changed = changed
        self.effectiveFrom = effectiveFrom
        self.reason = reason
        self.evidence = evidence
    }

    public var consent: AmendmentConsent { evidence == nil ? .notified : .agreed }
}

/// The outcome of checking an amendment request.
public enum AmendmentValidation: Sendable, Equatable {
    case valid(AmendmentDraft)
    /// A full card number appeared somewhere: refuse with `card_number_not_allowed` and keep nothing.
    case cardNumber
    /// Every problem found, in a stable order.
    case invalid([FieldError])
    /// A notified amendment takes effect sooner than the notice period allows; the first date it may.
    case tooSoon(earliestEffectiveFrom: LocalDate)
    /// A change by notice would let the merchant charge more: these fields need the consumer's acceptance.
    case consumerConsentRequired(fields: [String])
}
