import ConsentRules
import Foundation
import TestSupport
import Testing

@testable import Notifier

@Suite struct TemplateTests {
    static let templatesDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("templates").path

    static func facts(variable: Bool = false, endDate: Bool = true) throws -> MessageFacts {
        let euro = try #require(Currency.iso4217("EUR"))
        return MessageFacts(
            merchantName: "Žalias Turgus", supportEmail: "pagalba@turgus.example", consumerFirstName: "Žydrūnė",
            consumerLastName: "Šimkutė", merchantReference: "order-8841",
            terms: Terms(
                type: .scheduled, amount: Money(minorUnits: 1023, currency: euro),
                amountType: variable ? .variable : .fixed,
                maxAmount: variable ? Money(minorUnits: 5000, currency: euro) : nil,
                firstDebitDate: LocalDate(year: 2026, month: 12, day: 15), dateType: .fixed,
                frequency: .everyDays(15), endDate: endDate ? LocalDate(year: 2028, month: 12, day: 15) : nil,
                objectiveCriteria: nil),
            card: Card(brand: "VISA", last4: "1096", expiryMonth: 12, expiryYear: 2028),
            communicationAddress: "zydrune@example.com", cancelURL: "https://consents.example/cancel/tok",
            debit: .init(amount: Money(minorUnits: 1240, currency: euro), date: try #require(LocalDate(iso: "2026-12-20"))),
            cancellationEffectiveAt: Instant(rfc3339: "2026-12-01T09:00:00Z"),
            timeZone: try #require(TimeZone(identifier: "Europe/Vilnius")))
    }

    /// Locale data puts a no-break space between an amount and its symbol; a reader sees a space.
    static func plain(_ text: String) -> String {
        text.replacingOccurrences(of: "\u{00A0}", with: " ")
    }

    @Test func theShippedTemplatesLoadInEnglishLithuanianAndGerman() async throws {
        let templates = try await MessageTemplates.load(directory: Self.templatesDirectory)
        #expect(templates.languages.isSuperset(of: ["en", "lt", "de"]))
    }

    struct Written: Sendable, CustomTestStringConvertible {
        let language: String
        let fixedWord: String
        let frequency: String
        let amount: String
        let firstDebit: String
        let endDate: String
        var testDescription: String { language }
    }

    @Test(arguments: [
        Written(
            language: "en", fixedWord: "fixed", frequency: "every 15 days", amount: "€10.23",
            firstDebit: "15 December 2026", endDate: "15 December 2028"),
        Written(
            language: "lt", fixedWord: "fiksuota", frequency: "kas 15 d.", amount: "10,23 €", firstDebit: "2026-12-15",
            endDate: "2028-12-15"),
        Written(
            language: "de", fixedWord: "fest", frequency: "alle 15 Tage", amount: "10,23 €", firstDebit: "15.12.2026",
            endDate: "15.12.2028"),
    ])
    func aConfirmationShowsEveryDisclosedDetailAsItsLanguageWritesThem(_ written: Written) async throws {
        let templates = try await MessageTemplates.load(directory: Self.templatesDirectory)
        let content = templates.render(.confirmation, language: written.language, facts: try Self.facts())
        for output in [content.text, content.html].map(Self.plain) {
            #expect(output.contains("Žalias Turgus"))
            #expect(output.contains(written.amount))
            #expect(!output.contains("EUR"), "the ISO code is for machines")
            #expect(output.contains("(\(written.fixedWord))"))
            #expect(output.contains(written.firstDebit))
            #expect(output.contains(written.frequency))
            #expect(output.contains(written.endDate))
            #expect(output.contains("zydrune@example.com"))
            #expect(output.contains("https://consents.example/cancel/tok"))
            #expect(output.contains("pagalba@turgus.example"))
            #expect(output.contains("Žydrūnė"))
        }
        #expect(content.subject.contains("Žalias Turgus"))
        #expect(!content.subject.contains("\n"))
        #expect(!content.text.contains("{{"))
    }

    @Test func aVariableAmountShowsItsMaximumAndNoEndDateSaysSo() async throws {
        let templates = try await MessageTemplates.load(directory: Self.templatesDirectory)
        let content = templates.render(.confirmation, language: "en", facts: try Self.facts(variable: true, endDate: false))
        #expect(content.text.contains("€10.23 (variable, at most €50.00)"))
        #expect(content.text.contains("End date: none (until you cancel)"))
    }

    @Test func aNoticeNamesTheDebitsAmountAndDate() async throws {
        let templates = try await MessageTemplates.load(directory: Self.templatesDirectory)
        let content = templates.render(.notice, language: "de", facts: try Self.facts())
        #expect(Self.plain(content.subject) == "Žalias Turgus belastet am 20.12.2026 12,40 €")
        #expect(Self.plain(content.html).contains("<strong>12,40 €</strong>"))
    }

    @Test func aCancellationIsDatedInTheMerchantsZone() async throws {
        let templates = try await MessageTemplates.load(directory: Self.templatesDirectory)
        let german = templates.render(.cancellation, language: "de", facts: try Self.facts())
        #expect(german.text.contains("01.12.2026, 11:00:00 (Europe/Vilnius)"))
        let english = templates.render(.cancellation, language: "en", facts: try Self.facts())
        #expect(english.text.contains("1 December 2026"))
        #expect(english.text.contains("11:00:00 (Europe/Vilnius)"))
    }

    @Test func htmlEscapesWhatTheMerchantOrConsumerTyped() async throws {
        let templates = try await MessageTemplates.load(directory: Self.templatesDirectory)
        let euro = try #require(Currency.iso4217("EUR"))
        let facts = try Self.facts()
        let hostile = MessageFacts(
            merchantName: "<script>x</script>", supportEmail: facts.supportEmail, consumerFirstName: "A&B",
            consumerLastName: "", merchantReference: "r", terms: facts.terms, card: facts.card,
            communicationAddress: facts.communicationAddress, cancelURL: facts.cancelURL,
            debit: .init(amount: Money(minorUnits: 1, currency: euro), date: try #require(LocalDate(iso: "2027-01-01"))))
        let content = templates.render(.confirmation, language: "en", facts: hostile)
        #expect(!content.html.contains("<script>"))
        #expect(content.html.contains("&lt;script&gt;"))
        #expect(content.text.contains("<script>x</script>"))
    }

    /// Every value a merchant or consumer typed, with markup characters each followed by a combining mark: in
    /// every message and page, HTML escapes each of them once, and plain text shows them as typed.
    @Test(arguments: ["en", "lt", "de"])
    func markupFollowedByACombiningMarkIsEscapedInHTMLAndVerbatimInText(language: String) async throws {
        let templates = try await MessageTemplates.load(directory: Self.templatesDirectory)
        let facts = try Self.facts()
        let terms = facts.terms
        let hostile = MessageFacts(
            merchantName: "Shop " + CombiningMarkup.text, supportEmail: facts.supportEmail,
            consumerFirstName: "Ona " + CombiningMarkup.text, consumerLastName: CombiningMarkup.text,
            merchantReference: "order " + CombiningMarkup.text,
            terms: Terms(
                type: terms.type, amount: terms.amount, amountType: .variable, maxAmount: terms.amount,
                firstDebitDate: terms.firstDebitDate, dateType: terms.dateType, frequency: terms.frequency,
                endDate: terms.endDate, objectiveCriteria: "usage " + CombiningMarkup.text),
            card: facts.card, communicationAddress: facts.communicationAddress, cancelURL: facts.cancelURL,
            debit: facts.debit, cancellationEffectiveAt: facts.cancellationEffectiveAt)
        for kind in OutboxKind.emails {
            let content = templates.render(kind, language: language, facts: hostile)
            #expect(CombiningMarkup.isEscaped(in: content.html), "\(language) \(kind) HTML: \(content.html)")
            #expect(CombiningMarkup.isVerbatim(in: content.text), "\(language) \(kind) text: \(content.text)")
            #expect(CombiningMarkup.isVerbatim(in: content.subject), "\(language) \(kind) subject: \(content.subject)")
        }
        for page in PageKind.allCases {
            let html = templates.renderPage(page, language: language, facts: hostile, page: ["csrf": "c", "status": "expired"])
            #expect(page == .notFound || CombiningMarkup.isEscaped(in: html), "\(language) \(page): \(html)")
        }
    }

    /// HTML templates get values escaped already, so `{{ }}` there would escape them twice; text templates get
    /// them as typed, so one without its TEXT pragma would escape them. Either is refused at load.
    @Test func aTemplateThatEscapesTwiceOrEscapesTextIsRefusedAtLoad() async throws {
        let edits = [
            ("en/terms.html.mustache", "{{{terms.objectiveCriteria}}}", "{{terms.objectiveCriteria}}"),
            ("de/page-cancelled.html.mustache", "{{{consent.reference}}}", "{{consent.reference}}"),
            ("lt/footer.text.mustache", "{{% CONTENT_TYPE: TEXT}}\n", ""),
            ("en/notice.subject.mustache", "{{% CONTENT_TYPE: TEXT}}\n", ""),
        ]
        for (file, original, replacement) in edits {
            let copy = FileManager.default.temporaryDirectory.appendingPathComponent("templates-\(UUID())").path
            try FileManager.default.copyItem(atPath: Self.templatesDirectory, toPath: copy)
            defer { try? FileManager.default.removeItem(atPath: copy) }
            let path = copy + "/" + file
            let text = try String(contentsOfFile: path, encoding: .utf8)
            try #require(text.contains(original), "\(file) has no \(original)")
            try text.replacingOccurrences(of: original, with: replacement).write(toFile: path, atomically: true, encoding: .utf8)
            await #expect(throws: TemplateError.self, "\(file)") { try await MessageTemplates.load(directory: copy) }
        }
    }

    @Test(arguments: [("pt-BR", "en"), ("lt-LT", "lt"), ("DE", "de"), ("en", "en"), ("xx", "en")])
    func languagesFallBackToThePrimaryTagThenEnglish(tag: String, expected: String) async throws {
        let templates = try await MessageTemplates.load(directory: Self.templatesDirectory)
        #expect(templates.language(for: tag) == expected)
    }

    @Test func aBrokenOrIncompleteTemplateSetIsRefusedAtLoad() async throws {
        let copy = FileManager.default.temporaryDirectory.appendingPathComponent("templates-\(UUID())").path
        try FileManager.default.copyItem(atPath: Self.templatesDirectory, toPath: copy)
        defer { try? FileManager.default.removeItem(atPath: copy) }

        try "{{#terms.amount}} unclosed".write(toFile: copy + "/de/notice.text.mustache", atomically: true, encoding: .utf8)
        await #expect(throws: TemplateError.self) { try await MessageTemplates.load(directory: copy) }

        try FileManager.default.removeItem(atPath: copy + "/de/notice.text.mustache")
        await #expect(throws: TemplateError.self) { try await MessageTemplates.load(directory: copy) }

        try FileManager.default.copyItem(atPath: Self.templatesDirectory + "/de/notice.text.mustache", toPath: copy + "/de/notice.text.mustache")
        try "{{% CONTENT_TYPE: TEXT}}\nHallo".write(toFile: copy + "/lt/confirmation.text.mustache", atomically: true, encoding: .utf8)
        await #expect(throws: TemplateError.self) { try await MessageTemplates.load(directory: copy) }
    }
}
