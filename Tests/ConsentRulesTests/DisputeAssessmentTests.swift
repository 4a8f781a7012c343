import ConsentRules
import Foundation
import Testing

/// Whether the record supports a disputed payment: validity's own rules as of the payment's moment.
@Suite struct DisputeAssessmentTests {
    static let euro = Currency.iso4217("EUR")!
    static let vilnius = TimeZone(identifier: "Europe/Vilnius")!
    static let fixedTerms = Terms(
        type: .scheduled, amount: Money(minorUnits: 1023, currency: euro), amountType: .fixed, maxAmount: nil,
        firstDebitDate: LocalDate(iso: "2026-12-15"), dateType: .fixed, frequency: .everyDays(15),
        endDate: LocalDate(iso: "2028-12-15"), objectiveCriteria: nil)
    static let card = Card(brand: "VISA", last4: "1096", expiryMonth: 12, expiryYear: 2028)
    static let activated = Instant(rfc3339: "2026-11-21T12:00:00Z")!

    static func consent(_ terms: Terms = fixedTerms) -> DebitConsent {
        DebitConsent(status: .active, terms: terms, card: card, noticeDays: 14, timeZone: vilnius)
    }

    static func payment(_ id: String = "pay", amount: Int64 = 1023, at time: String, initial: Bool = false) -> DisputedPayment {
        DisputedPayment(
            paymentId: id, amount: Money(minorUnits: amount, currency: euro), executedAt: Instant(rfc3339: time)!,
            isInitial: initial)
    }

    static func history(cancelledAt: String? = nil) -> ConsentHistory {
        ConsentHistory(
            activatedAt: activated, expiresAt: Instant(rfc3339: "2026-11-22T12:00:00Z")!,
            cancelledAt: cancelledAt.flatMap(Instant.init(rfc3339:)))
    }

    @Test func aScheduledPaymentBeforeAnyCancellationIsSupported() {
        let assessment = DisputeAssessment.assess(
            Self.payment(at: "2026-12-15T08:00:00Z"), consent: Self.consent(),
            history: Self.history(cancelledAt: "2026-12-20T08:00:00Z"), notices: [])
        #expect(assessment.supportsMerchant)
        #expect(assessment.breaches.isEmpty)
        #expect(!assessment.afterCancellation)
    }

    @Test func aPaymentAfterTheCancellationTookEffectIsNot() {
        let assessment = DisputeAssessment.assess(
            Self.payment(at: "2026-12-30T08:00:00Z"), consent: Self.consent(),
            history: Self.history(cancelledAt: "2026-12-20T08:00:00Z"), notices: [])
        #expect(!assessment.supportsMerchant)
        #expect(assessment.afterCancellation)
        #expect(assessment.breaches == [.cancelled])
    }

    @Test func theCancellationsOwnMomentAlreadyCounts() {
        let assessment = DisputeAssessment.assess(
            Self.payment(at: "2026-12-15T08:00:00Z"), consent: Self.consent(),
            history: Self.history(cancelledAt: "2026-12-15T08:00:00Z"), notices: [])
        #expect(assessment.afterCancellation)
    }

    @Test func aVariableDebitWithoutItsNoticeIsNotSupportedAndWithItIs() {
        var variable = Self.fixedTerms
        variable = Terms(
            type: .scheduled, amount: variable.amount, amountType: .variable,
            maxAmount: Money(minorUnits: 5000, currency: Self.euro), firstDebitDate: variable.firstDebitDate,
            dateType: .variable, frequency: nil, endDate: variable.endDate, objectiveCriteria: nil)
        let payment = Self.payment(amount: 2500, at: "2026-12-30T08:00:00Z")
        let without = DisputeAssessment.assess(payment, consent: Self.consent(variable), history: Self.history(), notices: [])
        #expect(without.breaches == [.noticeRequired])
        let late = SentNotice(
            amount: payment.amount, date: LocalDate(iso: "2026-12-30")!, sentAt: Instant(rfc3339: "2026-12-20T08:00:00Z")!)
        #expect(
            DisputeAssessment.assess(payment, consent: Self.consent(variable), history: Self.history(), notices: [late])
                .breaches == [.noticeRequired], "ten days ahead is too late")
        let inTime = SentNotice(
            amount: payment.amount, date: LocalDate(iso: "2026-12-30")!, sentAt: Instant(rfc3339: "2026-12-16T08:00:00Z")!)
        #expect(
            DisputeAssessment.assess(payment, consent: Self.consent(variable), history: Self.history(), notices: [inTime])
                .supportsMerchant)
    }

    @Test func anAmountOrDateOutsideTheTermsIsNamed() {
        let assessment = DisputeAssessment.assess(
            Self.payment(amount: 1500, at: "2026-12-16T08:00:00Z"), consent: Self.consent(), history: Self.history(),
            notices: [])
        #expect(assessment.breaches == [.amountMismatch, .dateNotInSchedule])
    }

    @Test func theAuthenticatedFirstPaymentStandsOnItsOwnAuthentication() {
        let assessment = DisputeAssessment.assess(
            Self.payment(amount: 999, at: "2026-11-21T11:59:00Z", initial: true), consent: Self.consent(),
            history: Self.history(), notices: [])
        #expect(assessment.supportsMerchant)
        #expect(assessment.decision == nil)
    }

    @Test func aPaymentBeforeActivationFindsTheConsentNotYetActive() {
        let history = Self.history()
        #expect(history.status(at: Instant(rfc3339: "2026-11-21T11:00:00Z")!) == .pending)
        #expect(history.status(at: Instant(rfc3339: "2026-11-23T11:00:00Z")!) == .active)
        let never = ConsentHistory(activatedAt: nil, expiresAt: Instant(rfc3339: "2026-11-22T12:00:00Z")!, cancelledAt: nil)
        #expect(never.status(at: Instant(rfc3339: "2026-11-23T11:00:00Z")!) == .expired)
    }
}
