import ConsentRules
import Foundation
import Testing

/// The compliance report's rules: each deadline counted in the merchant's time zone, to the day.
@Suite struct ComplianceJudgeTests {
    static let vilnius = TimeZone(identifier: "Europe/Vilnius")!

    static func day(_ iso: String) -> LocalDate { LocalDate(iso: iso)! }
    static func at(_ rfc3339: String) -> Instant { Instant(rfc3339: rfc3339)! }

    static func judge(today: String = "2026-12-01") -> ComplianceJudge {
        ComplianceJudge(from: day("2026-11-01"), to: day("2026-11-30"), today: day(today), timeZone: vilnius)
    }

    static func outcomes(_ judge: ComplianceJudge) -> [String: Int] {
        var found: [String: Int] = [:]
        for line in judge.tally.lines where line.count > 0 {
            found["\(line.duty.rawValue) \(line.outcome.rawValue)"] = line.count
        }
        return found
    }

    @Test func aConfirmationIsOnTimeThroughItsDueDayInTheMerchantsZone() {
        var judge = Self.judge(today: "2026-11-25")
        let id = UUID()
        // 21:59 UTC is still the 24th in Vilnius; 22:00 is the 25th.
        judge.confirmation(.confirmation, consentId: id, dueBy: Self.day("2026-11-24"), sentAt: Self.at("2026-11-24T21:59:59Z"))
        judge.confirmation(.confirmation, consentId: id, dueBy: Self.day("2026-11-24"), sentAt: Self.at("2026-11-24T22:00:00Z"))
        judge.confirmation(.confirmation, consentId: id, dueBy: Self.day("2026-11-24"), sentAt: nil)
        judge.confirmation(.confirmation, consentId: id, dueBy: Self.day("2026-11-25"), sentAt: nil)
        judge.confirmation(.confirmation, consentId: id, dueBy: Self.day("2026-12-01"), sentAt: nil)
        #expect(
            Self.outcomes(judge) == [
                "confirmation sent_on_time": 1, "confirmation sent_late": 1, "confirmation overdue_unsent": 1,
                "confirmation not_yet_due": 1,
            ], "the one due in December is outside the range")
        #expect(ConfirmationDuty.isOverdue(dueBy: Self.day("2026-11-24"), today: Self.day("2026-11-25")))
        #expect(!ConfirmationDuty.isOverdue(dueBy: Self.day("2026-11-25"), today: Self.day("2026-11-25")))
    }

    @Test func aNoticeIsJudgedByTheLastDayItsPeriodLeaves() {
        var judge = Self.judge()
        let id = UUID()
        // A debit on 14 December with 14 days' notice: the last day is 30 November, in the range.
        let debit = Self.day("2026-12-14")
        #expect(NoticePeriod.lastDayToSend(before: debit, days: 14) == Self.day("2026-11-30"))
        judge.notice(.preDebitNotice, consentId: id, eventOn: debit, days: 14, delivery: .sent(at: Self.at("2026-11-30T21:59:00Z")))
        judge.notice(.preDebitNotice, consentId: id, eventOn: debit, days: 14, delivery: .sent(at: Self.at("2026-11-30T22:00:00Z")))
        judge.notice(.preDebitNotice, consentId: id, eventOn: debit, days: 14, delivery: .failed)
        judge.notice(.preDebitNotice, consentId: id, eventOn: debit, days: 14, delivery: .withdrawn)
        judge.notice(.preDebitNotice, consentId: id, eventOn: debit, days: 14, delivery: .waiting)
        judge.notice(.amendmentNotice, consentId: id, eventOn: Self.day("2026-12-20"), days: 30, delivery: .waiting)
        // Last day 1 December: outside the range.
        judge.notice(.preDebitNotice, consentId: id, eventOn: Self.day("2026-12-15"), days: 14, delivery: .waiting)
        #expect(
            Self.outcomes(judge) == [
                "pre_debit_notice sent_on_time": 1, "pre_debit_notice sent_late": 1, "pre_debit_notice failed": 1,
                "pre_debit_notice withdrawn": 1, "pre_debit_notice missing": 1, "amendment_notice missing": 1,
            ])
        var sameDay = Self.judge(today: "2026-11-30")
        sameDay.notice(.preDebitNotice, consentId: id, eventOn: debit, days: 14, delivery: .waiting)
        #expect(Self.outcomes(sameDay) == ["pre_debit_notice not_yet_due": 1], "it can still go today")
        // Validity agrees to the day.
        #expect(NoticePeriod.isMet(sentOn: Self.day("2026-11-30"), before: debit, days: 14))
        #expect(!NoticePeriod.isMet(sentOn: Self.day("2026-12-01"), before: debit, days: 14))
        #expect(NoticePeriod.days(policyDays: 14, notifiedAmendmentDays: 30) == 30)
        #expect(NoticePeriod.days(policyDays: 14, notifiedAmendmentDays: nil) == 14)
    }

    @Test func aPaymentCountsFromTheMomentTheCancellationTookEffect() {
        var judge = Self.judge()
        let id = UUID()
        let history = ConsentHistory(
            activatedAt: Self.at("2026-11-02T10:00:00Z"), expiresAt: Self.at("2026-11-09T10:00:00Z"),
            cancelledAt: Self.at("2026-11-10T10:00:00Z"))
        judge.payment(consentId: id, executedAt: Self.at("2026-11-10T09:59:59Z"), history: history)
        judge.payment(consentId: id, executedAt: Self.at("2026-11-10T10:00:00Z"), history: history)
        judge.payment(consentId: id, executedAt: Self.at("2026-11-30T22:30:00Z"), history: history)
        #expect(Self.outcomes(judge) == ["payment_after_cancellation recorded": 1], "1 December in Vilnius is outside")
    }

    @Test func aPurgeIsReportedFromThirtyDaysBeforeItsFirstDay() {
        var judge = Self.judge(today: "2026-12-01")
        let ids = (0..<3).map { _ in UUID() }
        // The first purge day is the day after retainUntil: 31 December is today plus 30.
        judge.retention(consentId: ids[0], retainUntil: Self.day("2026-12-30"))
        judge.retention(consentId: ids[1], retainUntil: Self.day("2026-12-31"))
        judge.retention(consentId: ids[2], retainUntil: Self.day("2026-11-15"))
        let line = judge.tally.lines.first { $0.duty == .purgeDue }
        #expect(line?.count == 2)
        #expect(line?.consentIds == [ids[0], ids[2]].sorted { $0.uuidString < $1.uuidString })
        #expect(!Retention.isDueForPurge(retainUntil: Self.day("2026-11-15"), legalHold: true, today: Self.day("2026-12-01"), withinDays: 30))
    }

    @Test func everyLineIsThereOnceAndEachConsentOncePerLine() {
        var judge = Self.judge()
        let id = UUID()
        judge.legalHold(consentId: id)
        judge.notice(.cardExpiryReminder, consentId: id, eventOn: Self.day("2026-11-20"), days: 1, delivery: .waiting)
        judge.notice(.cardExpiryReminder, consentId: id, eventOn: Self.day("2026-11-21"), days: 1, delivery: .waiting)
        let lines = judge.tally.lines
        #expect(lines.count == ComplianceDuty.allCases.reduce(0) { $0 + $1.outcomes.count })
        let missing = lines.first { $0.duty == .cardExpiryReminder && $0.outcome == .missing }
        #expect(missing?.count == 2)
        #expect(missing?.consentIds == [id])
        #expect(missing?.isBreach == true)
        #expect(lines.first { $0.duty == .legalHold }?.isBreach == false)
    }
}
