import Foundation
import Testing

@testable import ConsentRules

@Suite("Card updates and expiry reminders")
struct CardRulesTests {
    static let today = LocalDate(iso: "2026-11-21")!

    static func validate(_ body: JSONValue) -> CardUpdateValidation {
        CardUpdateValidator.validate(body, today: today)
    }

    static let reissued: JSONValue = [
        "brand": "VISA", "last4": "4242", "expiryMonth": 3, "expiryYear": 2031, "source": "account_updater",
    ]

    @Test func aReissuedCardIsReadWithItsSource() {
        #expect(Self.validate(Self.reissued) == .valid(CardUpdate(
            card: Card(brand: "VISA", last4: "4242", expiryMonth: 3, expiryYear: 2031), source: .accountUpdater,
            accountClosed: false)))
    }

    @Test func onlyAnAccountUpdaterReportsAClosedAccount() throws {
        var closed = Self.reissued
        closed = .object((closed.objectValue ?? [:]).merging(["accountStatus": "closed"]) { $1 })
        guard case .valid(let update) = Self.validate(closed) else {
            Issue.record("refused: \(Self.validate(closed))")
            return
        }
        #expect(update.accountClosed)
        let byConsumer = JSONValue.object((closed.objectValue ?? [:]).merging(["source": "consumer"]) { $1 })
        #expect(Self.validate(byConsumer) == .invalid([
            FieldError(field: "accountStatus", message: "only an account updater reports a closed account"),
        ]))
    }

    @Test func everyBadFieldIsNamedAndACardNumberIsRefused() {
        let bad: JSONValue = [
            "brand": "", "last4": "42", "expiryMonth": 13, "expiryYear": 2031, "source": "bank", "cvv": "123",
            "accountStatus": "frozen",
        ]
        guard case .invalid(let errors) = Self.validate(bad) else {
            Issue.record("accepted: \(Self.validate(bad))")
            return
        }
        #expect(Set(errors.map(\.field)) == ["cvv", "brand", "last4", "expiryMonth", "source", "accountStatus"])
        let expired: JSONValue = ["brand": "VISA", "last4": "4242", "expiryMonth": 10, "expiryYear": 2026, "source": "merchant"]
        #expect(Self.validate(expired) == .invalid([FieldError(field: "expiryYear", message: "the card has expired")]))
        let number: JSONValue = ["brand": "VISA 4111 1111 1111 1111", "last4": "1111", "expiryMonth": 1, "expiryYear": 2030, "source": "consumer"]
        #expect(Self.validate(number) == .cardNumber)
    }

    @Test(arguments: [
        ("2026-12-15", "2026-12-15"), ("2026-12-16", "2027-01-15"), ("2026-01-01", "2026-12-15"),
        ("2027-02-01", "2027-02-15"), ("2027-02-16", "2027-03-15"),
    ])
    func theFirstMonthlyDebitOnOrAfterADay(day: String, expected: String) {
        let schedule = DebitSchedule(first: LocalDate(iso: "2026-12-15")!, frequency: .monthly)
        #expect(schedule.firstOccurrence(onOrAfter: LocalDate(iso: day)!) == LocalDate(iso: expected))
    }

    @Test func theFirstDebitOnOrAfterADayKeepsClampedMonthEndsAndCustomSteps() {
        let monthEnd = DebitSchedule(first: LocalDate(iso: "2027-01-31")!, frequency: .monthly)
        #expect(monthEnd.firstOccurrence(onOrAfter: LocalDate(iso: "2027-02-01")!) == LocalDate(iso: "2027-02-28"))
        #expect(monthEnd.firstOccurrence(onOrAfter: LocalDate(iso: "2027-03-01")!) == LocalDate(iso: "2027-03-31"))
        let fortnightly = DebitSchedule(first: LocalDate(iso: "2026-12-15")!, frequency: .everyDays(14))
        #expect(fortnightly.firstOccurrence(onOrAfter: LocalDate(iso: "2026-12-29")!) == LocalDate(iso: "2026-12-29"))
        #expect(fortnightly.firstOccurrence(onOrAfter: LocalDate(iso: "2026-12-30")!) == LocalDate(iso: "2027-01-12"))
    }

    static let monthly = Terms(
        type: .scheduled, amount: Money(minorUnits: 1023, currency: Currency.iso4217("EUR")!), amountType: .fixed,
        maxAmount: nil, firstDebitDate: LocalDate(iso: "2026-12-15"), dateType: .fixed, frequency: .monthly,
        endDate: LocalDate(iso: "2028-12-15"), objectiveCriteria: nil)

    /// A card valid through February 2027: the debit of 15 March is the first it cannot pay, so the reminder is
    /// owed 30 days before it, on 13 February; while the next debit is 15 February, nothing is owed.
    @Test func aReminderIsOwedThirtyDaysBeforeTheFirstDebitAfterTheCardsExpiry() {
        let card = Card(brand: "VISA", last4: "1096", expiryMonth: 2, expiryYear: 2027)
        let early = CardExpiryReminder.due(
            card: card, terms: Self.monthly, today: LocalDate(iso: "2027-02-10")!, reminderDays: 30)
        #expect(early == nil)
        let due = CardExpiryReminder.due(
            card: card, terms: Self.monthly, today: LocalDate(iso: "2027-02-16")!, reminderDays: 30)
        #expect(due?.debit == LocalDate(iso: "2027-03-15"))
        #expect(due?.remindOn == LocalDate(iso: "2027-02-13"))
        let ended = Terms(
            type: .scheduled, amount: Self.monthly.amount, amountType: .fixed, maxAmount: nil,
            firstDebitDate: Self.monthly.firstDebitDate, dateType: .fixed, frequency: .monthly,
            endDate: LocalDate(iso: "2027-02-15"), objectiveCriteria: nil)
        #expect(CardExpiryReminder.due(card: card, terms: ended, today: LocalDate(iso: "2027-02-16")!, reminderDays: 30) == nil)
    }

    @Test func aClosedAccountRefusesTheDebit() {
        let base = DebitValidityTests.consent()
        let closed = DebitConsent(
            status: .active, terms: base.terms, card: base.card, noticeDays: 14, timeZone: base.timeZone, cardClosed: true)
        let decision = DebitValidity.decide(
            closed, amount: DebitValidityTests.euros(1023), date: DebitValidityTests.date("2026-02-28"), notices: [],
            now: DebitValidityTests.now)
        #expect(decision.reasons == [.cardClosed])
    }
}
