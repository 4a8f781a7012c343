import Foundation
import Testing
@testable import ConsentRules

@Suite("Shipped calendar data")
struct CalendarDataTests {
    private typealias Support = CalendarTestSupport
    static let countries = ["LT", "GB", "DE", "FR", "ES", "IT", "NL", "PL", "IE", "US"]

    private func days(_ year: Int, _ monthDays: String) -> [String] {
        monthDays.split(separator: " ").map { "\(year)-\($0)" }
    }

    @Test func everyFileInTheFolderLoads() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: Support.calendarsFolder.path)
            .filter { $0.hasSuffix(".json") }
        #expect(Set(files) == Set(Self.countries.map { "\($0).json" }))
        for file in files {
            let data = try Data(contentsOf: Support.calendarsFolder.appendingPathComponent(file))
            let calendar = try HolidayCalendar.parse(data)
            #expect("\(calendar.country).json" == file)
        }
    }

    @Test(arguments: countries)
    func coversTheContractYearsWithASaturdaySundayWeekend(_ country: String) throws {
        let calendar = try Support.load(country)
        #expect(calendar.coverage.contains(2024) && calendar.coverage.contains(2035))
        #expect(calendar.weekend == [6, 7])
        for year in 2024...2035 {
            let holidays = calendar.holidays(in: year)
            #expect(holidays.count >= 8, "\(country) \(year)")
            #expect(holidays.map(\.date) == holidays.map(\.date).sorted())
            #expect(holidays.allSatisfy { $0.date.year == year && !$0.name.isEmpty })
            #expect(!calendar.isBusinessDay(Support.date("\(year)-01-01")), "New Year's Day is a holiday everywhere")
        }
        #expect(!calendar.isBusinessDay(Support.date("2026-11-21")))
        #expect(!calendar.isBusinessDay(Support.date("2026-11-22")))
    }

    @Test func greatBritain() throws {
        let gb = try Support.load("GB")
        #expect(Support.daysOff(gb, 2024) == days(2024, "01-01 03-29 04-01 05-06 05-27 08-26 12-25 12-26"))
        #expect(Support.daysOff(gb, 2025) == days(2025, "01-01 04-18 04-21 05-05 05-26 08-25 12-25 12-26"))
        #expect(Support.daysOff(gb, 2026) == days(2026, "01-01 04-03 04-06 05-04 05-25 08-31 12-25 12-28"))
        #expect(Support.daysOff(gb, 2027) == days(2027, "01-01 03-26 03-29 05-03 05-31 08-30 12-27 12-28"))
        #expect(Support.daysOff(gb, 2028) == days(2028, "01-03 04-14 04-17 05-01 05-29 08-28 12-25 12-26"))
        #expect(Support.listing(gb, 2027).suffix(4) == [
            "2027-12-25 Christmas Day", "2027-12-26 Boxing Day", "2027-12-27 Christmas Day (substitute day)",
            "2027-12-28 Boxing Day (substitute day)",
        ])
    }

    @Test func unitedStates() throws {
        let us = try Support.load("US")
        #expect(Support.daysOff(us, 2026) == days(2026, "01-01 01-19 02-16 05-25 06-19 07-03 09-07 10-12 11-11 11-26 12-25"))
        #expect(Support.daysOff(us, 2027) == days(2027, "01-01 01-18 02-15 05-31 06-18 07-05 09-06 10-11 11-11 11-25 12-24 12-31"))
        #expect(Support.listing(us, 2026).contains("2026-07-03 Independence Day (observed)"))
        #expect(Support.listing(us, 2027).last == "2027-12-31 New Year's Day (observed)")
        #expect(Support.daysOff(us, 2028).first == "2028-01-17")
    }

    @Test func netherlands() throws {
        let nl = try Support.load("NL")
        #expect(nl.holidays(in: 2025).map(\.date.iso) == days(2025, "01-01 04-20 04-21 04-26 05-05 05-29 06-08 06-09 12-25 12-26"))
        #expect(Support.listing(nl, 2025).contains("2025-04-26 Koningsdag"))
        #expect(Support.listing(nl, 2026).contains("2026-04-27 Koningsdag"))
        #expect(nl.isBusinessDay(Support.date("2025-04-28")))
    }

    @Test func germany() throws {
        let de = try Support.load("DE")
        #expect(de.holidays(in: 2026).map(\.date.iso) == days(2026, "01-01 04-03 04-06 05-01 05-14 05-25 10-03 12-25 12-26"))
    }

    @Test func france() throws {
        let fr = try Support.load("FR")
        #expect(fr.holidays(in: 2026).map(\.date.iso) == days(2026, "01-01 04-06 05-01 05-08 05-14 05-25 07-14 08-15 11-01 11-11 12-25"))
    }

    @Test func spain() throws {
        let es = try Support.load("ES")
        #expect(es.holidays(in: 2026).map(\.date.iso) == days(2026, "01-01 01-06 04-03 05-01 08-15 10-12 11-01 12-06 12-08 12-25"))
    }

    @Test func italyAddsSaintFrancisFrom2026() throws {
        let it = try Support.load("IT")
        #expect(it.holidays(in: 2026).map(\.date.iso) == days(2026, "01-01 01-06 04-05 04-06 04-25 05-01 06-02 08-15 10-04 11-01 12-08 12-25 12-26"))
        #expect(!it.holidays(in: 2025).contains { $0.date.iso == "2025-10-04" })
        #expect(!it.isBusinessDay(Support.date("2027-10-04")))
    }

    @Test func polandAddsChristmasEveFrom2025() throws {
        let pl = try Support.load("PL")
        #expect(pl.holidays(in: 2025).map(\.date.iso) == days(2025, "01-01 01-06 04-20 04-21 05-01 05-03 06-08 06-19 08-15 11-01 11-11 12-24 12-25 12-26"))
        #expect(pl.isBusinessDay(Support.date("2024-12-24")))
        #expect(!pl.isBusinessDay(Support.date("2025-12-24")))
        #expect(!pl.isBusinessDay(Support.date("2024-05-30")), "Corpus Christi 2024")
    }

    @Test func ireland() throws {
        let ie = try Support.load("IE")
        #expect(Support.daysOff(ie, 2026) == days(2026, "01-01 02-02 03-17 04-06 05-04 06-01 08-03 10-26 12-25 12-28"))
        #expect(Support.listing(ie, 2024).contains("2024-02-05 St Brigid's Day"))
        #expect(Support.listing(ie, 2030).contains("2030-02-01 St Brigid's Day"))
        #expect(ie.isBusinessDay(Support.date("2030-02-04")))
        #expect(Support.listing(ie, 2024).contains("2024-03-18 St Patrick's Day (substitute day)"))
        #expect(Support.daysOff(ie, 2027).suffix(2) == ["2027-12-27", "2027-12-28"])
    }

    @Test func lithuania() throws {
        let lt = try Support.load("LT")
        #expect(lt.holidays(in: 2026).map(\.date.iso)
                == days(2026, "01-01 02-16 03-11 04-05 04-06 05-01 05-03 06-07 06-24 07-06 08-15 11-01 11-02 12-24 12-25 12-26"))
    }

    @Test(arguments: [(2024, "03-29", "04-01"), (2025, "04-18", "04-21"), (2030, "04-19", "04-22"), (2035, "03-23", "03-26")])
    func easterHolidaysMoveWithEaster(_ year: Int, _ goodFriday: String, _ easterMonday: String) throws {
        for country in ["GB", "DE"] {
            let calendar = try Support.load(country)
            #expect(!calendar.isBusinessDay(Support.date("\(year)-\(goodFriday)")), "\(country) Good Friday \(year)")
            #expect(!calendar.isBusinessDay(Support.date("\(year)-\(easterMonday)")), "\(country) Easter Monday \(year)")
        }
        let france = try Support.load("FR")
        #expect(france.isBusinessDay(Support.date("\(year)-\(goodFriday)")), "Good Friday is a working day in France")
        #expect(!france.isBusinessDay(Support.date("\(year)-\(easterMonday)")))
    }

    @Test func yearEndsRollIntoTheNextYear() throws {
        let gb = try Support.load("GB")
        #expect(gb.nextBusinessDay(onOrAfter: Support.date("2026-12-31")).iso == "2026-12-31")
        #expect(gb.addingBusinessDays(1, to: Support.date("2026-12-31")).iso == "2027-01-04")
        #expect(gb.nextBusinessDay(onOrAfter: Support.date("2027-12-25")).iso == "2027-12-29")
        let lt = try Support.load("LT")
        #expect(lt.nextBusinessDay(onOrAfter: Support.date("2026-12-24")).iso == "2026-12-28")
        #expect(lt.addingBusinessDays(1, to: Support.date("2035-12-31")).iso == "2036-01-02")
    }
}
