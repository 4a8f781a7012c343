/// Character-level checks shared by the field rules.
enum TextRules {
    /// Lengths are counted in Unicode scalars, which is how PostgreSQL measures a text column's length.
    static func length(_ text: String) -> Int {
        text.unicodeScalars.count
    }

    /// C0 and C1 control characters (Unicode category Cc), which have no place in names or identifiers and would
    /// let a value break a log line or an email header.
    static func containsControlCharacter(_ text: String) -> Bool {
        text.unicodeScalars.contains { isControl($0) }
    }

    static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)
    }

    static func trimmingWhitespace(_ text: String) -> String {
        let scalars = text.unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
              let last = scalars.lastIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        return String(scalars[first...last])
    }

    static func isBlank(_ text: String) -> Bool {
        text.unicodeScalars.allSatisfy { $0.properties.isWhitespace }
    }

    /// `+` and 8 to 15 digits, the first not 0: no country code starts with 0.
    static func isE164PhoneNumber(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard bytes.first == ASCII.plus, (9...16).contains(bytes.count) else { return false }
        let digits = bytes.dropFirst()
        return digits.allSatisfy(ASCII.isDigit) && digits.first != ASCII.zero
    }

    /// A primary language subtag of 2–3 lower-case letters, optionally followed by "-" and a region of two letters
    /// or three digits ("en", "lt", "pt-BR", "es-419").
    static func isLanguageTag(_ text: String) -> Bool {
        let parts = text.utf8.split(separator: ASCII.minus, omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), (2...3).contains(parts[0].count),
              parts[0].allSatisfy(ASCII.isLowercaseLetter) else { return false }
        guard parts.count == 2 else { return true }
        let region = parts[1]
        return (region.count == 2 && region.allSatisfy(ASCII.isLetter))
            || (region.count == 3 && region.allSatisfy(ASCII.isDigit))
    }

    /// 1 to `maximumLength` printable ASCII characters other than space (an opaque gateway identifier).
    static func isPrintableASCIIToken(_ text: String, maximumLength: Int) -> Bool {
        let bytes = text.utf8
        return (1...maximumLength).contains(bytes.count) && bytes.allSatisfy { (0x21...0x7E).contains($0) }
    }
}
