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
    case amendmentNoticeRequired = "amendment_notice_required"
    case cardClosed = "card_closed"

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
    /// The terms on the debit's date came from an amendment made by notice: when that notice was sent, nil
    /// while it has not been. Nil for terms the consumer agreed to.
    public let amendmentNotice: AmendmentNotice?
    /// The card on the debit's date belongs to an account its account updater reported closed.
    public let cardClosed: Bool

    public init(
        status: ConsentStatus, terms: Terms, card: Card, noticeDays: Int, timeZone: TimeZone,
        amendmentNotice: AmendmentNotice? = nil, cardClosed: Bool = false
    ) {
        self.status = status
        self.terms = terms
        self.card = card
        self.noticeDays = noticeDays
        self.timeZone = timeZone
        self.amendmentNotice = amendmentNotice
        self.cardClosed = cardClosed
    }

    /// The notice of the amendment whose terms apply, as far as it went.
    public struct AmendmentNotice: Sendable, Hashable {
        public let sentAt: Instant?

        public init(sentAt: Instant?) {
            self.sentAt = sentAt
        }
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
    /// With a notice owed (for the debit, or for the amendment whose terms apply): the first date the debit may
    /// be taken, `noticeDays` after the later of those notices was sent, or after today while one has not been.
    /// Nil when no notice is owed.
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
        if consent.cardClosed { reasons.append(.cardClosed) }
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
            let notifiedInTime = matching.map { NoticePeriod.isMet(sentOn: $0, before: date, days: days) } ?? false
            if !notifiedInTime { reasons.append(.noticeRequired) }
        }
        if let amendment = consent.amendmentNotice {
            let sent = amendment.sentAt?.localDate(in: consent.timeZone)
            let permitted = (sent ?? now.localDate(in: consent.timeZone)).adding(days: consent.noticeDays)
            earliest = max(earliest ?? permitted, permitted)
            if !(sent.map { NoticePeriod.isMet(sentOn: $0, before: date, days: consent.noticeDays) } ?? false) {
                reasons.append(.amendmentNoticeRequired)
            }
        }
        return ValidityDecision(reasons: reasons.sorted(), earliestPermittedDate: earliest)
    }
}
