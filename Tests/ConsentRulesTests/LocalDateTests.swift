import Foundation
import Testing
@testable import ConsentRules

@Suite("LocalDate")
struct LocalDateTests {
    private func date(_ iso: String) -> LocalDate {
        guard let date = LocalDate(iso: iso) else {
            Issue.record("not a date: \(iso)")
            return LocalDate(daysSinceEpoch: 0)
        }
        return date
    }

    @Test func validatesRealDates() {
        #expect(LocalDate(year: 2024, month: 2, day: 29) != nil)
        #expect(LocalDate(year: 2023, month: 2, day: 29) == nil)
        #expect(LocalDate(year: 1900, month: 2, day: 29) == nil)
        #expect(LocalDate(year: 2000, month: 2, day: 29) != nil)
        #expect(LocalDate(year: 2026, month: 4, day: 31) == nil)
        #expect(LocalDate(year: 2026, month: 13, day: 1) == nil)
        #expect(LocalDate(year: 2026, month: 0, day: 1) == nil)
        #expect(LocalDate(year: 2026, month: 1, day: 0) == nil)
        #expect(LocalDate(year: 2026, month: 12, day: 31) != nil)
    }

    @Test(arguments: ["2026-11-21", "0001-01-01", "9999-12-31", "2024-02-29"])
    func parsesAndPrintsISO(_ text: String) {
        #expect(LocalDate(iso: text)?.iso == text)
        #expect(LocalDate(iso: text)?.description == text)
    }

    @Test(arguments: ["2026-11-21 ", " 2026-11-21", "2026-1-21", "2026/11/21", "20261121", "2026-11-21T00:00:00Z",
                      "2023-02-29", "2026-00-10", "2026-11-00", "2026-11-31", "26-11-21", "+2026-11-21", "２０２６-11-21", ""])
    func rejectsOtherText(_ text: String) {
        #expect(LocalDate(iso: text) == nil)
    }

    @Test func convertsToAndFromDayCounts() {
        #expect(date("1970-01-01").daysSinceEpoch == 0)
        #expect(date("1970-01-02").daysSinceEpoch == 1)
        #expect(date("1969-12-31").daysSinceEpoch == -1)
        #expect(date("2000-03-01").daysSinceEpoch == 11_017)
        #expect(date("2026-11-21").daysSinceEpoch == 20_778)
        #expect(LocalDate(daysSinceEpoch: 20_778) == date("2026-11-21"))
        #expect(LocalDate(daysSinceEpoch: -719_162).iso == "0001-01-01")
    }

    @Test func yearZeroIsRefusedAsInputForPostgreSQLHasNone() {
        #expect(LocalDate(iso: "0000-12-31") == nil)
        #expect(LocalDate(iso: "0001-01-01") != nil)
        #expect(Instant(rfc3339: "0000-12-31T23:59:59Z") == nil)
        #expect(Instant(rfc3339: "0001-01-01T00:30:00+01:00") == nil)
        #expect(Instant(rfc3339: "0001-01-01T00:00:00Z")?.rfc3339 == "0001-01-01T00:00:00Z")
    }

    @Test func isoPadsToFourDigitsAndKeepsLongerYearsAndSigns() throws {
        let cases: [(Int, Int, Int, String)] = [
            (0, 1, 1, "0000-01-01"), (7, 2, 3, "0007-02-03"), (999, 10, 9, "0999-10-09"), (2026, 11, 21, "2026-11-21"),
            (12_345, 12, 31, "12345-12-31"), (-44, 3, 15, "-0044-03-15"), (-12_345, 1, 1, "-12345-01-01"),
        ]
        for (year, month, day, text) in cases {
            #expect(try #require(LocalDate(year: year, month: month, day: day)).iso == text)
        }
    }

    @Test func dayCountsAgreeWithFoundationFrom1700To2770() throws {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = try #require(TimeZone(identifier: "UTC"))
        // Foundation switches to the Julian calendar before October 1582, so compare from 1700 on.
        for dayCount in stride(from: -98_250, through: 146_097 * 2, by: 1) where dayCount % 37 == 0 || abs(dayCount) < 800 {
            let local = LocalDate(daysSinceEpoch: dayCount)
            #expect(local.daysSinceEpoch == dayCount)
            let components = calendar.dateComponents([.year, .month, .day, .weekday],
                                                     from: Date(timeIntervalSince1970: Double(dayCount) * 86_400))
            #expect(components.year == local.year && components.month == local.month && components.day == local.day)
            // Foundation numbers Sunday 1 … Saturday 7.
            #expect((components.weekday ?? 0) == local.isoWeekday % 7 + 1)
        }
    }

    @Test func isoWeekdays() {
        #expect(date("1970-01-01").isoWeekday == 4)
        #expect(date("2026-11-21").isoWeekday == 6)
        #expect(date("2026-11-22").isoWeekday == 7)
        #expect(date("2026-11-23").isoWeekday == 1)
        #expect(date("1969-12-29").isoWeekday == 1)
        #expect(date("1900-01-01").isoWeekday == 1)
    }

    @Test func comparesChronologically() {
        #expect(date("2026-11-21") < date("2026-11-22"))
        #expect(date("2026-01-31") < date("2026-02-01"))
        #expect(date("2025-12-31") < date("2026-01-01"))
        #expect(!(date("2026-01-01") < date("2026-01-01")))
        #expect([date("2027-01-01"), date("2026-06-01"), date("2026-12-31")].sorted().map(\.iso)
                == ["2026-06-01", "2026-12-31", "2027-01-01"])
    }

    @Test func addsDays() {
        #expect(date("2026-12-31").adding(days: 1) == date("2027-01-01"))
        #expect(date("2024-02-28").adding(days: 1) == date("2024-02-29"))
        #expect(date("2024-03-01").adding(days: -1) == date("2024-02-29"))
        #expect(date("2026-11-21").adding(days: 0) == date("2026-11-21"))
        #expect(date("2026-11-21").adding(days: 365) == date("2027-11-21"))
    }

    @Test func addsMonthsClampingTheDay() {
        #expect(date("2026-01-31").adding(months: 1, clampingDay: 31) == date("2026-02-28"))
        #expect(date("2026-02-28").adding(months: 1, clampingDay: 31) == date("2026-03-31"))
        #expect(date("2024-01-31").adding(months: 1, clampingDay: 31) == date("2024-02-29"))
        #expect(date("2026-01-31").adding(months: 3, clampingDay: 31) == date("2026-04-30"))
        #expect(date("2026-11-15").adding(months: 2, clampingDay: 15) == date("2027-01-15"))
        #expect(date("2026-01-15").adding(months: -1, clampingDay: 15) == date("2025-12-15"))
        #expect(date("2026-03-31").adding(months: -13, clampingDay: 31) == date("2025-02-28"))
        #expect(date("2026-05-10").adding(months: 0, clampingDay: 10) == date("2026-05-10"))
        #expect(date("2026-05-10").adding(months: 24, clampingDay: 29) == date("2028-05-29"))
    }

    @Test func addsYears() {
        #expect(date("2024-02-29").adding(years: 1) == date("2025-02-28"))
        #expect(date("2024-02-29").adding(years: 4) == date("2028-02-29"))
        #expect(date("2026-11-21").adding(years: 4) == date("2030-11-21"))
        #expect(date("2026-11-21").adding(years: -1) == date("2025-11-21"))
    }

    @Test func daysInMonth() {
        #expect(LocalDate.daysIn(month: 2, year: 2024) == 29)
        #expect(LocalDate.daysIn(month: 2, year: 2100) == 28)
        #expect(LocalDate.daysIn(month: 2, year: 2000) == 29)
        #expect(LocalDate.daysIn(month: 4, year: 2026) == 30)
        #expect(LocalDate.daysIn(month: 12, year: 2026) == 31)
        #expect(LocalDate.daysIn(month: 13, year: 2026) == 0)
        #expect(LocalDate.lastDay(ofMonth: 2, year: 2028) == date("2028-02-29"))
    }

    @Test func printsUnusualYears() {
        #expect(LocalDate(year: 12, month: 3, day: 4)?.iso == "0012-03-04")
        #expect(LocalDate(year: 12345, month: 1, day: 1)?.iso == "12345-01-01")
        #expect(LocalDate(year: -44, month: 3, day: 15)?.iso == "-0044-03-15")
    }
}
