/// When a consumer is reminded that their card expires before the next debit of a scheduled consent: the
/// policy's days (30) before that debit, so billing can ask for new card details before the debit fails.
public enum CardExpiryReminder {
    /// The next debit on or after `today` under `terms` and the day to remind on, when that debit falls after the
    /// card's expiry month; nil when it does not, when the terms have no schedule, or when no debit is left
    /// before their end.
    public static func due(card: Card, terms: Terms, today: LocalDate, reminderDays: Int)
        -> (debit: LocalDate, remindOn: LocalDate)?
    {
        guard terms.type == .scheduled, let first = terms.firstDebitDate, let frequency = terms.frequency else {
            return nil
        }
        let next = DebitSchedule(first: first, frequency: frequency).firstOccurrence(onOrAfter: today)
        if let end = terms.endDate, next > end { return nil }
        guard card.isExpired(on: next) else { return nil }
        return (next, next.adding(days: -reminderDays))
    }
}
