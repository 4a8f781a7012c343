import Foundation

/// Judges the rows the compliance report reads for one merchant: those whose deadline falls from `from` to
/// `to` (both included, in the merchant's time zone) are recorded with their outcome; the others, read only
/// because their deadline could have fallen in the range, are left out.
public struct ComplianceJudge: Sendable {
    /// A card-expiry reminder must arrive before the debit it warns of: its last day is the day before.
    public static let reminderDays = 1
    /// Days ahead in which a coming purge is reported.
    public static let purgeHorizonDays = 30

    public let from: LocalDate
    public let to: LocalDate
    public let today: LocalDate
    public let timeZone: TimeZone
    public private(set) var tally = ComplianceTally()

    public init(from: LocalDate, to: LocalDate, today: LocalDate, timeZone: TimeZone) {
        self.from = from
        self.to = to
        self.today = today
        self.timeZone = timeZone
    }

    private func inRange(_ day: LocalDate) -> Bool {
        from <= day && day <= to
    }

    public mutating func confirmation(_ duty: ComplianceDuty, consentId: UUID, dueBy: LocalDate, sentAt: Instant?) {
        guard inRange(dueBy) else { return }
        let outcome = ConfirmationDuty.outcome(dueBy: dueBy, sentOn: sentAt?.localDate(in: timeZone), today: today)
        tally.record(duty, outcome, consentId: consentId)
    }

    /// A message owed `days` ahead of something happening on `eventOn`.
    public mutating func notice(
        _ duty: ComplianceDuty, consentId: UUID, eventOn: LocalDate, days: Int, delivery: NoticeDuty.Delivery
    ) {
        let lastDay = NoticePeriod.lastDayToSend(before: eventOn, days: days)
        guard inRange(lastDay) else { return }
        let outcome = NoticeDuty.outcome(delivery, lastDay: lastDay, today: today, timeZone: timeZone)
        tally.record(duty, outcome, consentId: consentId)
    }

    /// A payment executed in the range, recorded if the consent's cancellation had taken effect by then.
    public mutating func payment(consentId: UUID, executedAt: Instant, history: ConsentHistory) {
        guard inRange(executedAt.localDate(in: timeZone)), history.wasCancelled(at: executedAt) else { return }
        tally.record(.paymentAfterCancellation, .recorded, consentId: consentId)
    }

    /// A consent not under legal hold, kept until `retainUntil`: recorded if it may be purged now or within the
    /// horizon.
    public mutating func retention(consentId: UUID, retainUntil: LocalDate) {
        guard
            Retention.isDueForPurge(
                retainUntil: retainUntil, legalHold: false, today: today, withinDays: Self.purgeHorizonDays)
        else { return }
        tally.record(.purgeDue, .dueWithin30Days, consentId: consentId)
    }

    public mutating func legalHold(consentId: UUID) {
        tally.record(.legalHold, .held, consentId: consentId)
    }
}
