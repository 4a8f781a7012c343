/// The chargeback reasons a dispute pack answers (CONTRACT.md, "Evidence for people").
public enum DisputeReason: String, Sendable, CaseIterable {
    /// Visa 13.2, Mastercard 4841: the consumer says the recurring consent had been cancelled.
    case cancelledRecurring = "cancelled_recurring"
    /// The consumer says they never authorised the payment.
    case notAuthorised = "not_authorised"
}

/// A payment someone disputes, as recorded.
public struct DisputedPayment: Sendable {
    public let paymentId: String
    public let amount: Money
    public let executedAt: Instant
    /// The consent's first payment, authenticated by the consumer (3-D Secure) when the consent was given.
    public let isInitial: Bool

    public init(paymentId: String, amount: Money, executedAt: Instant, isInitial: Bool) {
        self.paymentId = paymentId
        self.amount = amount
        self.executedAt = executedAt
        self.isInitial = isInitial
    }
}

/// What the record says of a disputed payment: whether validity would have allowed it at the moment it was
/// taken, judged by the very rules billing's `validity` answers with (terms and card in force on its date,
/// notices sent in time, the cancellation). A payment the record does not support is reported as such, never
/// argued away.
public struct DisputeAssessment: Sendable, Equatable {
    /// Validity's decision as of the payment's moment; nil for the authenticated first payment, which the
    /// consumer made themselves when giving the consent.
    public let decision: ValidityDecision?
    /// The cancellation had taken effect when the payment was executed.
    public let afterCancellation: Bool

    public var supportsMerchant: Bool {
        !afterCancellation && (decision?.valid ?? true)
    }

    /// Why the record does not support the payment, in the contract's order; empty when it does.
    public var breaches: [ValidityReason] {
        var reasons = decision?.reasons ?? []
        if afterCancellation && !reasons.contains(.cancelled) { reasons.append(.cancelled) }
        return reasons.sorted()
    }

    /// `consent` carries the terms, card and amendment notice in force on the payment's date; its status is
    /// replaced by the consent's status at the payment's moment (see `status(at:)`).
    public static func assess(
        _ payment: DisputedPayment, consent: DebitConsent, history: ConsentHistory, notices: [SentNotice]
    ) -> DisputeAssessment {
        let afterCancellation = history.wasCancelled(at: payment.executedAt)
        guard !payment.isInitial else { return DisputeAssessment(decision: nil, afterCancellation: afterCancellation) }
        let asThen = DebitConsent(
            status: history.status(at: payment.executedAt), terms: consent.terms, card: consent.card,
            noticeDays: consent.noticeDays, timeZone: consent.timeZone, amendmentNotice: consent.amendmentNotice,
            cardClosed: consent.cardClosed)
        let decision = DebitValidity.decide(
            asThen, amount: payment.amount, date: payment.executedAt.localDate(in: consent.timeZone), notices: notices,
            now: payment.executedAt)
        return DisputeAssessment(decision: decision, afterCancellation: afterCancellation)
    }
}

/// The moments that decide a consent's status at a past instant.
public struct ConsentHistory: Sendable {
    public let activatedAt: Instant?
    public let expiresAt: Instant
    public let cancelledAt: Instant?

    public init(activatedAt: Instant?, expiresAt: Instant, cancelledAt: Instant?) {
        self.activatedAt = activatedAt
        self.expiresAt = expiresAt
        self.cancelledAt = cancelledAt
    }

    /// The cancellation had taken effect by `moment`: a payment executed then is one taken after cancellation.
    public func wasCancelled(at moment: Instant) -> Bool {
        cancelledAt.map { $0 <= moment } ?? false
    }

    /// Cancelled from the moment the cancellation took effect; active from activation; before that pending,
    /// or expired once its activation deadline had passed.
    public func status(at moment: Instant) -> ConsentStatus {
        if wasCancelled(at: moment) { return .cancelled }
        if let activatedAt, activatedAt <= moment { return .active }
        return ConsentStatus.pending.effective(expiresAt: expiresAt, at: moment)
    }
}
