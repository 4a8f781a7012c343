import ConsentRules
import Foundation

/// The wording of the printed documents in each language the templates have, read at start from
/// `templates/<language>/document-wording.json`. Loading refuses a language that lacks a text or has one no
/// document uses, so a gap stops the service at start rather than showing a key in an auditor's PDF.
struct DocumentWording: Sendable {
    struct Language: Sendable {
        let code: String
        let format: ReaderFormat
        fileprivate let texts: [String: String]

        func text(_ key: DocumentText, _ values: [String: String] = [:]) -> String {
            var text = texts[key.rawValue] ?? key.rawValue
            for (name, value) in values {
                text = text.replacingOccurrences(of: "{" + name + "}", with: value)
            }
            return text
        }
    }

    static let fileName = "document-wording.json"
    static let fallbackLanguage = "en"
    private let languages: [String: Language]

    var languageCodes: [String] { languages.keys.sorted() }

    /// A merchant's language, or English when the wording has no such language.
    func language(_ code: String) -> Language {
        languages[code] ?? languages[Self.fallbackLanguage] ?? Language(code: code, format: ReaderFormat(language: code), texts: [:])
    }

    static func load(directory: String) throws -> DocumentWording {
        let folders = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).sorted()
        var languages: [String: Language] = [:]
        let expected = Set(DocumentText.allCases.map(\.rawValue))
        for code in folders {
            let path = directory + "/" + code + "/" + fileName
            guard let data = FileManager.default.contents(atPath: path) else { continue }
            let texts: [String: String]
            do {
                guard case .object(let object) = try JSONValue.parse(Array(data)) else {
                    throw ResourceError(message: "\(code)/\(fileName) is not a JSON object")
                }
                texts = try object.mapValues { value in
                    guard let text = value.stringValue else {
                        throw ResourceError(message: "\(code)/\(fileName) has a value that is not a string")
                    }
                    return text
                }
            } catch let error as JSONParseError {
                throw ResourceError(message: "\(code)/\(fileName) does not parse: \(error)")
            }
            let keys = Set(texts.keys)
            if keys != expected {
                let missing = expected.subtracting(keys).sorted().joined(separator: ", ")
                let unknown = keys.subtracting(expected).sorted().joined(separator: ", ")
                throw ResourceError(message: "\(code)/\(fileName): missing [\(missing)], unknown [\(unknown)]")
            }
            languages[code] = Language(code: code, format: ReaderFormat(language: code), texts: texts)
        }
        guard languages[fallbackLanguage] != nil else {
            throw ResourceError(message: "no \(fallbackLanguage)/\(fileName) in \(directory): English is the fallback")
        }
        return DocumentWording(languages: languages)
    }
}
