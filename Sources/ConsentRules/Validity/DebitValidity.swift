import Foundation

/// Why a debit may not be taken; the contract's reason codes.
public enum ValidityReason: String, Sendable, CaseIterable, Comparable {
    case notActive = "not_active"
    case cancelled
    case completed
    case ended
    case beforeFirstDebit = "before_first_debit"
    case cardExpired = "card_expired"
    case currencyMismatch = "currency_mismatch"
    case amountMismatch = "amount_mismatch"
    case amountAboveMaximum = "amount_above_maximum"
    case dateNotInSchedule = "date_not_in_schedule"
    case noticeRequired = "notice_required"

    /// The contract's order, so answers list reasons the same way every time.
    public static func < (left: ValidityReason, right: ValidityReason) -> Bool {
        (allCases.firstIndex(of: left) ?? 0) < (allCases.firstIndex(of: right) ?? 0)
    }
}

/// A pre-debit notice that went out: the debit it announced and when the SMTP server accepted it.
public struct SentNotice: Sendable, Hashable {
    public let amount: Money
    public let date: LocalDate
    public let sentAt: Instant

    public init(amount: Money, date: LocalDate, sentAt: Instant) {
        self.amount = amount
        self.date = date
        self.sentAt = sentAt
    }
}

/// Everything the decision looks at about one consent.
public struct DebitConsent: Sendable {
    public let status: ConsentStatus
    public let terms: Terms
    public let card: Card
    public let noticeDays: Int
    public let timeZone: TimeZone

    public init(status: ConsentStatus, terms: Terms, card: Card, noticeDays: Int, timeZone: TimeZone) {
        self.status = status
        self.terms = terms
        self.card = card
        self.noticeDays = noticeDays
        self.timeZone = timeZone
    }

    /// A notice is owed whenever the terms do not themselves fix both the amounts and the dates, unless
    /// objective criteria for them were agreed.
    public var requiresNotice: Bool {
        guard terms.objectiveCriteria == nil else { return false }
        return terms.type == .unscheduled || terms.amountType == .variable || terms.dateType == .variable
    }
}

public struct ValidityDecision: Sendable, Equatable {
    /// All that apply, in the contract's order; empty exactly when the debit may be taken.
    public let reasons: [ValidityReason]
    /// With a notice owed: the first date the debit may be taken, `noticeDays` after the matching notice was
    /// sent, or after today while none has been. Nil when no notice is owed.
    public let earliestPermittedDate: LocalDate?

    public var valid: Bool { reasons.isEmpty }
}

/// May this debit be taken? The whole answer from the consent, its sent notices and the clock.
public enum DebitValidity {
    public static func decide(
        _ consent: DebitConsent, amount: Money, date: LocalDate, notices: [SentNotice], now: Instant
    ) -> ValidityDecision {
        var reasons: [ValidityReason] = []
        switch consent.status {
        case .pending, .expired: reasons.append(.notActive)
        case .cancelled: reasons.append(.cancelled)
        case .completed: reasons.append(.completed)
        case .active: break
        }
        let terms = consent.terms
        if let end = terms.endDate, date > end { reasons.append(.ended) }
        if let first = terms.firstDebitDate, date < first { reasons.append(.beforeFirstDebit) }
        if consent.card.isExpired(on: date) { reasons.append(.cardExpired) }
        if amount.currency != terms.currency {
            reasons.append(.currencyMismatch)
        } else {
            switch terms.amountType {
            case .fixed where amount != terms.amount:
                reasons.append(.amountMismatch)
            case .variable:
                if let maximum = terms.maxAmount, amount.minorUnits > maximum.minorUnits {
                    reasons.append(.amountAboveMaximum)
                }
            default:
                break
            }
        }
        if terms.type == .scheduled, terms.dateType == .fixed, let first = terms.firstDebitDate,
            let frequency = terms.frequency, !DebitSchedule(first: first, frequency: frequency).contains(date)
        {
            reasons.append(.dateNotInSchedule)
        }
        var earliest: LocalDate?
        if consent.requiresNotice {
            let days = consent.noticeDays
            let matching = notices.filter { $0.amount == amount && $0.date == date }
                .map { $0.sentAt.localDate(in: consent.timeZone) }.min()
            earliest = (matching ?? now.localDate(in: consent.timeZone)).adding(days: days)
            let notifiedInTime = matching.map { $0.adding(days: days) <= date } ?? false
            if !notifiedInTime { reasons.append(.noticeRequired) }
        }
        return ValidityDecision(reasons: reasons.sorted(), earliestPermittedDate: earliest)
    }
}
