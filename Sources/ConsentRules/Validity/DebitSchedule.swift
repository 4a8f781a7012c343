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

    /// The schedule's first date on or after `date`, found directly rather than by walking the schedule.
    public func firstOccurrence(onOrAfter date: LocalDate) -> LocalDate {
        guard date > first else { return first }
        switch frequency {
        case .monthly:
            let months = (date.year - first.year) * 12 + (date.month - first.month)
            let candidate = occurrence(months)
            return candidate >= date ? candidate : occurrence(months + 1)
        case .everyDays(let days):
            let elapsed = date.daysSinceEpoch - first.daysSinceEpoch
            return first.adding(days: (elapsed + days - 1) / days * days)
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
