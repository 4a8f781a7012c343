import ConsentRules
import Foundation
import Testing

@testable import ConsentService

@Suite struct CalendarReportTests {
    @Test func theReportListsHolidaysWithWeekdaysAndCountsBusinessDays() async throws {
        let shared = try await TestEnvironment.shared.value
        let calendar = try #require(shared.calendars.calendar(for: "GB"))
        let lines = CalendarReport.lines(for: calendar, year: 2027)
        // Christmas 2027 is a Saturday and Boxing Day a Sunday: both move to the next free weekdays.
        #expect(lines.contains { $0.hasPrefix("2027-12-27 Mon") })
        #expect(lines.contains { $0.hasPrefix("2027-12-28 Tue") })
        // 365 days, 104 weekend days, 8 bank holidays on weekdays.
        #expect(lines.last == "253 business days, 112 days off (weekends and holidays)")
        #expect(!lines.contains { $0.hasPrefix("note:") })
        #expect(CalendarReport.lines(for: calendar, year: 2040).contains { $0.hasPrefix("note:") })
    }
}
