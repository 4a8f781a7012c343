import Foundation
import Testing

@testable import ConsentRules

/// Amendment requests against the fixture's terms: scheduled every 15 days from 2026-12-15, a variable amount
/// from 10.23 EUR up to 50.00, fixed dates, ending 2028-12-15, with objective criteria.
@Suite("Amendment validation")
struct AmendmentValidatorTests {
    static let current: Terms = {
        guard let draft = ConsentFixtures.draft(ConsentFixtures.body) else { preconditionFailure("fixture invalid") }
        return draft.terms
    }()

    static let evidence: JSONValue = [
        "acceptedAt": "2026-11-21T11:00:00Z", "ipAddress": "235.114.187.1", "userAgent": "Mozilla/5.0",
        "disclosureText": "the new price is 12.99 EUR", "disclosureVersion": "2027-01",
    ]

    static func validate(
        _ body: JSONValue, current: Terms = current, increasesByNotice: Bool = false
    ) -> AmendmentValidation {
        AmendmentValidator.validate(
            body,
            .init(
                current: current, now: ConsentFixtures.now, today: ConsentFixtures.today, noticeDays: 14,
                increasesByNotice: increasesByNotice))
    }

    static func body(_ terms: JSONValue, from effectiveFrom: String = "2027-01-15", agreed: Bool = false) -> JSONValue {
        var members: [String: JSONValue] = [
            "terms": terms, "effectiveFrom": .string(effectiveFrom), "reason": "yearly price review",
        ]
        if agreed { members["evidence"] = evidence }
        return .object(members)
    }

    static func draft(_ validation: AmendmentValidation) -> AmendmentDraft? {
        if case .valid(let draft) = validation { return draft }
        return nil
    }

    static func fields(_ validation: AmendmentValidation) -> [String] {
        if case .invalid(let errors) = validation { return errors.map(\.field) }
        return []
    }

    @Test func aLowerMaximumByNoticeMergesOverTheTermsAndRestartsTheSchedule() throws {
        let draft = try #require(Self.draft(Self.validate(Self.body(["maxAmount": "40.00"]))))
        #expect(draft.consent == .notified)
        #expect(draft.changed == ["maxAmount"])
        #expect(draft.terms.maxAmount?.decimalString == "40.00")
        #expect(draft.terms.amount == Self.current.amount)
        #expect(draft.terms.frequency == Self.current.frequency)
        #expect(draft.terms.firstDebitDate == LocalDate(iso: "2027-01-15"))
        #expect(draft.terms.endDate == Self.current.endDate)
    }

    @Test func anIncreaseByNoticeNeedsTheConsumerUnlessThePolicyAllowsIt() {
        let higher = Self.body(["maxAmount": "60.00", "endDate": nil])
        #expect(Self.validate(higher) == .consumerConsentRequired(fields: ["maxAmount", "endDate"]))
        #expect(Self.draft(Self.validate(higher, increasesByNotice: true)) != nil)
        #expect(Self.draft(Self.validate(Self.body(["maxAmount": "60.00"], agreed: true))) != nil)
    }

    @Test func aNoticeMustGiveThePolicysDaysAndAnAgreementOnlyNotThePast() {
        #expect(Self.validate(Self.body(["maxAmount": "40.00"], from: "2026-12-04"))
            == .tooSoon(earliestEffectiveFrom: LocalDate(iso: "2026-12-05")!))
        #expect(Self.draft(Self.validate(Self.body(["maxAmount": "40.00"], from: "2026-12-05"))) != nil)
        #expect(Self.draft(Self.validate(Self.body(["maxAmount": "60.00"], from: "2026-11-21", agreed: true))) != nil)
        #expect(Self.fields(Self.validate(Self.body(["maxAmount": "60.00"], from: "2026-11-20", agreed: true)))
            == ["effectiveFrom"])
    }

    @Test func typeAndCurrencyCannotChangeAndEveryProblemIsNamedAtOnce() {
        let body = JSONValue.object([
            "terms": ["type": "unscheduled", "currency": "USD", "firstDebitDate": "2027-01-01"],
            "reason": "", "extra": true,
        ])
        #expect(
            Self.fields(Self.validate(body))
                == ["extra", "effectiveFrom", "reason", "terms.firstDebitDate", "terms.currency", "terms.type"])
    }

    @Test func theMergedTermsPassTheCaptureRules() {
        // A fixed amount may not keep a maximum that is lower than it, and an end before the new start fails.
        #expect(Self.fields(Self.validate(Self.body(["amountType": "fixed", "amount": "12.99", "endDate": "2027-01-10"])))
            == ["terms.endDate"])
        #expect(Self.fields(Self.validate(Self.body(["frequency": ["interval": "custom", "days": 0]])))
            == ["terms.frequency.days"])
        #expect(Self.fields(Self.validate(Self.body([:]))) == ["terms"])
    }

    @Test func aCardNumberAnywhereIsRefusedBeforeAnythingElse() {
        #expect(Self.validate(Self.body(["objectiveCriteria": "card 4111 1111 1111 1111"])) == .cardNumber)
    }
}

@Suite("Terms changes that raise charges")
struct TermsChangeTests {
    static let eur = Currency.iso4217("EUR")!

    static func terms(
        amount: Int64 = 1000, amountType: AmountType = .fixed, max: Int64? = nil, dateType: DateType = .fixed,
        frequency: Frequency? = .monthly, end: String? = "2028-01-01"
    ) -> Terms {
        Terms(
            type: frequency == nil ? .unscheduled : .scheduled, amount: Money(minorUnits: amount, currency: eur),
            amountType: amountType, maxAmount: max.map { Money(minorUnits: $0, currency: eur) },
            firstDebitDate: frequency == nil ? nil : LocalDate(iso: "2027-01-01"), dateType: dateType,
            frequency: frequency, endDate: end.flatMap(LocalDate.init(iso:)), objectiveCriteria: nil)
    }

    @Test(arguments: [
        (terms(amount: 1100), ["amount"]),
        (terms(amount: 900), []),
        (terms(amountType: .variable, max: 2000), ["amountType"]),
        (terms(dateType: .variable), ["dateType"]),
        (terms(frequency: .everyDays(30)), ["frequency"]),
        (terms(frequency: .everyDays(31)), []),
        (terms(end: "2028-06-01"), ["endDate"]),
        (terms(end: nil), ["endDate"]),
        (terms(end: "2027-06-01"), []),
    ])
    func fromAFixedMonthlyAmount(new: Terms, raised: [String]) {
        #expect(TermsChange.raises(from: Self.terms(), to: new) == raised)
    }

    @Test func aVariableAmountsCeilingRisesWithItsMaximumOrWithoutOne() {
        let capped = Self.terms(amountType: .variable, max: 2000)
        #expect(TermsChange.raises(from: capped, to: Self.terms(amountType: .variable, max: 2500)) == ["maxAmount"])
        #expect(TermsChange.raises(from: capped, to: Self.terms(amountType: .variable, max: nil)) == ["maxAmount"])
        #expect(TermsChange.raises(from: capped, to: Self.terms(amount: 1500, amountType: .variable, max: 1800)) == [])
        #expect(TermsChange.raises(from: capped, to: Self.terms(amount: 1500)) == [])
    }

    @Test func anEndAddedWhereThereWasNoneLowersNothing() {
        #expect(TermsChange.raises(from: Self.terms(end: nil), to: Self.terms(end: "2027-06-01")) == [])
    }
}
