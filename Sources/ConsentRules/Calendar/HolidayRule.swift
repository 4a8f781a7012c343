/// One recurring holiday of a calendar file: how to find its date in a year, in which years it exists, and what
/// happens when it falls on a weekend.
struct HolidayRule: Sendable {
    enum DatePattern: Sendable {
        /// The same month and day every year (a 29 February rule only occurs in leap years).
        case fixed(month: Int, day: Int)
        /// Days after (or, negative, before) Western Easter Sunday.
        case easter(offset: Int)
        /// The `nth` given weekday of a month; a negative `nth` counts from the end (-1 is the last).
        case nthWeekday(month: Int, weekday: Int, nth: Int)
    }

    /// A condition on the weekday of a fixed day of the year, such as "1 February is a Friday".
    struct WeekdayCondition: Sendable {
        let month: Int
        let day: Int
        let weekdays: Set<Int>

        func holds(in year: Int) -> Bool {
            guard let date = LocalDate(year: year, month: month, day: day) else { return false }
            return weekdays.contains(date.isoWeekday)
        }
    }

    enum WeekendPolicy: Sendable {
        /// The holiday stays where it falls, whatever the day.
        case none
        /// On a weekend day, an extra "substitute day" holiday on the next non-weekend day that is not already a
        /// holiday (England and Wales, Ireland).
        case substituteNextFreeWeekday
        /// On a listed weekday, an extra "observed" holiday that many days away (US federal: Saturday -1, Sunday +1).
        case observed(offsets: [Int: Int])
        /// On a listed weekday, the holiday itself moves that many days (Netherlands' King's Day: Sunday -1).
        case moved(offsets: [Int: Int])
    }

    let name: String
    let pattern: DatePattern
    let years: ClosedRange<Int>
    let onlyWhen: WeekdayCondition?
    let exceptWhen: WeekdayCondition?
    let weekendPolicy: WeekendPolicy

    /// The rule's date in `year` before any weekend policy, or nil when it has none that year.
    func date(in year: Int) -> LocalDate? {
        guard years.contains(year) else { return nil }
        if let onlyWhen, !onlyWhen.holds(in: year) { return nil }
        if let exceptWhen, exceptWhen.holds(in: year) { return nil }
        switch pattern {
        case .fixed(let month, let day):
            return LocalDate(year: year, month: month, day: day)
        case .easter(let offset):
            return Easter.sunday(in: year).adding(days: offset)
        case .nthWeekday(let month, let weekday, let nth):
            return Self.nthWeekday(nth, weekday: weekday, month: month, year: year)
        }
    }

    static func nthWeekday(_ nth: Int, weekday: Int, month: Int, year: Int) -> LocalDate? {
        guard nth != 0, let first = LocalDate(year: year, month: month, day: 1) else { return nil }
        let candidate: LocalDate
        if nth > 0 {
            let firstMatch = first.adding(days: (weekday - first.isoWeekday + 7) % 7)
            candidate = firstMatch.adding(days: 7 * (nth - 1))
        } else {
            let last = LocalDate.lastDay(ofMonth: month, year: year)
            let lastMatch = last.adding(days: -((last.isoWeekday - weekday + 7) % 7))
            candidate = lastMatch.adding(days: 7 * (nth + 1))
        }
        return candidate.month == month ? candidate : nil
    }
}
