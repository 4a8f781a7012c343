import ConsentRules
import Foundation

/// Values of the evidence bundle as a reader of the document's language writes them: times in the merchant's
/// zone, dates and amounts by the language's locale data. Absent values show as a dash.
struct DocumentValues {
    static let absent = "—"

    let words: DocumentWording.Language
    let timeZone: TimeZone

    func time(_ value: JSONValue?) -> String {
        guard let text = value?.stringValue else { return Self.absent }
        guard let instant = Instant(rfc3339: text) else { return text }
        return words.format.dateTime(instant, in: timeZone)
    }

    func date(_ value: JSONValue?) -> String {
        guard let text = value?.stringValue else { return Self.absent }
        guard let date = LocalDate(iso: text) else { return text }
        return words.format.date(date)
    }

    func money(_ amount: JSONValue?, currency: JSONValue?) -> String {
        guard let text = amount?.stringValue else { return Self.absent }
        guard let code = currency?.stringValue, let unit = Currency.iso4217(code),
            case .success(let money) = Money.parse(text, currency: unit)
        else { return text + " " + (currency?.stringValue ?? "") }
        return words.format.amount(money)
    }

    func text(_ value: JSONValue?) -> String {
        switch value {
        case .string(let text)?: text.isEmpty ? Self.absent : text
        case .number(let text)?: text
        case .bool(let flag)?: flag ? words.text(.yes) : words.text(.no)
        default: Self.absent
        }
    }

    func yesNo(_ value: JSONValue?) -> String {
        value?.boolValue == true ? words.text(.yes) : words.text(.no)
    }

    /// A word for a stored code ("status.active", "kind.notice"), or the code itself when the wording has none.
    func word(_ prefix: String, _ value: JSONValue?) -> String {
        guard let code = value?.stringValue else { return Self.absent }
        guard let key = DocumentText(rawValue: prefix + "." + code) else { return code }
        return words.text(key)
    }
}
