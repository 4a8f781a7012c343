/// A country's non-business days: its weekend and its public holidays, computed from the rules of a calendar data
/// file (see `calendars/README.md`), so that an operator can add a country or a one-off holiday without code changes.
public struct HolidayCalendar: Sendable {
    /// ISO 3166-1 alpha-2.
    public let country: String
    /// What the file says it lists, e.g. "England and Wales bank holidays".
    public let name: String
    /// The years the data file vouches for. Dates outside still follow the rules, but nobody checked them.
    public let coverage: ClosedRange<Int>
    /// ISO weekday numbers (1 = Monday … 7 = Sunday) that are never business days.
    public let weekend: Set<Int>

    let rules: [HolidayRule]
    let extraDates: [NamedHoliday]
    let removedDates: Set<LocalDate>
    /// Holidays of every covered year, worked out once because business-day arithmetic asks for them constantly.
    private let holidaysByYear: [Int: [NamedHoliday]]
    private let holidayDays: Set<LocalDate>

    struct NamedHoliday: Sendable {
        let date: LocalDate
        let name: String
    }

    init(
        country: String, name: String, coverage: ClosedRange<Int>, weekend: Set<Int>, rules: [HolidayRule],
        extraDates: [NamedHoliday], removedDates: Set<LocalDate>
    ) {
        self.country = country
        self.name = name
        self.coverage = coverage
        self.weekend = weekend
        self.rules = rules
        self.extraDates = extraDates
        self.removedDates = removedDates
        var byYear: [Int: [NamedHoliday]] = [:]
        var days: Set<LocalDate> = []
        for year in coverage {
            let holidays = HolidayComputation(rules: rules, weekend: weekend, extraDates: extraDates, removedDates: removedDates)
                .holidays(in: year)
            byYear[year] = holidays
            days.formUnion(holidays.map(\.date))
        }
        self.holidaysByYear = byYear
        self.holidayDays = days
    }

    private func namedHolidays(in year: Int) -> [NamedHoliday] {
        holidaysByYear[year]
            ?? HolidayComputation(rules: rules, weekend: weekend, extraDates: extraDates, removedDates: removedDates)
                .holidays(in: year)
    }

    /// The year's holidays in date order, including substitute and observed days; a holiday that falls on a weekend
    /// is listed on its own date as well as on its substitute.
    public func holidays(in year: Int) -> [(date: LocalDate, name: String)] {
        namedHolidays(in: year).map { ($0.date, $0.name) }
    }

    public func isHoliday(_ date: LocalDate) -> Bool {
        if coverage.contains(date.year) { return holidayDays.contains(date) }
        return namedHolidays(in: date.year).contains { $0.date == date }
    }

    public func isWeekend(_ date: LocalDate) -> Bool {
        weekend.contains(date.isoWeekday)
    }

    public func isBusinessDay(_ date: LocalDate) -> Bool {
        !isWeekend(date) && !isHoliday(date)
    }

    public func nextBusinessDay(onOrAfter date: LocalDate) -> LocalDate {
        var day = date
        while !isBusinessDay(day) { day = day.adding(days: 1) }
        return day
    }

    /// The `n`-th business day after `date` (before it for a negative `n`); `date` itself for 0. `date` need not be a
    /// business day: the count starts on the next day either way.
    public func addingBusinessDays(_ n: Int, to date: LocalDate) -> LocalDate {
        let step = n < 0 ? -1 : 1
        var remaining = abs(n)
        var day = date
        while remaining > 0 {
            day = day.adding(days: step)
            if isBusinessDay(day) { remaining -= 1 }
        }
        return day
    }
}
