/// A confirmation owed by `dueBy`: on time when sent on or before that day; overdue once the day has ended
/// unsent, the moment the overdue check flags it.
public enum ConfirmationDuty {
    public static func outcome(dueBy: LocalDate, sentOn: LocalDate?, today: LocalDate) -> DutyOutcome {
        if let sentOn { return sentOn <= dueBy ? .sentOnTime : .sentLate }
        return isOverdue(dueBy: dueBy, today: today) ? .overdueUnsent : .notYetDue
    }

    public static func isOverdue(dueBy: LocalDate, today: LocalDate) -> Bool {
        dueBy < today
    }
}

import Foundation

/// A message that must go out by a last day (a pre-debit notice, an amendment's notice, a card-expiry reminder).
public enum NoticeDuty {
    /// Where the message stands, as its outbox shows it.
    public enum Delivery: Sendable, Equatable {
        case sent(at: Instant)
        case failed
        case withdrawn
        case waiting
    }

    /// Days are the merchant's, in `timeZone`.
    public static func outcome(_ delivery: Delivery, lastDay: LocalDate, today: LocalDate, timeZone: TimeZone)
        -> DutyOutcome
    {
        switch delivery {
        case .sent(let at): at.localDate(in: timeZone) <= lastDay ? .sentOnTime : .sentLate
        case .failed: .failed
        case .withdrawn: .withdrawn
        case .waiting: lastDay < today ? .missing : .notYetDue
        }
    }
}
