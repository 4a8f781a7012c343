/// A plausibility check for email addresses: strict enough that whatever passes can be put in an SMTP envelope and
/// a `To:` header as it is, loose enough to accept internationalised addresses (RFC 6531).
///
/// Quoted local parts, comments and address literals are refused on purpose: real consumers do not use them, and
/// each is a way to smuggle characters into mail headers.
public enum EmailAddress {
    static let maximumLength = 254
    static let maximumLocalPartLength = 64
    static let maximumLabelLength = 63

    /// RFC 5322 `atext` beyond letters and digits.
    private static let localPartSymbols: Set<UInt8> = Set("!#$%&'*+-/=?^_`{|}~".utf8)

    public static func isPlausible(_ text: String) -> Bool {
        guard text.utf8.count <= maximumLength,
              !text.unicodeScalars.contains(where: { $0.properties.isWhitespace || TextRules.isControl($0) }) else {
            return false
        }
        let parts = text.utf8.split(separator: UInt8(ascii: "@"), omittingEmptySubsequences: false)
        guard parts.count == 2 else { return false }
        return isLocalPart(Array(parts[0])) && isDomain(Array(parts[1]))
    }

    private static func isLocalPart(_ bytes: [UInt8]) -> Bool {
        guard (1...maximumLocalPartLength).contains(bytes.count) else { return false }
        let atoms = bytes.split(separator: ASCII.dot, omittingEmptySubsequences: false)
        return atoms.allSatisfy { atom in
            !atom.isEmpty && atom.allSatisfy { byte in
                byte >= 0x80 || ASCII.isLetter(byte) || ASCII.isDigit(byte) || localPartSymbols.contains(byte)
            }
        }
    }

    /// Dot-separated labels of letters, digits and inner hyphens, or non-ASCII (an IDN in Unicode form); at least two
    /// labels, and a last label that is not all digits, which would make it an IP address rather than a domain.
    private static func isDomain(_ bytes: [UInt8]) -> Bool {
        let labels = bytes.split(separator: ASCII.dot, omittingEmptySubsequences: false)
        guard labels.count >= 2, let topLevel = labels.last, !topLevel.allSatisfy(ASCII.isDigit) else { return false }
        return labels.allSatisfy { label in
            (1...maximumLabelLength).contains(label.count)
                && label.first != ASCII.minus && label.last != ASCII.minus
                && label.allSatisfy { byte in
                    byte >= 0x80 || ASCII.isLetter(byte) || ASCII.isDigit(byte) || byte == ASCII.minus
                }
        }
    }
}
