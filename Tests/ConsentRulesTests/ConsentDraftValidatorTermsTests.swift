import Testing
@testable import ConsentRules

/// The terms' rules: choices, amounts and currencies, schedules, dates, objective criteria.
extension ConsentDraftValidatorTests {
    @Test func checksTermsChoices() {
        let wrong = body.setting("terms.type", to: "monthly").setting("terms.amountType", to: "Fixed")
            .setting("terms.dateType", to: "")
        #expect(Set(errors(wrong).map(\.description)) == [
            "terms.type: must be one of: scheduled, unscheduled",
            "terms.amountType: must be one of: fixed, variable",
            "terms.dateType: must be one of: fixed, variable",
        ])
        let missing = body.setting("terms.type", to: nil).setting("terms.amountType", to: nil)
            .setting("terms.dateType", to: nil).setting("terms.amount", to: nil).setting("terms.currency", to: nil)
        #expect(Set(errors(missing).map(\.description)) == [
            "terms.type: is required", "terms.amountType: is required", "terms.dateType: is required",
            "terms.amount: is required", "terms.currency: is required",
        ])
    }

    @Test(arguments: [
        ("10.234", "must have at most 2 decimal places for EUR"),
        ("0", "must be greater than zero"),
        ("0.00", "must be greater than zero"),
        ("-1.00", "must be greater than zero"),
        ("1e3", "must be a decimal string of digits with an optional decimal point"),
        ("10,23", "must be a decimal string of digits with an optional decimal point"),
        (" 10.23", "must be a decimal string of digits with an optional decimal point"),
        ("", "must be a decimal string of digits with an optional decimal point"),
        ("99999999999999999999", "is too large"),
    ])
    func checksTheAmount(_ amount: String, _ message: String) {
        let unbounded = body.setting("terms.maxAmount", to: nil)
        #expect(onlyError(unbounded.setting("terms.amount", to: .string(amount))) == "terms.amount: \(message)")
    }

    @Test func namesTheCurrencysDecimals() {
        let yen = body.setting("terms.currency", to: "JPY").setting("terms.maxAmount", to: nil)
        #expect(onlyError(yen.setting("terms.amount", to: "10.5")) == "terms.amount: must be a whole number: JPY has no decimal places")
        #expect(ConsentFixtures.draft(yen.setting("terms.amount", to: "1500"))?.terms.amount.minorUnits == 1500)
        let dinar = body.setting("terms.currency", to: "KWD").setting("terms.maxAmount", to: nil)
        #expect(onlyError(dinar.setting("terms.amount", to: "1.2345")) == "terms.amount: must have at most 3 decimal places for KWD")
        #expect(ConsentFixtures.draft(dinar.setting("terms.amount", to: "1.234"))?.terms.amount.minorUnits == 1234)
    }

    @Test(arguments: ["eur", "XYZ", "EURO", "", "XAU"])
    func refusesUnknownCurrencies(_ code: String) {
        #expect(onlyError(body.setting("terms.currency", to: .string(code)))
                == "terms.currency: must be an upper-case ISO 4217 currency code")
    }

    @Test func skipsCurrencyDependentChecksWhenTheCurrencyIsBad() {
        // The decimals cannot be judged without a currency: only the currency is reported.
        let badCurrency = body.setting("terms.currency", to: "XYZ").setting("terms.amount", to: "10.234")
            .setting("terms.maxAmount", to: "1.00")
        #expect(errors(badCurrency).map(\.description) == ["terms.currency: must be an upper-case ISO 4217 currency code"])
        // What is wrong whatever the currency is still reported.
        let bothBad = body.setting("terms.currency", to: "XYZ").setting("terms.amount", to: "ten")
            .setting("terms.maxAmount", to: "0")
        #expect(Set(errors(bothBad).map(\.description)) == [
            "terms.currency: must be an upper-case ISO 4217 currency code",
            "terms.amount: must be a decimal string of digits with an optional decimal point",
            "terms.maxAmount: must be greater than zero",
        ])
        let missingCurrency = body.setting("terms.currency", to: nil).setting("terms.amount", to: "-5")
        #expect(Set(errors(missingCurrency).map(\.description)) == [
            "terms.currency: is required", "terms.amount: must be greater than zero",
        ])
    }

    @Test func checksMaxAmount() {
        #expect(onlyError(body.setting("terms.maxAmount", to: "10.22")) == "terms.maxAmount: must not be less than the amount")
        #expect(ConsentFixtures.draft(body.setting("terms.maxAmount", to: "10.23"))?.terms.maxAmount?.minorUnits == 1023)
        #expect(ConsentFixtures.draft(body.setting("terms.maxAmount", to: nil))?.terms.maxAmount == nil)
        #expect(onlyError(body.setting("terms.maxAmount", to: "50.001")) == "terms.maxAmount: must have at most 2 decimal places for EUR")
        #expect(onlyError(body.setting("terms.maxAmount", to: .number("50"))) == "terms.maxAmount: must be a string")
        // With a bad amount, maxAmount is not compared against it.
        #expect(onlyError(body.setting("terms.amount", to: "x")) == "terms.amount: must be a decimal string of digits with an optional decimal point")
        // With a bad amountType, whether maxAmount is allowed cannot be judged.
        #expect(onlyError(body.setting("terms.amountType", to: "capped")) == "terms.amountType: must be one of: fixed, variable")
        let fixed = body.setting("terms.amountType", to: "fixed")
        #expect(ConsentFixtures.draft(fixed.setting("terms.maxAmount", to: .null))?.terms.amountType == .fixed)
    }

    @Test func schedulesNeedAFirstDebitDateAndAFrequency() {
        let bare = body.setting("terms.firstDebitDate", to: nil).setting("terms.frequency", to: nil)
        #expect(Set(errors(bare).map(\.description)) == [
            "terms.firstDebitDate: is required for scheduled terms", "terms.frequency: is required for scheduled terms",
        ])
    }

    @Test func unscheduledTermsHaveNoFrequency() {
        let unscheduled = body.setting("terms.type", to: "unscheduled")
        #expect(onlyError(unscheduled) == "terms.frequency: must be absent for unscheduled terms")
        let withoutFrequency = unscheduled.setting("terms.frequency", to: nil)
        #expect(ConsentFixtures.draft(withoutFrequency)?.terms.firstDebitDate == LocalDate(iso: "2026-12-15"))
        #expect(ConsentFixtures.draft(withoutFrequency.setting("terms.firstDebitDate", to: nil)) != nil)
    }

    @Test func withABadTypeNeitherRequiresNorForbidsTheSchedule() {
        let unknownType = body.setting("terms.type", to: "sometimes")
        #expect(onlyError(unknownType) == "terms.type: must be one of: scheduled, unscheduled")
        let unknownTypeBare = unknownType.setting("terms.frequency", to: nil).setting("terms.firstDebitDate", to: nil)
        #expect(onlyError(unknownTypeBare) == "terms.type: must be one of: scheduled, unscheduled")
        let unknownTypeBadFrequency = unknownType.setting("terms.frequency.interval", to: "weekly")
        #expect(errors(unknownTypeBadFrequency).count == 2)
    }

    @Test(arguments: [1, 15, 366])
    func acceptsCustomIntervals(_ days: Int) {
        #expect(ConsentFixtures.draft(body.setting("terms.frequency.days", to: .integer(days)))?.terms.frequency == .everyDays(days))
    }

    @Test(arguments: ["0", "367", "-1", "99999999999999999999"])
    func refusesOtherCustomIntervals(_ days: String) {
        #expect(onlyError(body.setting("terms.frequency.days", to: .number(days))) == "terms.frequency.days: must be between 1 and 366")
    }

    @Test func customIntervalsNeedDays() {
        #expect(onlyError(body.setting("terms.frequency.days", to: nil)) == "terms.frequency.days: is required")
    }

    @Test func monthlyIgnoresDays() {
        let monthly = body.setting("terms.frequency", to: ["interval": "monthly", "days": "whatever"])
        #expect(ConsentFixtures.draft(monthly)?.terms.frequency == .monthly)
        #expect(ConsentFixtures.draft(body.setting("terms.frequency", to: ["interval": "monthly"]))?.terms.frequency == .monthly)
    }

    @Test func frequencyNeedsAKnownInterval() {
        #expect(onlyError(body.setting("terms.frequency.interval", to: "weekly")) == "terms.frequency.interval: must be one of: monthly, custom")
        #expect(onlyError(body.setting("terms.frequency", to: [:])) == "terms.frequency.interval: is required")
    }

    @Test(arguments: ["2026-13-01", "15.12.2026", "2026-12-15T00:00:00Z", "2027-02-29"])
    func checksDates(_ text: String) {
        #expect(onlyError(body.setting("terms.firstDebitDate", to: .string(text))) == "terms.firstDebitDate: must be a date written YYYY-MM-DD")
        #expect(onlyError(body.setting("terms.endDate", to: .string(text))) == "terms.endDate: must be a date written YYYY-MM-DD")
    }

    @Test func endDateComesAfterTheFirstDebit() {
        #expect(onlyError(body.setting("terms.endDate", to: "2026-12-15")) == "terms.endDate: must be after firstDebitDate")
        #expect(onlyError(body.setting("terms.endDate", to: "2026-12-01")) == "terms.endDate: must be after firstDebitDate")
        #expect(ConsentFixtures.draft(body.setting("terms.endDate", to: "2026-12-16")) != nil)
        // No comparison when the first debit date is itself wrong.
        #expect(onlyError(body.setting("terms.firstDebitDate", to: "soon").setting("terms.endDate", to: "2026-01-01"))
                == "terms.firstDebitDate: must be a date written YYYY-MM-DD")
    }

    @Test func endDateIsAtMostFourYearsAway() {
        #expect(ConsentFixtures.draft(body.setting("terms.endDate", to: "2030-11-21")) != nil)
        #expect(onlyError(body.setting("terms.endDate", to: "2030-11-22")) == "terms.endDate: must be at most 4 years after today")
        let leapToday = LocalDate(iso: "2028-02-29")!
        let later = body.setting("terms.firstDebitDate", to: "2028-03-01").setting("card.expiryYear", to: 2030)
        #expect(ConsentFixtures.draft(later.setting("terms.endDate", to: "2032-02-29"), today: leapToday) != nil)
        #expect(ConsentFixtures.errors(later.setting("terms.endDate", to: "2032-03-01"), today: leapToday)?.map(\.field) == ["terms.endDate"])
        let both = body.setting("terms.endDate", to: "2026-12-01").setting("terms.firstDebitDate", to: "2031-01-01")
        #expect(errors(both).count == 1)
        let farAndEarly = body.setting("terms.firstDebitDate", to: "2040-01-01").setting("terms.endDate", to: "2039-01-01")
        #expect(errors(farAndEarly).map(\.message) == ["must be after firstDebitDate", "must be at most 4 years after today"])
    }

    @Test func checksObjectiveCriteria() {
        #expect(ConsentFixtures.draft(body.setting("terms.objectiveCriteria", to: .string(String(repeating: "c", count: 10_000)))) != nil)
        #expect(onlyError(body.setting("terms.objectiveCriteria", to: .string(String(repeating: "c", count: 10_001))))
                == "terms.objectiveCriteria: must be at most 10000 characters")
        #expect(onlyError(body.setting("terms.objectiveCriteria", to: " ")) == "terms.objectiveCriteria: must not be empty")
        #expect(ConsentFixtures.draft(body.setting("terms.objectiveCriteria", to: "line one\nline two")) != nil)
    }
}
