import Testing
@testable import ConsentRules

@Suite("Consent draft validation")
struct ConsentDraftValidatorTests {
    let body = ConsentFixtures.body

    func errors(_ body: JSONValue) -> [FieldError] {
        ConsentFixtures.errors(body) ?? []
    }

    /// The single error `body` has, as "field: message".
    func onlyError(_ body: JSONValue) -> String? {
        let found = errors(body)
        return found.count == 1 ? found[0].description : "\(found.count) errors: \(found)"
    }

    @Test func acceptsTheFixtureAndReadsEveryField() throws {
        let draft = try #require(ConsentFixtures.draft(body))
        #expect(draft.merchantReference == "order-8841")
        #expect(draft.consumer == Consumer(firstName: "Darrel", lastName: "Keeling", email: "darrel@example.com",
                                           phone: "+37066666666", language: "en"))
        let euro = try #require(Currency.iso4217("EUR"))
        #expect(draft.terms == Terms(
            type: .scheduled, amount: Money(minorUnits: 1023, currency: euro), amountType: .variable,
            maxAmount: Money(minorUnits: 5000, currency: euro), firstDebitDate: LocalDate(iso: "2026-12-15"),
            dateType: .fixed, frequency: .everyDays(15), endDate: LocalDate(iso: "2028-12-15"),
            objectiveCriteria: "text agreed with the consumer for computing variable amounts or dates"))
        #expect(draft.terms.currency == euro)
        #expect(draft.communication == Communication(method: "email", address: "darrel@example.com"))
        #expect(draft.card == Card(brand: "VISA", last4: "1096", expiryMonth: 12, expiryYear: 2028))
        #expect(draft.evidence == Evidence(
            acceptedAt: try #require(Instant(rfc3339: "2026-11-21T10:15:00Z")), ipAddress: "235.114.187.1",
            userAgent: "Mozilla/5.0 ...", disclosureText: "the exact text the consumer agreed to",
            disclosureVersion: "2026-11"))
        #expect(draft.recurrenceId == "700f6eda-1af5-4a77-9605-988845aac875")
    }

    @Test func theContractsOwnExampleOnlyFailsOnMaxAmountWithAFixedAmount() {
        #expect(onlyError(body.setting("terms.amountType", to: "fixed")) == "terms.maxAmount: only allowed with a variable amount")
    }

    @Test func draftJSONValidatesBackToTheSameDraft() throws {
        let draft = try #require(ConsentFixtures.draft(body))
        #expect(ConsentFixtures.draft(draft.json) == draft)
        let minimal = try #require(ConsentFixtures.draft(minimalUnscheduled))
        #expect(ConsentFixtures.draft(minimal.json) == minimal)
        #expect(minimal.json["recurrenceId"] == .null)
        #expect(minimal.json["terms"]?["frequency"] == .null)
    }

    private var minimalUnscheduled: JSONValue {
        body.setting("terms", to: [
            "type": "unscheduled", "amount": "1500", "currency": "JPY", "amountType": "fixed", "dateType": "variable",
        ])
        .setting("consumer.phone", to: nil)
        .setting("consumer.language", to: nil)
        .setting("evidence.userAgent", to: nil)
        .setting("recurrenceId", to: nil)
    }

    @Test func acceptsAMinimalUnscheduledConsent() throws {
        let draft = try #require(ConsentFixtures.draft(minimalUnscheduled))
        #expect(draft.consumer.language == "en")
        #expect(draft.consumer.phone == nil)
        #expect(draft.terms.type == .unscheduled)
        #expect(draft.terms.amount.decimalString == "1500")
        #expect(draft.terms.frequency == nil && draft.terms.firstDebitDate == nil && draft.terms.maxAmount == nil)
        #expect(draft.terms.endDate == nil && draft.terms.objectiveCriteria == nil)
        #expect(draft.evidence.userAgent == nil)
        #expect(draft.recurrenceId == nil)
    }

    @Test func readsNullAsAbsentForOptionalFields() {
        let nulls = body.setting("consumer.phone", to: nil).setting("recurrenceId", to: .null)
            .setting("terms.endDate", to: .null).setting("terms.objectiveCriteria", to: .null)
            .setting("evidence.userAgent", to: .null).setting("consumer.language", to: .null)
        #expect(ConsentFixtures.draft(nulls)?.consumer.language == "en")
        #expect(onlyError(body.setting("merchantReference", to: .null)) == "merchantReference: is required")
        #expect(onlyError(body.setting("consumer", to: .null)) == "consumer: is required")
    }

    // MARK: card numbers

    @Test(arguments: ["merchantReference", "consumer.firstName", "terms.objectiveCriteria", "evidence.disclosureText",
                      "evidence.userAgent", "recurrenceId", "card.brand", "terms.extra"])
    func refusesACardNumberInAnyField(_ path: String) {
        let tainted = body.setting(path, to: "4111 1111 1111 1111")
        guard case .cardNumber = ConsentFixtures.validate(tainted) else {
            Issue.record("expected cardNumber for \(path)")
            return
        }
    }

    @Test func checksForCardNumbersBeforeAnythingElse() {
        guard case .cardNumber = ConsentFixtures.validate(["4111111111111111": 1, "bad": true]) else {
            Issue.record("a card number in a key of an otherwise invalid body must win")
            return
        }
        guard case .cardNumber = ConsentFixtures.validate(body.setting("card.last4", to: .number("4111111111111111"))) else {
            Issue.record("a card number as a JSON number must be caught")
            return
        }
    }

    // MARK: shape

    @Test(arguments: [JSONValue.array([]), .string("x"), .null, .number("1"), .bool(true)])
    func requiresAnObjectBody(_ value: JSONValue) {
        #expect(onlyError(value) == "body: must be a JSON object")
    }

    @Test func reportsEveryMissingRequiredMember() {
        let found = Set(errors(.object([:])).map(\.description))
        #expect(found == [
            "merchantReference: is required", "consumer: is required", "terms: is required",
            "communication: is required", "card: is required", "evidence: is required",
        ])
    }

    @Test func reportsUnknownFieldsAtEveryLevel() {
        let typos = body.setting("recurrenceID", to: "x").setting("consumer.emial", to: "x")
            .setting("terms.frequency.dayz", to: 3).setting("card.cvv", to: "123").setting("evidence.ip", to: "1.2.3.4")
            .setting("terms.currancy", to: "EUR").setting("communication.channel", to: "sms")
        #expect(Set(errors(typos).map(\.description)) == [
            "recurrenceID: unknown field", "consumer.emial: unknown field", "terms.frequency.dayz: unknown field",
            "card.cvv: unknown field", "evidence.ip: unknown field", "terms.currancy: unknown field",
            "communication.channel: unknown field",
        ])
    }

    @Test(arguments: [
        ("merchantReference", JSONValue.number("1"), "must be a string"),
        ("consumer", .string("x"), "must be an object"),
        ("consumer.email", .bool(true), "must be a string"),
        ("terms", .array([]), "must be an object"),
        ("terms.amount", .number("10.23"), "must be a string"),
        ("terms.currency", .number("978"), "must be a string"),
        ("terms.type", .array(["scheduled"]), "must be a string"),
        ("terms.frequency", .string("monthly"), "must be an object"),
        ("terms.frequency.days", .string("15"), "must be an integer"),
        ("terms.frequency.days", .number("15.0"), "must be an integer"),
        ("terms.frequency.days", .number("1e1"), "must be an integer"),
        ("card.expiryMonth", .string("12"), "must be an integer"),
        ("card.expiryYear", .number("2028.5"), "must be an integer"),
        ("card.last4", .number("1096"), "must be a string"),
        ("evidence.acceptedAt", .number("1795256100"), "must be a string"),
        ("communication", .array([]), "must be an object"),
        ("recurrenceId", .number("5"), "must be a string"),
    ])
    func namesTheExpectedType(_ path: String, _ value: JSONValue, _ message: String) {
        #expect(onlyError(body.setting(path, to: value)) == "\(path): \(message)")
    }

    @Test func collectsErrorsFromEverySection() {
        let broken = body.setting("terms.amount", to: "10.234").setting("consumer.email", to: "not-an-email")
            .setting("card.last4", to: "12").setting("evidence.ipAddress", to: "300.1.1.1")
            .setting("merchantReference", to: "").setting("recurrenceId", to: "has space")
        #expect(Set(errors(broken).map(\.field)) == [
            "terms.amount", "consumer.email", "card.last4", "evidence.ipAddress", "merchantReference", "recurrenceId",
        ])
    }

    @Test func neverEchoesTheSubmittedValue() {
        let marker = "ZZQX"
        let broken = body.setting("consumer.email", to: .string(marker)).setting("consumer.phone", to: .string(marker))
            .setting("consumer.language", to: .string(marker)).setting("terms.amount", to: .string(marker))
            .setting("terms.currency", to: .string(marker)).setting("terms.type", to: .string(marker))
            .setting("card.brand", to: .string(marker + "!")).setting("evidence.ipAddress", to: .string(marker))
            .setting("evidence.acceptedAt", to: .string(marker)).setting("recurrenceId", to: .string(marker + " "))
            .setting("terms.firstDebitDate", to: .string(marker)).setting("communication.method", to: .string(marker))
        let found = errors(broken)
        #expect(found.count == 12)
        #expect(found.allSatisfy { !$0.message.contains(marker) })
    }

    // MARK: merchant reference and consumer

    @Test func trimsTheReferenceAndNames() {
        let padded = body.setting("merchantReference", to: "  order-1  ").setting("consumer.firstName", to: " Ann ")
        let draft = ConsentFixtures.draft(padded)
        #expect(draft?.merchantReference == "order-1")
        #expect(draft?.consumer.firstName == "Ann")
    }

    @Test(arguments: [
        ("merchantReference", "", "must not be empty"),
        ("merchantReference", "   ", "must not be empty"),
        ("merchantReference", "a\u{7}b", "must not contain control characters"),
        ("merchantReference", "line\nbreak", "must not contain control characters"),
        ("merchantReference", "a\u{85}b", "must not contain control characters"),
        ("merchantReference", String(repeating: "r", count: 256), "must be at most 255 characters"),
        ("consumer.firstName", "", "must not be empty"),
        ("consumer.firstName", String(repeating: "é", count: 101), "must be at most 100 characters"),
        ("consumer.lastName", "Kee\u{0}ling", "must not contain control characters"),
        ("consumer.lastName", " ", "must not be empty"),
    ])
    func checksTextFields(_ path: String, _ value: String, _ message: String) {
        #expect(onlyError(body.setting(path, to: .string(value))) == "\(path): \(message)")
    }

    @Test func acceptsLimitLengths() {
        let atLimits = body.setting("merchantReference", to: .string(String(repeating: "r", count: 255)))
            .setting("consumer.firstName", to: .string(String(repeating: "ž", count: 100)))
            .setting("consumer.lastName", to: "O'Brien-Šimkus")
        #expect(ConsentFixtures.draft(atLimits) != nil)
    }

    @Test func requiresConsumerNamesAndEmail() {
        let missing = body.setting("consumer.firstName", to: nil).setting("consumer.lastName", to: nil)
            .setting("consumer.email", to: nil)
        #expect(Set(errors(missing).map(\.description)) == [
            "consumer.firstName: is required", "consumer.lastName: is required", "consumer.email: is required",
        ])
    }

    @Test(arguments: ["+37066666666", "+12345678", "+123456789012345", "+14155552671"])
    func acceptsE164Phones(_ phone: String) {
        #expect(ConsentFixtures.draft(body.setting("consumer.phone", to: .string(phone))) != nil)
    }

    @Test(arguments: ["+1234567", "+1234567890123456", "37066666666", "+0123456789", "+370 666 66666", "+370-66666666", "", "+"])
    func refusesOtherPhones(_ phone: String) {
        #expect(onlyError(body.setting("consumer.phone", to: .string(phone)))
                == "consumer.phone: must be in E.164 format: + followed by 8 to 15 digits")
    }

    @Test(arguments: ["en", "lt", "de", "pt-BR", "pt-br", "es-419", "fil"])
    func acceptsLanguageTags(_ tag: String) {
        #expect(ConsentFixtures.draft(body.setting("consumer.language", to: .string(tag)))?.consumer.language == tag)
    }

    @Test(arguments: ["EN", "e", "engl", "en_US", "en-", "en-USA", "en-U1", "-en", "", "en-BR-x", "ée"])
    func refusesOtherLanguageTags(_ tag: String) {
        #expect(onlyError(body.setting("consumer.language", to: .string(tag)))
                == "consumer.language: must be a language tag such as en or pt-BR")
    }

    // MARK: communication

    @Test func communicationIsByEmail() {
        #expect(onlyError(body.setting("communication.method", to: "sms")) == #"communication.method: must be "email""#)
        #expect(onlyError(body.setting("communication.method", to: "EMAIL")) == #"communication.method: must be "email""#)
        #expect(onlyError(body.setting("communication.address", to: "nobody")) == "communication.address: must be a valid email address")
        #expect(onlyError(body.setting("communication.address", to: nil)) == "communication.address: is required")
        #expect(onlyError(body.setting("communication.method", to: nil)) == "communication.method: is required")
    }

    @Test(arguments: ["darrel@example.com", "a.b+c@sub.example.co.uk", "o'brien@example.ie", "用户@例子.广告",
                      "x@xn--bcher-kva.example", "jonas@pavyzdys.lt", "a@b.co", "user_name-1@my-domain.example",
                      "ž@ž.lt", "!#$%&'*+-/=?^_`{|}~@example.com"])
    func acceptsPlausibleEmails(_ email: String) {
        #expect(EmailAddress.isPlausible(email))
    }

    @Test(arguments: ["no-at", "a@@b.com", "a@b@c.com", "@example.com", "a@example", "a@.example.com", "a@example..com",
                      "a b@example.com", "a@-example.com", "a@example-.com", ".a@example.com", "a.@example.com",
                      "a..b@example.com", "\"quoted\"@example.com", "a@[127.0.0.1]", "a@1.2.3.4", "a<b@example.com",
                      "a@exa_mple.com", "a@example.com\n", "a,b@example.com", "a@example.com.", "a\u{A0}b@example.com",
                      "", "a@", "(comment)a@example.com", "a@ex ample.com", "a\\b@example.com"])
    func refusesImplausibleEmails(_ email: String) {
        #expect(!EmailAddress.isPlausible(email))
    }

    @Test func boundsEmailLengths() {
        let label63 = String(repeating: "d", count: 63)
        #expect(EmailAddress.isPlausible(String(repeating: "l", count: 64) + "@example.com"))
        #expect(!EmailAddress.isPlausible(String(repeating: "l", count: 65) + "@example.com"))
        #expect(EmailAddress.isPlausible("a@" + label63 + ".com"))
        #expect(!EmailAddress.isPlausible("a@" + label63 + "d.com"))
        let domain250 = [label63, label63, label63, String(repeating: "d", count: 58)].joined(separator: ".")
        #expect(domain250.utf8.count == 250)
        #expect(EmailAddress.isPlausible("abc@" + domain250))
        #expect(!EmailAddress.isPlausible("abcd@" + domain250))
    }

    // MARK: card

    @Test(arguments: [
        ("card.brand", JSONValue.string(""), "must be 1 to 20 letters, digits, spaces, underscores or hyphens"),
        ("card.brand", .string("   "), "must be 1 to 20 letters, digits, spaces, underscores or hyphens"),
        ("card.brand", .string("VISA!"), "must be 1 to 20 letters, digits, spaces, underscores or hyphens"),
        ("card.brand", .string(String(repeating: "V", count: 21)), "must be 1 to 20 letters, digits, spaces, underscores or hyphens"),
        ("card.last4", .string("109"), "must be exactly 4 digits"),
        ("card.last4", .string("10966"), "must be exactly 4 digits"),
        ("card.last4", .string("1O96"), "must be exactly 4 digits"),
        ("card.last4", .string("١٠٩٦"), "must be exactly 4 digits"),
        ("card.expiryMonth", .number("0"), "must be between 1 and 12"),
        ("card.expiryMonth", .number("13"), "must be between 1 and 12"),
        ("card.expiryYear", .number("1999"), "must be between 2000 and 2100"),
        ("card.expiryYear", .number("2101"), "must be between 2000 and 2100"),
        ("card.expiryYear", .number("28"), "must be between 2000 and 2100"),
    ])
    func checksTheCard(_ path: String, _ value: JSONValue, _ message: String) {
        #expect(onlyError(body.setting(path, to: value)) == "\(path): \(message)")
    }

    @Test func acceptsCardBrands() {
        for brand in ["VISA", "Mastercard", "American Express", "diners_club", "JCB-2", "UnionPay 62"] {
            #expect(ConsentFixtures.draft(body.setting("card.brand", to: .string(brand)))?.card.brand == brand)
        }
    }

    @Test func refusesExpiredCards() {
        let thisMonth = body.setting("card.expiryMonth", to: 11).setting("card.expiryYear", to: 2026)
        #expect(ConsentFixtures.draft(thisMonth) != nil)
        #expect(ConsentFixtures.draft(thisMonth, today: LocalDate(iso: "2026-11-30")!) != nil)
        #expect(ConsentFixtures.errors(thisMonth, today: LocalDate(iso: "2026-12-01")!)?.map(\.description) == ["card.expiryYear: the card has expired"])
        let lastMonth = body.setting("card.expiryMonth", to: 10).setting("card.expiryYear", to: 2026)
        #expect(onlyError(lastMonth) == "card.expiryYear: the card has expired")
        // A bad month means expiry cannot be judged.
        let badMonth = body.setting("card.expiryMonth", to: 13).setting("card.expiryYear", to: 2020)
        #expect(errors(badMonth).map(\.description) == ["card.expiryMonth: must be between 1 and 12"])
        #expect(Card(brand: "VISA", last4: "1096", expiryMonth: 2, expiryYear: 2028).lastValidDate == LocalDate(iso: "2028-02-29"))
        #expect(Card(brand: "VISA", last4: "1096", expiryMonth: 2, expiryYear: 2028).isExpired(on: LocalDate(iso: "2028-03-01")!))
    }

    // MARK: evidence

    @Test func acceptedAtIsNotInTheFuture() {
        #expect(ConsentFixtures.draft(body.setting("evidence.acceptedAt", to: "2026-11-21T12:00:00Z")) != nil)
        #expect(ConsentFixtures.draft(body.setting("evidence.acceptedAt", to: "2019-01-01T00:00:00+02:00")) != nil)
        #expect(onlyError(body.setting("evidence.acceptedAt", to: "2026-11-21T12:00:00.000001Z")) == "evidence.acceptedAt: must not be in the future")
        #expect(onlyError(body.setting("evidence.acceptedAt", to: "2026-11-21T10:15:00")) == "evidence.acceptedAt: must be an RFC 3339 date-time with a time zone offset")
    }

    @Test(arguments: ["235.114.187.1", "0.0.0.0", "255.255.255.255", "::", "::1", "2001:db8::1",
                      "2001:0db8:0000:0000:0000:ff00:0042:8329", "fe80::1:2", "::ffff:192.0.2.128", "1:2:3:4:5:6:7::",
                      "::2:3:4:5:6:7:8", "1:2:3:4:5:6:1.2.3.4", "ABCD:EF01::", "1::", "::0.0.0.0"])
    func acceptsIPAddresses(_ address: String) {
        #expect(IPAddress.isValid(address))
        #expect(ConsentFixtures.draft(body.setting("evidence.ipAddress", to: .string(address))) != nil)
    }

    @Test(arguments: ["256.1.1.1", "1.2.3", "1.2.3.4.5", "01.2.3.4", "1.2.3.-4", " 1.2.3.4", "1.2.3.4 ", "", "1.2.3.4/24",
                      "1:2:3:4:5:6:7:8:9", "1::2::3", ":1::", "1:", "1:2:3:4:5:6:7:8::", "12345::", "fe80::1%eth0",
                      "::ffff:1.2.3", "1:2:3:4:5:6:7:1.2.3.4", "g::1", ":::", "1.2.3.4::", "::1.2.3.4:5", "1:2:3:4:5:6:7",
                      "localhost", "[::1]", "1..2.3", "0x7f.0.0.1", "::ffff:01.2.3.4"])
    func refusesOtherAddresses(_ address: String) {
        #expect(!IPAddress.isValid(address))
        #expect(onlyError(body.setting("evidence.ipAddress", to: .string(address))) == "evidence.ipAddress: must be an IPv4 or IPv6 address")
    }

    @Test func checksEvidenceTexts() {
        #expect(onlyError(body.setting("evidence.userAgent", to: .string(String(repeating: "u", count: 1_001)))) == "evidence.userAgent: must be at most 1000 characters")
        #expect(onlyError(body.setting("evidence.userAgent", to: "a\u{1B}[31m")) == "evidence.userAgent: must not contain control characters")
        #expect(ConsentFixtures.draft(body.setting("evidence.userAgent", to: ""))?.evidence.userAgent == "")
        #expect(onlyError(body.setting("evidence.disclosureText", to: "")) == "evidence.disclosureText: must not be empty")
        #expect(onlyError(body.setting("evidence.disclosureText", to: .string(String(repeating: "t", count: 100_001)))) == "evidence.disclosureText: must be at most 100000 characters")
        let multiline = "Terms:\n\t1. You agree.\r\n"
        #expect(ConsentFixtures.draft(body.setting("evidence.disclosureText", to: .string(multiline)))?.evidence.disclosureText == multiline)
        #expect(onlyError(body.setting("evidence.disclosureVersion", to: .string(String(repeating: "v", count: 101)))) == "evidence.disclosureVersion: must be at most 100 characters")
        #expect(onlyError(body.setting("evidence.disclosureVersion", to: "")) == "evidence.disclosureVersion: must not be empty")
        let missing = body.setting("evidence.acceptedAt", to: nil).setting("evidence.ipAddress", to: nil)
            .setting("evidence.disclosureText", to: nil).setting("evidence.disclosureVersion", to: nil)
        #expect(errors(missing).count == 4)
    }

    @Test func disclosureTextHashIsItsSHA256() throws {
        let draft = try #require(ConsentFixtures.draft(body))
        #expect(draft.evidence.disclosureTextSHA256 == Digest.sha256Hex("the exact text the consumer agreed to".utf8))
    }

    // MARK: recurrence id

    @Test(arguments: ["700f6eda-1af5-4a77-9605-988845aac875", "x", "A!~", String(repeating: "r", count: 255)])
    func acceptsRecurrenceIds(_ id: String) {
        #expect(ConsentFixtures.draft(body.setting("recurrenceId", to: .string(id)))?.recurrenceId == id)
    }

    @Test(arguments: ["", "has space", "tab\tinside", "ž", String(repeating: "r", count: 256), "a\u{7F}"])
    func refusesOtherRecurrenceIds(_ id: String) {
        #expect(onlyError(body.setting("recurrenceId", to: .string(id))) == "recurrenceId: must be 1 to 255 printable ASCII characters without spaces")
    }

    @Test func fieldErrorsHaveJSON() {
        #expect(FieldError(field: "terms.amount", message: "is required").json.canonicalText
                == #"{"field":"terms.amount","message":"is required"}"#)
    }
}
