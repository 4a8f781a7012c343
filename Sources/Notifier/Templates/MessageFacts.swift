import ConsentRules
import Foundation

/// Everything a message may show about a consent, its merchant and, for notices, the debit.
public struct MessageFacts: Sendable {
    public struct Debit: Sendable {
        public let amount: Money
        public let date: LocalDate

        public init(amount: Money, date: LocalDate) {
            self.amount = amount
            self.date = date
        }
    }

    public let merchantName: String
    public let supportEmail: String
    public let consumerFirstName: String
    public let consumerLastName: String
    public let merchantReference: String
    public let terms: Terms
    public let card: Card
    public let communicationAddress: String
    public let cancelURL: String
    public let debit: Debit?
    public let cancellationEffectiveAt: Instant?
    public let amendment: Amendment?
    /// The merchant's zone, in which a time (the cancellation's) is shown.
    public let timeZone: TimeZone

    /// A change of terms a message is about: the terms before it and after it, and from when.
    public struct Amendment: Sendable {
        public let version: Int
        public let effectiveFrom: LocalDate
        public let reason: String
        public let oldTerms: Terms
        public let newTerms: Terms

        public init(version: Int, effectiveFrom: LocalDate, reason: String, oldTerms: Terms, newTerms: Terms) {
            self.version = version
            self.effectiveFrom = effectiveFrom
            self.reason = reason
            self.oldTerms = oldTerms
            self.newTerms = newTerms
        }
    }

    public init(
        merchantName: String, supportEmail: String, consumerFirstName: String, consumerLastName: String,
        merchantReference: String, terms: Terms, card: Card, communicationAddress: String, cancelURL: String,
        debit: Debit? = nil, cancellationEffectiveAt: Instant? = nil, amendment: Amendment? = nil,
        timeZone: TimeZone = TimeZone(identifier: "UTC") ?? .current
    ) {
        self.merchantName = merchantName
        self.supportEmail = supportEmail
        self.consumerFirstName = consumerFirstName
        self.consumerLastName = consumerLastName
        self.merchantReference = merchantReference
        self.terms = terms
        self.card = card
        self.communicationAddress = communicationAddress
        self.cancelURL = cancelURL
        self.debit = debit
        self.cancellationEffectiveAt = cancellationEffectiveAt
        self.amendment = amendment
        self.timeZone = timeZone
    }

    /// The Mustache context, with amounts, dates and times written as `format`'s language writes them. Absent
    /// optional facts are left out, so `{{#fact}}` sections skip them. An
    /// amendment's two sets of terms are `amendment.old.terms` and `amendment.new.terms`, so that a template
    /// shows either with the terms partial inside `{{#amendment.old}}` or `{{#amendment.new}}`.
    func templateContext(_ format: ReaderFormat) -> [String: Any] {
        var context: [String: Any] = [
            "merchant": ["name": merchantName, "supportEmail": supportEmail],
            "consumer": ["firstName": consumerFirstName, "lastName": consumerLastName],
            "consent": ["reference": merchantReference],
            "card": [
                "brand": card.brand, "last4": card.last4,
                "expiry": (card.expiryMonth < 10 ? "0" : "") + "\(card.expiryMonth)/\(card.expiryYear)",
            ],
            "terms": Self.termsContext(terms, format),
            "communication": ["method": "email", "address": communicationAddress],
            "cancelUrl": cancelURL,
        ]
        if let debit {
            context["debit"] = ["amount": format.amount(debit.amount), "date": format.date(debit.date)]
        }
        if let cancellationEffectiveAt {
            context["cancellation"] = [
                "effectiveAt": format.dateTime(cancellationEffectiveAt, in: timeZone) + " (" + timeZone.identifier + ")"
            ]
        }
        if let amendment {
            context["amendment"] = [
                "version": amendment.version, "effectiveFrom": format.date(amendment.effectiveFrom),
                "dayBefore": format.date(amendment.effectiveFrom.adding(days: -1)), "reason": amendment.reason,
                "old": ["terms": Self.termsContext(amendment.oldTerms, format)],
                "new": ["terms": Self.termsContext(amendment.newTerms, format)],
            ] as [String: Any]
        }
        return context
    }

    static func termsContext(_ terms: Terms, _ format: ReaderFormat) -> [String: Any] {
        var termsContext: [String: Any] = [
            "amount": format.amount(terms.amount),
            "amountFixed": terms.amountType == .fixed,
            "amountVariable": terms.amountType == .variable,
            "datesFixed": terms.dateType == .fixed,
            "datesVariable": terms.dateType == .variable,
            "scheduled": terms.type == .scheduled,
            "unscheduled": terms.type == .unscheduled,
        ]
        termsContext["maxAmount"] = terms.maxAmount.map(format.amount)
        termsContext["firstDebitDate"] = terms.firstDebitDate.map(format.date)
        termsContext["endDate"] = terms.endDate.map(format.date)
        termsContext["objectiveCriteria"] = terms.objectiveCriteria
        switch terms.frequency {
        case .monthly?: termsContext["monthly"] = true
        case .everyDays(let days)?: termsContext["everyDays"] = days
        case nil: break
        }
        return termsContext
    }
}
