import Foundation
import Testing
@testable import ConsentRules

@Suite("Instant")
struct InstantTests {
    private func instant(_ text: String) -> Instant? { Instant(rfc3339: text) }

    @Test func parsesTheContractForm() {
        #expect(instant("2026-11-21T10:15:00Z")?.microsecondsSinceEpoch == 1_795_256_100_000_000)
        #expect(instant("1970-01-01T00:00:00Z")?.microsecondsSinceEpoch == 0)
    }

    @Test func acceptsLowerCaseSeparators() {
        #expect(instant("2026-11-21t10:15:00z") == instant("2026-11-21T10:15:00Z"))
    }

    @Test func appliesOffsets() {
        #expect(instant("2026-11-21T12:15:00+02:00") == instant("2026-11-21T10:15:00Z"))
        #expect(instant("2026-11-21T05:45:00-04:30") == instant("2026-11-21T10:15:00Z"))
        #expect(instant("2026-11-22T00:15:00+14:00") == instant("2026-11-21T10:15:00Z"))
        #expect(instant("2026-11-21T10:15:00-00:00") == instant("2026-11-21T10:15:00Z"))
        #expect(instant("2026-01-01T00:30:00+01:00")?.rfc3339 == "2025-12-31T23:30:00Z")
    }

    @Test func truncatesFractionsToMicroseconds() {
        #expect(instant("2026-11-21T10:15:00.5Z")?.microsecondsSinceEpoch == 1_795_256_100_500_000)
        #expect(instant("2026-11-21T10:15:00.123456789Z")?.microsecondsSinceEpoch == 1_795_256_100_123_456)
        #expect(instant("2026-11-21T10:15:00.000001Z")?.microsecondsSinceEpoch == 1_795_256_100_000_001)
        #expect(instant("2026-11-21T10:15:00.0000009Z")?.microsecondsSinceEpoch == 1_795_256_100_000_000)
    }

    @Test(arguments: [
        "2026-11-21T10:15:00", "2026-11-21 10:15:00Z", "2026-11-21T10:15Z", "2026-11-21T10:15:00.Z",
        "2026-11-21T10:15:00.1234567890Z", "2026-11-21T24:00:00Z", "2026-11-21T10:60:00Z", "2026-11-21T23:59:60Z",
        "2026-02-30T10:15:00Z", "2026-11-21T10:15:00+2:00", "2026-11-21T10:15:00+02", "2026-11-21T10:15:00+0200",
        "2026-11-21T10:15:00+24:00", "2026-11-21T10:15:00+02:60", "2026-11-21T10:15:00ZZ", "2026-11-21T10:15:00Z ",
        "2026-11-21", "", "2026-11-21T1:15:00Z", "2026-11-21T10:15:00UTC", "2026-11-21T10:15:00.+01:00",
    ])
    func rejectsEverythingElse(_ text: String) {
        #expect(instant(text) == nil)
    }

    @Test func printsTheShortestExactFraction() {
        #expect(Instant(microsecondsSinceEpoch: 1_795_256_100_000_000).rfc3339 == "2026-11-21T10:15:00Z")
        #expect(Instant(microsecondsSinceEpoch: 1_795_256_100_120_000).rfc3339 == "2026-11-21T10:15:00.120Z")
        #expect(Instant(microsecondsSinceEpoch: 1_795_256_100_000_001).rfc3339 == "2026-11-21T10:15:00.000001Z")
        #expect(Instant(microsecondsSinceEpoch: 1_795_256_100_123_450).rfc3339 == "2026-11-21T10:15:00.123450Z")
        #expect(Instant(microsecondsSinceEpoch: 0).rfc3339 == "1970-01-01T00:00:00Z")
        #expect(Instant(microsecondsSinceEpoch: -1).rfc3339 == "1969-12-31T23:59:59.999999Z")
        #expect(Instant(microsecondsSinceEpoch: -86_400_000_000).rfc3339 == "1969-12-31T00:00:00Z")
        #expect(Instant(microsecondsSinceEpoch: 1_795_256_100_000_000).description == "2026-11-21T10:15:00Z")
    }

    @Test(arguments: ["2026-11-21T10:15:00Z", "2026-11-21T10:15:00.100Z", "2026-11-21T10:15:00.000100Z",
                      "0001-01-01T00:00:00Z", "9999-12-31T23:59:59.999999Z", "1969-07-20T20:17:40Z"])
    func roundTrips(_ text: String) {
        #expect(instant(text)?.rfc3339 == text)
    }

    @Test func comparesAndAdds() throws {
        let base = try #require(instant("2026-11-21T10:15:00Z"))
        #expect(base < base.adding(seconds: 1))
        #expect(base.adding(seconds: 86_400).rfc3339 == "2026-11-22T10:15:00Z")
        #expect(base.adding(seconds: -36_900).rfc3339 == "2026-11-21T00:00:00Z")
        #expect(base.adding(microseconds: 1).rfc3339 == "2026-11-21T10:15:00.000001Z")
    }

    @Test func givesTheUTCDate() {
        #expect(instant("2026-11-21T23:59:59Z")?.utcDate.iso == "2026-11-21")
        #expect(instant("2026-11-22T00:00:00Z")?.utcDate.iso == "2026-11-22")
        #expect(instant("1969-12-31T23:59:59Z")?.utcDate.iso == "1969-12-31")
        #expect(Instant(utcMidnightOf: LocalDate(daysSinceEpoch: 20_778)).rfc3339 == "2026-11-21T00:00:00Z")
    }

    @Test func givesTheLocalDateInAZone() throws {
        let vilnius = try #require(TimeZone(identifier: "Europe/Vilnius"))
        let newYork = try #require(TimeZone(identifier: "America/New_York"))
        // Friday 23:30 UTC is already Saturday in Vilnius (UTC+2 in winter, UTC+3 in summer).
        #expect(instant("2026-11-20T23:30:00Z")?.localDate(in: vilnius).iso == "2026-11-21")
        #expect(instant("2026-11-20T21:59:59Z")?.localDate(in: vilnius).iso == "2026-11-20")
        #expect(instant("2026-11-20T22:00:00Z")?.localDate(in: vilnius).iso == "2026-11-21")
        #expect(instant("2026-07-10T21:00:00Z")?.localDate(in: vilnius).iso == "2026-07-11")
        #expect(instant("2026-07-10T20:59:59Z")?.localDate(in: vilnius).iso == "2026-07-10")
        #expect(instant("2026-11-21T03:00:00Z")?.localDate(in: newYork).iso == "2026-11-20")
        #expect(instant("2026-11-21T10:15:00Z")?.localDate(in: .gmt).iso == "2026-11-21")
    }

    /// Vilnius is UTC+2 in November; on 29 March 2026 its clocks go forward at 03:00, after the day began at +2.
    /// São Paulo's 2018 change happened at midnight itself (4 November began at 01:00, UTC-2).
    @Test(arguments: [
        ("Europe/Vilnius", "2026-11-21", "2026-11-20T22:00:00Z"),
        ("Europe/Vilnius", "2026-03-29", "2026-03-28T22:00:00Z"),
        ("Europe/Vilnius", "2026-03-30", "2026-03-29T21:00:00Z"),
        ("America/Sao_Paulo", "2018-11-04", "2018-11-04T03:00:00Z"),
    ])
    func aLocalDayBeginsAtItsMidnightInTheZone(zone: String, day: String, start: String) throws {
        let timeZone = try #require(TimeZone(identifier: zone))
        let instant = Instant(startOf: try #require(LocalDate(iso: day)), in: timeZone)
        #expect(instant.rfc3339 == start)
        #expect(instant.localDate(in: timeZone).iso == day)
        #expect(instant.adding(seconds: -1).localDate(in: timeZone).iso != day)
    }
}

