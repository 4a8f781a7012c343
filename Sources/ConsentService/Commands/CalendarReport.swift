import ConsentRules

/// A year of a country's calendar as an operator reviews it: every public holiday (with the weekday, so a
/// substitute day is easy to check), then the count of business days.
enum CalendarReport {
    private static let weekdays = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]

    static func lines(for calendar: HolidayCalendar, year: Int) -> [String] {
        var lines = ["\(calendar.country) \(year): \(calendar.name)"]
        if !calendar.coverage.contains(year) {
            lines.append(
                "note: the data file vouches for \(calendar.coverage.lowerBound)–\(calendar.coverage.upperBound); \(year) follows its rules unchecked")
        }
        for holiday in calendar.holidays(in: year) {
            lines.append("\(holiday.date.iso) \(weekdays[holiday.date.isoWeekday - 1])  \(holiday.name)")
        }
        guard let first = LocalDate(year: year, month: 1, day: 1) else { return lines }
        let days = (0..<(LocalDate.daysIn(month: 2, year: year) == 29 ? 366 : 365)).map { first.adding(days: $0) }
        let business = days.filter(calendar.isBusinessDay).count
        lines.append("\(business) business days, \(days.count - business) days off (weekends and holidays)")
        return lines
    }
}
