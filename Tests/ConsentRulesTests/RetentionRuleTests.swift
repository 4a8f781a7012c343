import Testing
@testable import ConsentRules

@Suite("Retention")
struct RetentionRuleTests {
    private func date(_ iso: String) throws -> LocalDate { try #require(LocalDate(iso: iso)) }

    @Test func countsFromTheLaterOfTheLastPaymentAndTheEnd() throws {
        #expect(try Retention.retainUntil(lastApprovedPayment: date("2026-11-21"), endedOn: date("2026-11-21"), months: 18).iso == "2028-05-21")
        // A payment long before the end (cancelled years later, or a final payment reported late): from the end.
        #expect(try Retention.retainUntil(lastApprovedPayment: date("2024-03-01"), endedOn: date("2026-11-21"), months: 18).iso == "2028-05-21")
        // No payment taken: from the end.
        #expect(try Retention.retainUntil(lastApprovedPayment: nil, endedOn: date("2026-08-31"), months: 18).iso == "2028-02-29")
        // Never shorter than the months after the final payment.
        for months in [18, 24, 30] {
            let paid = try date("2026-01-31")
            let until = try Retention.retainUntil(lastApprovedPayment: paid, endedOn: date("2025-12-01"), months: months)
            #expect(until >= paid.adding(months: months, clampingDay: paid.day))
        }
    }

    @Test func aLaterPaymentOnlyEverMovesItLater() throws {
        let current = try date("2028-05-21")
        #expect(try Retention.retainUntil(
            extending: current, paymentExecutedOn: date("2027-01-20"), recordedOn: date("2027-01-20"), months: 18).iso == "2028-07-20")
        // Recorded late: from the day it was recorded.
        #expect(try Retention.retainUntil(
            extending: current, paymentExecutedOn: date("2026-12-01"), recordedOn: date("2027-02-01"), months: 18).iso == "2028-08-01")
        // A payment that changes nothing leaves it.
        #expect(try Retention.retainUntil(
            extending: current, paymentExecutedOn: date("2026-11-01"), recordedOn: date("2026-11-21"), months: 18) == current)
    }
}
