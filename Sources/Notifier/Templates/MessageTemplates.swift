import ConsentRules
import Foundation
import Mustache

/// A message's subject and bodies in the consumer's language.
public struct RenderedContent: Sendable, Equatable {
    public let subject: String
    public let text: String
    public let html: String
}

/// The templates of `templates/<language>/<kind>.<subject|text|html>.mustache`. Loading renders every kind in
/// every language with sample facts and checks the required facts appear, so a broken template stops the
/// service at start rather than a consumer's email later.
///
/// HTML templates get every value already escaped (``HTMLEscaping``) and show it with `{{{ }}}`; subject and
/// text templates get values as they are, under `{{% CONTENT_TYPE: TEXT}}`. Loading checks both.
public struct MessageTemplates: Sendable {
    public static let fallbackLanguage = "en"
    private static let parts = ["subject", "text", "html"]
    private static let partials = ["terms.text", "terms.html", "footer.text", "footer.html"]

    private let library: MustacheLibrary
    public let languages: Set<String>

    public static func load(directory: String) async throws -> MessageTemplates {
        let library: MustacheLibrary
        do {
            library = try await MustacheLibrary(directory: directory)
        } catch let error as MustacheLibrary.ParserError {
            throw TemplateError(message: "template \(error.filename) does not parse: \(error.error)")
        }
        let languages = Set(
            ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).filter { name in
                var isDirectory: ObjCBool = false
                return FileManager.default.fileExists(atPath: directory + "/" + name, isDirectory: &isDirectory)
                    && isDirectory.boolValue
            })
        guard languages.contains(fallbackLanguage) else {
            throw TemplateError(message: "no \(fallbackLanguage)/ templates in \(directory): English is the fallback language")
        }
        let templates = MessageTemplates(library: library, languages: languages)
        try templates.check()
        return templates
    }

    /// The language whose templates are used for a consumer's language tag: the tag, its primary language, or English.
    public func language(for tag: String) -> String {
        let lowered = tag.lowercased()
        if languages.contains(lowered) { return lowered }
        if let primary = lowered.split(separator: "-").first.map(String.init), languages.contains(primary) {
            return primary
        }
        return Self.fallbackLanguage
    }

    /// Subject and text get the facts as they are; HTML gets them escaped (``HTMLEscaping``).
    public func render(_ kind: OutboxKind, language tag: String, facts: MessageFacts) -> RenderedContent {
        let language = language(for: tag)
        let context = facts.templateContext(ReaderFormat(language: language))
        func part(_ name: String, _ context: Any) -> String {
            library.render(context, withTemplate: "\(language)/\(kind.rawValue).\(name)") ?? ""
        }
        // A subject is one line whatever the template's white space.
        let subject = part("subject", context).split(whereSeparator: \.isNewline)
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }.joined(separator: " ")
        return RenderedContent(
            subject: subject, text: part("text", context),
            html: part("html", HTMLEscaping.escapingEveryString(context)))
    }

    /// A consumer page in the consumer's language (or the fallbacks), with `page` facts beside the message facts
    /// (`page.csrf`, `page.status`), all escaped for HTML. Nil facts (a link naming no consent) render only what
    /// needs none.
    public func renderPage(_ kind: PageKind, language tag: String, facts: MessageFacts?, page: [String: String] = [:])
        -> String
    {
        let language = language(for: tag)
        var context = facts?.templateContext(ReaderFormat(language: language)) ?? [:]
        context["page"] = page
        return library.render(
            HTMLEscaping.escapingEveryString(context), withTemplate: "\(language)/\(kind.rawValue).html") ?? ""
    }

    private func check() throws {
        for language in languages.sorted() {
            for page in PageKind.allCases where library.getTemplate(named: "\(language)/\(page.rawValue).html") == nil {
                throw TemplateError(message: "template \(language)/\(page.rawValue).html.mustache is missing")
            }
            let sample = try SampleFacts.make()
            for page in [PageKind.cancel, .cancelled, .ended]
            where !renderPage(page, language: language, facts: sample, page: ["csrf": "sample-csrf"]).contains(sample.merchantName) {
                throw TemplateError(message: "\(language)/\(page.rawValue).html does not name the merchant")
            }
            let form = renderPage(.cancel, language: language, facts: sample, page: ["csrf": "sample-csrf"])
            guard form.contains("sample-csrf"), form.contains(sample.cancelURL) else {
                throw TemplateError(message: "\(language)/\(PageKind.cancel.rawValue).html has no form posting to the cancel link")
            }
            for name in OutboxKind.emails.flatMap({ kind in Self.parts.map { "\(kind.rawValue).\($0)" } }) + Self.partials
            where library.getTemplate(named: "\(language)/\(name)") == nil {
                throw TemplateError(message: "template \(language)/\(name).mustache is missing")
            }
            // What each email must show, written as the language writes amounts and dates.
            let format = ReaderFormat(language: language)
            for kind in OutboxKind.emails {
                let facts = try SampleFacts.make()
                let content = render(kind, language: language, facts: facts)
                var required = [facts.merchantName, facts.supportEmail, format.amount(facts.terms.amount)]
                if kind.requiresCancelLink { required.append(facts.cancelURL) }
                if kind == .notice, let debit = facts.debit { required += [format.amount(debit.amount), format.date(debit.date)] }
                if kind == .cardExpiring, let debit = facts.debit {
                    required += [facts.card.last4, format.date(debit.date)]
                }
                if kind.isAboutAnAmendment, let amendment = facts.amendment {
                    required += [
                        format.amount(amendment.oldTerms.amount), format.amount(amendment.newTerms.amount),
                        format.date(amendment.effectiveFrom),
                    ]
                }
                if kind != .cancellation, let endDate = facts.terms.endDate { required.append(format.date(endDate)) }
                for (part, output) in [("text", content.text), ("html", content.html)] {
                    if kind == .cancellation {
                        guard output.contains(facts.merchantName) else {
                            throw TemplateError(message: "\(language)/\(kind.rawValue).\(part) does not name the merchant")
                        }
                        continue
                    }
                    for fact in required where !output.contains(fact) {
                        throw TemplateError(message: "\(language)/\(kind.rawValue).\(part) does not show \"\(fact)\"")
                    }
                }
                guard !content.subject.isEmpty else {
                    throw TemplateError(message: "\(language)/\(kind.rawValue).subject renders empty")
                }
            }
            try checkEscaping(language: language)
        }
    }

    /// What merchants and consumers typed reaches HTML escaped once and subjects and text as typed. A template
    /// showing a value with `{{ }}` in HTML would escape it twice; a text one without its TEXT pragma, at all.
    private func checkEscaping(language: String) throws {
        let typed = "<&\"'>"
        let once = HTMLEscaping.escape(typed)
        let twice = HTMLEscaping.escape(once)
        let facts = try SampleFacts.make(typing: typed)
        func check(_ output: String, _ name: String, html: Bool) throws {
            let right = html ? output.contains(once) && !output.contains(twice) : output.contains(typed) && !output.contains(once)
            guard right else {
                throw TemplateError(
                    message: "\(language)/\(name) does not show what was typed " + (html ? "escaped once" : "as it was typed"))
            }
        }
        for kind in OutboxKind.emails {
            let content = render(kind, language: language, facts: facts)
            try check(content.subject, "\(kind.rawValue).subject", html: false)
            try check(content.text, "\(kind.rawValue).text", html: false)
            try check(content.html, "\(kind.rawValue).html", html: true)
        }
        for page in [PageKind.cancel, .cancelled, .ended] {
            let html = renderPage(page, language: language, facts: facts, page: ["csrf": typed, "status": typed])
            try check(html, "\(page.rawValue).html", html: true)
        }
    }
}

public struct TemplateError: Error, CustomStringConvertible {
    public let message: String
    public var description: String { message }
}

/// Facts for checking templates at start: every optional fact present, so every section renders. `typed` ends
/// every value a merchant or consumer gives.
enum SampleFacts {
    static func make(typing typed: String = "") throws -> MessageFacts {
        let euro = Currency.iso4217("EUR")
        let amount = euro.map { Money(minorUnits: 1023, currency: $0) }
        let maximum = euro.map { Money(minorUnits: 5000, currency: $0) }
        let firstDebit = LocalDate(year: 2026, month: 12, day: 15)
        let endDate = LocalDate(year: 2028, month: 12, day: 15)
        let newAmount = euro.map { Money(minorUnits: 1299, currency: $0) }
        let effectiveFrom = LocalDate(year: 2027, month: 2, day: 15)
        guard let amount, let maximum, let firstDebit, let endDate, let newAmount, let effectiveFrom else {
            throw TemplateError(message: "the sample facts for checking templates could not be built")
        }
        let terms = Terms(
            type: .scheduled, amount: amount, amountType: .variable, maxAmount: maximum,
            firstDebitDate: firstDebit, dateType: .fixed, frequency: .monthly, endDate: endDate,
            objectiveCriteria: "the metered usage of the month" + typed)
        let newTerms = Terms(
            type: .scheduled, amount: newAmount, amountType: .fixed, maxAmount: nil, firstDebitDate: effectiveFrom,
            dateType: .fixed, frequency: .monthly, endDate: endDate, objectiveCriteria: nil)
        return MessageFacts(
            merchantName: "Sample Shop" + typed, supportEmail: "help@sample.example" + typed,
            consumerFirstName: "Ona" + typed, consumerLastName: "Sample" + typed, merchantReference: "sample-1" + typed,
            terms: terms,
            card: Card(brand: "VISA", last4: "1096", expiryMonth: 12, expiryYear: 2030),
            communicationAddress: "ona@sample.example" + typed, cancelURL: "https://consents.example/cancel/sample",
            debit: .init(amount: amount, date: firstDebit),
            cancellationEffectiveAt: Instant(microsecondsSinceEpoch: 1_795_000_000_000_000),
            amendment: .init(
                version: 2, effectiveFrom: effectiveFrom, reason: "yearly price review" + typed, oldTerms: terms,
                newTerms: newTerms))
    }
}
