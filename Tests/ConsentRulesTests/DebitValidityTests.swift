import Foundation
import Testing

@testable import ConsentRules

@Suite("Debit validity")
struct DebitValidityTests {
    static let eur = Currency.iso4217("EUR")!
    static let vilnius = TimeZone(identifier: "Europe/Vilnius")!

    static func date(_ iso: String) -> LocalDate { LocalDate(iso: iso)! }
    static func euros(_ cents: Int64) -> Money { Money(minorUnits: cents, currency: eur) }

    static func consent(
        status: ConsentStatus = .active, type: TermsType = .scheduled, amountType: AmountType = .fixed,
        maxAmount: Int64? = nil, first: String? = "2026-01-31", dateType: DateType = .fixed,
        frequency: Frequency? = .monthly, end: String? = "2027-12-31", criteria: String? = nil,
        cardExpiry: (month: Int, year: Int) = (12, 2027)
    ) -> DebitConsent {
        DebitConsent(
            status: status,
            terms: Terms(
                type: type, amount: euros(1023), amountType: amountType, maxAmount: maxAmount.map(euros),
                firstDebitDate: first.map(date), dateType: dateType, frequency: type == .scheduled ? frequency : nil,
                endDate: end.map(date), objectiveCriteria: criteria),
            card: Card(brand: "VISA", last4: "1096", expiryMonth: cardExpiry.month, expiryYear: cardExpiry.year),
            noticeDays: 14, timeZone: vilnius)
    }

    static let now = Instant(rfc3339: "2026-01-10T12:00:00Z")!

    static func reasons(
        _ consent: DebitConsent, _ cents: Int64, _ day: String, notices: [SentNotice] = [], currency: Currency = eur
    ) -> [String] {
        DebitValidity.decide(
            consent, amount: Money(minorUnits: cents, currency: currency), date: date(day), notices: notices, now: now
        ).reasons.map(\.rawValue)
    }

    @Test func monthlyKeepsTheDayOfMonthClampedToShortMonths() {
        let schedule = DebitSchedule(first: Self.date("2026-01-31"), frequency: .monthly)
        #expect((0..<5).map { schedule.occurrence($0).iso } == ["2026-01-31", "2026-02-28", "2026-03-31", "2026-04-30", "2026-05-31"])
        let leap = DebitSchedule(first: Self.date("2027-12-31"), frequency: .monthly)
        #expect(leap.occurrence(2).iso == "2028-02-29")
        #expect(schedule.contains(Self.date("2026-02-28")))
        #expect(!schedule.contains(Self.date("2026-03-28")))
        #expect(!schedule.contains(Self.date("2026-01-30")))
        let custom = DebitSchedule(first: Self.date("2026-12-15"), frequency: .everyDays(15))
        #expect(custom.contains(Self.date("2026-12-30")))
        #expect(custom.contains(Self.date("2027-01-14")))
        #expect(!custom.contains(Self.date("2027-01-15")))
    }

    @Test func aFixedScheduleAnswersValidOnItsDatesOnly() {
        let consent = Self.consent()
        #expect(Self.reasons(consent, 1023, "2026-02-28").isEmpty)
        #expect(Self.reasons(consent, 1023, "2026-03-31").isEmpty)
        #expect(Self.reasons(consent, 1023, "2026-03-30") == ["date_not_in_schedule"])
        #expect(Self.reasons(consent, 1024, "2026-03-31") == ["amount_mismatch"])
        #expect(Self.reasons(consent, 1023, "2026-01-30") == ["before_first_debit", "date_not_in_schedule"])
        #expect(Self.reasons(consent, 1023, "2026-03-31", currency: Currency.iso4217("USD")!) == ["currency_mismatch"])
    }

    @Test func endDateIsInclusiveAndTheCardRunsToTheEndOfItsExpiryMonth() {
        let consent = Self.consent(first: "2026-01-31", end: "2027-03-31", cardExpiry: (3, 2027))
        #expect(Self.reasons(consent, 1023, "2027-03-31").isEmpty)
        let later = Self.consent(first: "2026-01-01", end: "2027-04-01", cardExpiry: (3, 2027))
        #expect(Self.reasons(later, 1023, "2027-04-01") == ["card_expired"])
        #expect(Self.reasons(later, 1023, "2027-05-01") == ["ended", "card_expired"])
    }

    @Test func everyStatusButActiveIsRefused() {
        for (status, reason) in [(ConsentStatus.pending, "not_active"), (.expired, "not_active"), (.cancelled, "cancelled"), (.completed, "completed")] {
            #expect(Self.reasons(Self.consent(status: status), 1023, "2026-02-28") == [reason])
        }
    }

    @Test func aVariableAmountNeedsANoticeForThatAmountAndDateFourteenDaysAhead() {
        let consent = Self.consent(amountType: .variable, maxAmount: 5000)
        #expect(consent.requiresNotice)
        #expect(Self.reasons(consent, 5001, "2026-02-28") == ["amount_above_maximum", "notice_required"])
        // 00:01 on 15 February in Vilnius is 13 days before the debit; 23:59 on 14 February is 14.
        let late = SentNotice(
            amount: Self.euros(2500), date: Self.date("2026-02-28"), sentAt: Instant(rfc3339: "2026-02-14T22:01:00Z")!)
        #expect(Self.reasons(consent, 2500, "2026-02-28", notices: [late]) == ["notice_required"])
        let inTime = SentNotice(
            amount: Self.euros(2500), date: Self.date("2026-02-28"), sentAt: Instant(rfc3339: "2026-02-14T21:59:00Z")!)
        #expect(Self.reasons(consent, 2500, "2026-02-28", notices: [late, inTime]).isEmpty)
        #expect(Self.reasons(consent, 2600, "2026-02-28", notices: [inTime]) == ["notice_required"], "another amount")
        #expect(Self.reasons(consent, 2500, "2026-03-31", notices: [inTime]) == ["notice_required"], "another date")
        let decision = DebitValidity.decide(
            consent, amount: Self.euros(2500), date: Self.date("2026-02-28"), notices: [inTime], now: Self.now)
        #expect(decision.earliestPermittedDate?.iso == "2026-02-28")
        let unsent = DebitValidity.decide(consent, amount: Self.euros(2500), date: Self.date("2026-02-28"), notices: [], now: Self.now)
        #expect(unsent.earliestPermittedDate?.iso == "2026-01-24", "14 days after today while no notice went out")
    }

    @Test func objectiveCriteriaOrFullyFixedTermsNeedNoNotice() {
        #expect(!Self.consent().requiresNotice)
        #expect(!Self.consent(amountType: .variable, criteria: "the metered usage of the month").requiresNotice)
        #expect(Self.consent(dateType: .variable).requiresNotice)
        #expect(Self.consent(type: .unscheduled, first: nil, frequency: nil).requiresNotice)
        #expect(
            DebitValidity.decide(Self.consent(), amount: Self.euros(1023), date: Self.date("2026-02-28"), notices: [], now: Self.now)
                .earliestPermittedDate == nil)
    }

    /// Random terms, dates and notices against a second, deliberately simple formulation of the contract.
    @Test func agreesWithASimpleFormulationOverRandomCases() {
        var random = SplitMix64(seed: 0x5EED_2026)
        for case_ in 0..<20_000 {
            let input = RandomCase.make(&random)
            let decided = DebitValidity.decide(
                input.consent, amount: input.amount, date: input.date, notices: input.notices, now: input.now)
            let expected = SimpleValidity.reasons(input)
            #expect(decided.reasons.map(\.rawValue) == expected, "case \(case_): \(input)")
            #expect(decided.valid == expected.isEmpty)
            if decided.reasons.map(\.rawValue) != expected { return }
        }
    }
}

/// A small deterministic generator, so a failing case can be replayed from its number.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

struct RandomCase: CustomStringConvertible {
    let consent: DebitConsent
    let amount: Money
    let date: LocalDate
    let notices: [SentNotice]
    let now: Instant

    var description: String {
        "status \(consent.status) terms \(consent.terms) card \(consent.card.expiryMonth)/\(consent.card.expiryYear) amount \(amount) date \(date) notices \(notices.map { "\($0.amount)@\($0.date) sent \($0.sentAt.rfc3339)" }) now \(now.rfc3339)"
    }

    static func make(_ random: inout SplitMix64) -> RandomCase {
        let eur = DebitValidityTests.eur
        let base = LocalDate(iso: "2026-01-01")!
        let first = base.adding(days: Int.random(in: 0...800, using: &random))
        let type: TermsType = Bool.random(using: &random) ? .scheduled : .unscheduled
        let frequency: Frequency? =
            type == .unscheduled ? nil : (Bool.random(using: &random) ? .monthly : .everyDays(Int.random(in: 1...60, using: &random)))
        let amountType: AmountType = Bool.random(using: &random) ? .fixed : .variable
        let amount = Money(minorUnits: Int64.random(in: 100...900, using: &random), currency: eur)
        let terms = Terms(
            type: type, amount: amount, amountType: amountType,
            maxAmount: amountType == .variable && Bool.random(using: &random)
                ? Money(minorUnits: amount.minorUnits + Int64.random(in: 0...300, using: &random), currency: eur) : nil,
            firstDebitDate: type == .unscheduled && Bool.random(using: &random) ? nil : first,
            dateType: Bool.random(using: &random) ? .fixed : .variable, frequency: frequency,
            endDate: Bool.random(using: &random) ? first.adding(days: Int.random(in: 0...900, using: &random)) : nil,
            objectiveCriteria: Int.random(in: 0..<5, using: &random) == 0 ? "agreed criteria" : nil)
        let card = Card(
            brand: "VISA", last4: "1096", expiryMonth: Int.random(in: 1...12, using: &random),
            expiryYear: Int.random(in: 2026...2030, using: &random))
        let consent = DebitConsent(
            status: ConsentStatus.allCases.randomElement(using: &random)!, terms: terms, card: card,
            noticeDays: Int.random(in: 14...30, using: &random), timeZone: DebitValidityTests.vilnius)
        let date: LocalDate
        if let frequency, Bool.random(using: &random) {
            date = DebitSchedule(first: first, frequency: frequency).occurrence(Int.random(in: 0...40, using: &random))
        } else {
            date = first.adding(days: Int.random(in: -40...1200, using: &random))
        }
        let currency = Int.random(in: 0..<10, using: &random) == 0 ? Currency.iso4217("USD")! : eur
        let debitAmount = Money(
            minorUnits: Bool.random(using: &random) ? amount.minorUnits : Int64.random(in: 50...1500, using: &random),
            currency: currency)
        let now = Instant(rfc3339: "2026-01-01T00:00:00Z")!.adding(seconds: Int64.random(in: 0...(86_400 * 900), using: &random))
        var notices: [SentNotice] = []
        for _ in 0..<Int.random(in: 0...3, using: &random) {
            let sameDebit = Bool.random(using: &random)
            notices.append(
                SentNotice(
                    amount: sameDebit ? debitAmount : Money(minorUnits: Int64.random(in: 50...1500, using: &random), currency: eur),
                    date: sameDebit ? date : date.adding(days: Int.random(in: -5...5, using: &random)),
                    sentAt: Instant(rfc3339: date.iso + "T12:00:00Z")!.adding(seconds: -Int64.random(in: 0...(86_400 * 40), using: &random))))
        }
        return RandomCase(consent: consent, amount: debitAmount, date: date, notices: notices, now: now)
    }
}

/// The contract's rules written as plainly as possible: schedules walked date by date, months counted by hand.
enum SimpleValidity {
    static func reasons(_ input: RandomCase) -> [String] {
        let terms = input.consent.terms
        var reasons: [String] = []
        if [.pending, .expired].contains(input.consent.status) { reasons.append("not_active") }
        if input.consent.status == .cancelled { reasons.append("cancelled") }
        if input.consent.status == .completed { reasons.append("completed") }
        if let end = terms.endDate, input.date > end { reasons.append("ended") }
        if let first = terms.firstDebitDate, input.date < first { reasons.append("before_first_debit") }
        let card = input.consent.card
        let cardEnd = LocalDate(
            year: card.expiryYear, month: card.expiryMonth,
            day: LocalDate.daysIn(month: card.expiryMonth, year: card.expiryYear))!
        if input.date > cardEnd { reasons.append("card_expired") }
        if input.amount.currency != terms.amount.currency {
            reasons.append("currency_mismatch")
        } else if terms.amountType == .fixed, input.amount.minorUnits != terms.amount.minorUnits {
            reasons.append("amount_mismatch")
        } else if terms.amountType == .variable, let maximum = terms.maxAmount, input.amount.minorUnits > maximum.minorUnits {
            reasons.append("amount_above_maximum")
        }
        if terms.type == .scheduled, terms.dateType == .fixed, let first = terms.firstDebitDate, let frequency = terms.frequency {
            var dates: [LocalDate] = []
            var year = first.year
            var month = first.month
            var day = first
            while day <= input.date {
                dates.append(day)
                switch frequency {
                case .monthly:
                    month += 1
                    if month == 13 { month = 1; year += 1 }
                    day = LocalDate(year: year, month: month, day: min(first.day, LocalDate.daysIn(month: month, year: year)))!
                case .everyDays(let days):
                    day = LocalDate(daysSinceEpoch: day.daysSinceEpoch + days)
                }
            }
            if !dates.contains(input.date) { reasons.append("date_not_in_schedule") }
        }
        let needsNotice =
            terms.objectiveCriteria == nil
            && (terms.type == .unscheduled || terms.amountType == .variable || terms.dateType == .variable)
        if needsNotice {
            let inTime = input.notices.contains { notice in
                notice.amount == input.amount && notice.date == input.date
                    && notice.sentAt.localDate(in: input.consent.timeZone).daysSinceEpoch + input.consent.noticeDays
                        <= input.date.daysSinceEpoch
            }
            if !inTime { reasons.append("notice_required") }
        }
        return reasons
    }
}

/// Terms that came from an amendment by notice apply only once their notice has had the policy's days.
@Suite("Debit validity under an amendment by notice")
struct AmendedDebitValidityTests {
    static func consent(noticeSentAt: String?) -> DebitConsent {
        let base = DebitValidityTests.consent()
        return DebitConsent(
            status: base.status, terms: base.terms, card: base.card, noticeDays: 14, timeZone: base.timeZone,
            amendmentNotice: .init(sentAt: noticeSentAt.flatMap(Instant.init(rfc3339:))))
    }

    static func decide(_ consent: DebitConsent, on day: String) -> ValidityDecision {
        DebitValidity.decide(
            consent, amount: DebitValidityTests.euros(1023), date: DebitValidityTests.date(day), notices: [],
            now: DebitValidityTests.now)
    }

    /// Sent at 22:30 UTC on 14 January, which is already 15 January in Vilnius: 14 days from there is the 29th.
    @Test func theNoticeDaysCountFromTheLocalDayItWasSent() {
        let consent = Self.consent(noticeSentAt: "2026-01-14T22:30:00Z")
        let early = Self.decide(consent, on: "2026-02-28")
        #expect(early.valid)
        let tooSoon = DebitValidity.decide(
            DebitConsent(
                status: .active, terms: DebitValidityTests.consent(first: "2026-01-28", frequency: .everyDays(1)).terms,
                card: consent.card, noticeDays: 14, timeZone: consent.timeZone, amendmentNotice: consent.amendmentNotice),
            amount: DebitValidityTests.euros(1023), date: DebitValidityTests.date("2026-01-28"), notices: [],
            now: DebitValidityTests.now)
        #expect(tooSoon.reasons == [.amendmentNoticeRequired])
        #expect(tooSoon.earliestPermittedDate == DebitValidityTests.date("2026-01-29"))
    }

    @Test func anUnsentNoticeRefusesEveryDebitAndNamesTheEarliestDayFromToday() {
        let decision = Self.decide(Self.consent(noticeSentAt: nil), on: "2026-03-31")
        #expect(decision.reasons == [.amendmentNoticeRequired])
        #expect(decision.earliestPermittedDate == DebitValidityTests.date("2026-01-24"))
    }

    @Test func agreedTermsNeedNoAmendmentNotice() {
        #expect(Self.decide(DebitValidityTests.consent(), on: "2026-03-31").valid)
    }
}
