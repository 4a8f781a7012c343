/// The rule every advance notice follows: a notice `days` ahead of something happening on a date is in time
/// when it went out on or before that date less `days`, in the merchant's time zone.
public enum NoticePeriod {
    /// The last day a notice for something on `date` may be sent and still be in time.
    public static func lastDayToSend(before date: LocalDate, days: Int) -> LocalDate {
        date.adding(days: -days)
    }

    public static func isMet(sentOn: LocalDate, before date: LocalDate, days: Int) -> Bool {
        sentOn <= lastDayToSend(before: date, days: days)
    }

    /// The period a debit's notice owes: the notified amendment's when the terms on the debit's date came from
    /// one (it was announced under the policy of its own time), otherwise the consent's policy's.
    public static func days(policyDays: Int, notifiedAmendmentDays: Int?) -> Int {
        notifiedAmendmentDays ?? policyDays
    }
}
