/// How long a consent's record is kept once it can no longer be debited: the policy's months (18 by default)
/// after the later of its last approved payment and the day it ended, both in the merchant's time zone. Counting
/// from the later of the two means a record never starts its countdown before it stops mattering: a final
/// payment reported long after it was taken, or a cancellation long after the last payment, still keeps the
/// whole record for the full period from now.
public enum Retention {
    public static func retainUntil(lastApprovedPayment: LocalDate?, endedOn: LocalDate, months: Int) -> LocalDate {
        let from = max(lastApprovedPayment ?? endedOn, endedOn)
        return from.adding(months: months, clampingDay: from.day)
    }

    /// The first day the record may be purged: the day after it was kept until.
    public static func firstPurgeDay(retainUntil: LocalDate) -> LocalDate {
        retainUntil.adding(days: 1)
    }

    /// Whether the record comes up for purging within `days` from `today` (or already has): never while it is
    /// under legal hold.
    public static func isDueForPurge(retainUntil: LocalDate, legalHold: Bool, today: LocalDate, withinDays days: Int)
        -> Bool
    {
        !legalHold && firstPurgeDay(retainUntil: retainUntil) <= today.adding(days: days)
    }

    /// `current` moved by a payment recorded on `recordedOn` (executed on `executedOn`) after the consent ended:
    /// such a payment, approved or not, is evidence of a debit attempt after the end, so the record is kept the
    /// full period from the later of the two days. Never earlier than `current`.
    public static func retainUntil(
        extending current: LocalDate, paymentExecutedOn executedOn: LocalDate, recordedOn: LocalDate, months: Int
    ) -> LocalDate {
        max(current, retainUntil(lastApprovedPayment: executedOn, endedOn: recordedOn, months: months))
    }
}
