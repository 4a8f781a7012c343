/// The dates a scheduled consent debits on: `firstDebitDate` and every period after it. Monthly keeps the day of
/// month of the first debit, clamped to the last day of shorter months (31 Jan, 28/29 Feb, 31 Mar, …); custom
/// schedules step a fixed number of days.
public struct DebitSchedule: Sendable, Hashable {
    public let first: LocalDate
    public let frequency: Frequency

    public init(first: LocalDate, frequency: Frequency) {
        self.first = first
        self.frequency = frequency
    }

    /// The schedule's `index`-th date (0 is the first debit).
    public func occurrence(_ index: Int) -> LocalDate {
        switch frequency {
        case .monthly: first.adding(months: index, clampingDay: first.day)
        case .everyDays(let days): first.adding(days: index * days)
        }
    }

    /// True when `date` is one of the schedule's dates, found directly rather than by walking the schedule.
    public func contains(_ date: LocalDate) -> Bool {
        guard date >= first else { return false }
        switch frequency {
        case .monthly:
            let months = (date.year - first.year) * 12 + (date.month - first.month)
            return occurrence(months) == date
        case .everyDays(let days):
            return (date.daysSinceEpoch - first.daysSinceEpoch) % days == 0
        }
    }
}
