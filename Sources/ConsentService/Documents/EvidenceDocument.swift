import ConsentRules
import Foundation
import PDFLayout

/// The evidence bundle as a document a person can print and file (CONTRACT.md, "Evidence for people"). Made
/// from the very bundle the JSON answer gives, so the two say the same, and it names that bundle's SHA-256.
/// Each section is its own function so the chargeback pack can take the parts it needs.
struct EvidenceDocument {
    let bundle: JSONValue
    let bundleSha256: String
    let merchantName: String
    let values: DocumentValues

    var words: DocumentWording.Language { values.words }
    var consent: JSONValue { bundle["consent"] ?? .null }
    var consentId: String { consent["id"]?.stringValue ?? "" }

    init(bundle: JSONValue, bundleSha256: String, merchantName: String, words: DocumentWording.Language, timeZone: TimeZone) {
        self.bundle = bundle
        self.bundleSha256 = bundleSha256
        self.merchantName = merchantName
        self.values = DocumentValues(words: words, timeZone: timeZone)
    }

    func printed() -> PrintedDocument {
        let sections: [[DocumentBlock]] = [
            titleBlock(), termsAsShown(), versions(), acceptance(), messages(), debits(), payments(), cards(),
            cancellation(), retention(), history(), chainCheck(), bundleReference(),
        ]
        return frame(title: words.text(.evidenceTitle), blocks: sections.flatMap { $0 })
    }

    /// A document with this consent's running header and the language's page numbers.
    func frame(title: String, blocks: [DocumentBlock]) -> PrintedDocument {
        let pageWords = words
        return PrintedDocument(
            title: title + " " + consentId,
            runningHeader: words.text(.runningHeader, ["id": consentId, "time": values.time(bundle["generatedAt"])]),
            pageLabel: { page, pages in pageWords.text(.pageOf, ["page": String(page), "pages": String(pages)]) },
            blocks: blocks)
    }

    /// The PDF metadata's creation date: the bundle's generation time to the second.
    var creationDate: String {
        guard let text = bundle["generatedAt"]?.stringValue, let instant = Instant(rfc3339: text) else { return "" }
        return String(instant.rfc3339.prefix(19)) + "Z"
    }

    func titleBlock() -> [DocumentBlock] {
        let consumer = consent["consumer"]
        let name = [consumer?["firstName"]?.stringValue, consumer?["lastName"]?.stringValue].compactMap { $0 }
            .joined(separator: " ")
        return [
            .title(words.text(.evidenceTitle)),
            .fields([
                DocumentField(words.text(.merchant), merchantName),
                DocumentField(words.text(.consentId), consentId, fixedWidth: true),
                DocumentField(words.text(.merchantReference), values.text(consent["merchantReference"])),
                DocumentField(words.text(.status), values.word("status", consent["status"])),
                DocumentField(words.text(.consumer), name),
                DocumentField(words.text(.communicationAddress), values.text(consent["communication"]?["address"])),
                DocumentField(words.text(.generatedAt), values.time(bundle["generatedAt"])),
                DocumentField(words.text(.timeZone), values.timeZone.identifier),
            ]),
        ]
    }

    func termsFields(_ terms: JSONValue?) -> [DocumentField] {
        guard let terms else { return [] }
        var fields = [
            DocumentField(words.text(.termsType), words.text(terms["type"]?.stringValue == "unscheduled" ? .unscheduled : .scheduled)),
            DocumentField(
                words.text(.amount),
                values.money(terms["amount"], currency: terms["currency"]) + " ("
                    + words.text(terms["amountType"]?.stringValue == "variable" ? .amountVariable : .amountFixed) + ")"),
        ]
        if let max = terms["maxAmount"], !max.isNull {
            fields.append(DocumentField(words.text(.maxAmount), values.money(max, currency: terms["currency"])))
        }
        if let first = terms["firstDebitDate"], !first.isNull {
            fields.append(DocumentField(words.text(.firstDebitDate), values.date(first)))
        }
        fields.append(
            DocumentField(words.text(.dates), words.text(terms["dateType"]?.stringValue == "variable" ? .datesVariable : .datesFixed)))
        if let frequency = terms["frequency"], !frequency.isNull {
            let shown =
                frequency["interval"]?.stringValue == "monthly"
                ? words.text(.monthly) : words.text(.everyDays, ["days": values.text(frequency["days"])])
            fields.append(DocumentField(words.text(.frequency), shown))
        }
        if let end = terms["endDate"], !end.isNull {
            fields.append(DocumentField(words.text(.endDate), values.date(end)))
        }
        if let criteria = terms["objectiveCriteria"], !criteria.isNull {
            fields.append(DocumentField(words.text(.objectiveCriteria), values.text(criteria)))
        }
        return fields
    }

    func termsAsShown() -> [DocumentBlock] {
        let shown = bundle["termsAsShown"]
        return [
            .heading(words.text(.sectionTerms)),
            .paragraph(words.text(.termsIntro)),
            .fields(
                termsFields(shown?["terms"]) + [
                    DocumentField(words.text(.disclosureVersion), values.text(shown?["disclosureVersion"])),
                    DocumentField(words.text(.disclosureSha256), values.text(shown?["disclosureSha256"]), fixedWidth: true),
                ]),
            .subheading(words.text(.disclosureText)),
            .verbatim(shown?["disclosureText"]?.stringValue ?? ""),
        ]
    }

    func acceptance() -> [DocumentBlock] {
        let evidence = consent["evidence"]
        return [
            .heading(words.text(.sectionAcceptance)),
            .fields([
                DocumentField(words.text(.acceptedAt), values.time(evidence?["acceptedAt"])),
                DocumentField(words.text(.ipAddress), values.text(evidence?["ipAddress"]), fixedWidth: true),
                DocumentField(words.text(.userAgent), values.text(evidence?["userAgent"])),
                DocumentField(words.text(.recurrenceId), values.text(consent["recurrenceId"]), fixedWidth: true),
                DocumentField(words.text(.initialPaymentId), values.text(consent["initialPaymentId"]), fixedWidth: true),
                DocumentField(words.text(.activatedAt), values.time(consent["activatedAt"])),
            ]),
        ]
    }
}
