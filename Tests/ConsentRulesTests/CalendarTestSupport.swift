import Foundation
@testable import ConsentRules

enum CalendarTestSupport {
    /// `calendars/` at the package root, found from this file's path (Tests/ConsentRulesTests/…).
    static let calendarsFolder = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()
        .deletingLastPathComponent()
        .deletingLastPathComponent()
        .appendingPathComponent("calendars")

    static func load(_ country: String) throws -> HolidayCalendar {
        let data = try Data(contentsOf: calendarsFolder.appendingPathComponent("\(country).json"))
        return try HolidayCalendar.parse(data)
    }

    static func parse(_ text: String) throws(HolidayCalendarError) -> HolidayCalendar {
        try HolidayCalendar.parse(Array(text.utf8))
    }

    /// A minimal calendar file around the given rules JSON.
    static func calendar(rules: String, extra: String = "") throws(HolidayCalendarError) -> HolidayCalendar {
        try parse(#"{"country": "XX", "coverage": {"from": 2024, "until": 2035}, "rules": [\#(rules)]\#(extra)}"#)
    }

    static func date(_ iso: String) -> LocalDate {
        guard let date = LocalDate(iso: iso) else { preconditionFailure("not a date: \(iso)") }
        return date
    }

    /// The year's holidays as "YYYY-MM-DD name" lines.
    static func listing(_ calendar: HolidayCalendar, _ year: Int) -> [String] {
        calendar.holidays(in: year).map { "\($0.date.iso) \($0.name)" }
    }

    /// The dates of the year's holidays that fall on business-week days, i.e. the days the calendar takes off.
    static func daysOff(_ calendar: HolidayCalendar, _ year: Int) -> [String] {
        calendar.holidays(in: year).map(\.date).filter { !calendar.isWeekend($0) }.map(\.iso)
    }
}
