import Foundation
import Testing
@testable import ConsentRules

@Suite("Deadlines")
struct DeadlinesTests {
    private typealias Support = CalendarTestSupport

    private func dueBy(_ acceptedAt: String, _ zone: String, _ country: String, policy: MerchantPolicy = .defaults) throws -> String {
        let instant = try #require(Instant(rfc3339: acceptedAt))
        let timeZone = try #require(TimeZone(identifier: zone))
        return Deadlines.confirmationDueBy(
            acceptedAt: instant, timeZone: timeZone, calendar: try Support.load(country), policy: policy).iso
    }

    @Test func countsBusinessDaysStrictlyAfterAWeekendAcceptance() throws {
        // Saturday: Monday is the first business day after it, Tuesday the second.
        #expect(try dueBy("2026-11-21T10:15:00Z", "Europe/Vilnius", "LT") == "2026-11-24")
        #expect(try dueBy("2026-11-21T10:15:00Z", "UTC", "GB") == "2026-11-24")
        // Sunday likewise; a Monday acceptance is due on Wednesday.
        #expect(try dueBy("2026-11-22T10:15:00Z", "Europe/Vilnius", "LT") == "2026-11-24")
        #expect(try dueBy("2026-11-23T10:15:00Z", "Europe/Vilnius", "LT") == "2026-11-25")
    }

    @Test func usesTheMerchantsLocalDay() throws {
        // Friday 23:30 UTC is Saturday 01:30 in Vilnius, but still Friday in London and New York.
        #expect(try dueBy("2026-11-20T23:30:00Z", "Europe/Vilnius", "LT") == "2026-11-24")
        #expect(try dueBy("2026-11-20T23:30:00Z", "Europe/London", "GB") == "2026-11-24")
        #expect(try dueBy("2026-11-20T23:30:00Z", "America/New_York", "US") == "2026-11-24")
        // Monday 03:00 UTC is still Sunday in New York.
        #expect(try dueBy("2026-11-23T03:00:00Z", "America/New_York", "US") == "2026-11-24")
        #expect(try dueBy("2026-11-23T03:00:00Z", "Europe/Vilnius", "LT") == "2026-11-25")
    }

    @Test func skipsHolidays() throws {
        #expect(try dueBy("2026-12-23T10:00:00Z", "Europe/Vilnius", "LT") == "2026-12-29")
        // Accepted on a holiday (Christmas Eve): the 28th is the first business day after it.
        #expect(try dueBy("2026-12-24T10:00:00Z", "Europe/Vilnius", "LT") == "2026-12-29")
        #expect(try dueBy("2026-12-31T10:00:00Z", "Europe/London", "GB") == "2027-01-05")
        #expect(try dueBy("2027-12-30T15:00:00Z", "America/Chicago", "US") == "2028-01-04")
        #expect(try dueBy("2026-04-02T09:00:00Z", "Europe/Berlin", "DE") == "2026-04-08")
        #expect(try dueBy("2025-04-25T09:00:00Z", "Europe/Amsterdam", "NL") == "2025-04-29")
    }

    @Test func followsThePolicy() throws {
        let strict = MerchantPolicy(version: 2, confirmationBusinessDays: 1, noticeDays: 21, retentionMonths: 24,
                                    activationWindowSeconds: 3_600)
        #expect(try dueBy("2026-11-21T10:15:00Z", "Europe/Vilnius", "LT", policy: strict) == "2026-11-23")
        let sameDay = MerchantPolicy(version: 3, confirmationBusinessDays: 0, noticeDays: 14, retentionMonths: 18,
                                     activationWindowSeconds: 86_400)
        #expect(try dueBy("2026-11-21T10:15:00Z", "Europe/Vilnius", "LT", policy: sameDay) == "2026-11-21")
        #expect(try dueBy("2026-11-24T10:15:00Z", "Europe/Vilnius", "LT", policy: sameDay) == "2026-11-24")
    }

    @Test func activationWindowEndsAfterThePolicysSeconds() throws {
        let created = try #require(Instant(rfc3339: "2026-11-21T10:15:00.123Z"))
        #expect(Deadlines.activationDeadline(createdAt: created, policy: .defaults).rfc3339 == "2026-11-22T10:15:00.123Z")
        let hour = MerchantPolicy(version: 2, confirmationBusinessDays: 2, noticeDays: 14, retentionMonths: 18,
                                  activationWindowSeconds: 3_600)
        #expect(Deadlines.activationDeadline(createdAt: created, policy: hour).rfc3339 == "2026-11-21T11:15:00.123Z")
    }

    @Test func defaultPolicyIsTheContracts() {
        let policy = MerchantPolicy.defaults
        #expect(policy.version == 1)
        #expect(policy.confirmationBusinessDays == 2)
        #expect(policy.noticeDays == 14)
        #expect(policy.retentionMonths == 18)
        #expect(policy.activationWindowSeconds == 86_400)
        #expect(!policy.increasesByNotice)
        #expect(policy.cardReminderDays == 30)
        #expect(policy.json.canonicalText
                == #"{"activationWindowSeconds":86400,"cardReminderDays":30,"confirmationBusinessDays":2,"increasesByNotice":false,"noticeDays":14,"retentionMonths":18,"version":1}"#)
    }
}
