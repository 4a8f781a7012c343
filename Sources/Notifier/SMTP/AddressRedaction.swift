/// Takes email addresses out of text the service stores or logs from an SMTP exchange. Servers quote the
/// recipient in their refusals (Postfix: `550 5.1.1 <darrel@example.com>: Recipient address rejected`), and the
/// reply is kept in the clear as evidence beside a recipient that is sealed: the reply keeps its code and
/// wording, the address gives way to a placeholder.
enum AddressRedaction {
    static let placeholder = "[address removed]"

    static func redacting(_ text: String) -> String {
        let scalars = Array(text.unicodeScalars)
        guard scalars.contains("@") else { return text }
        var result = String.UnicodeScalarView()
        var copiedUpTo = 0
        var index = 0
        while index < scalars.count {
            guard scalars[index] == "@" else {
                index += 1
                continue
            }
            var start = index
            while start > copiedUpTo, isLocalPart(scalars[start - 1]) { start -= 1 }
            var end = index + 1
            while end < scalars.count, isDomain(scalars[end]) { end += 1 }
            // A trailing dot ends the sentence, not the domain.
            while end > index + 1, scalars[end - 1] == "." { end -= 1 }
            if start < index, end > index + 1 {
                result.append(contentsOf: scalars[copiedUpTo..<start])
                result.append(contentsOf: placeholder.unicodeScalars)
                copiedUpTo = end
            }
            index = max(end, index + 1)
        }
        result.append(contentsOf: scalars[copiedUpTo...])
        return String(result)
    }

    /// RFC 5322's atext and dots, and anything beyond ASCII (SMTPUTF8 addresses).
    private static func isLocalPart(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value > 0x7F || isAlphanumeric(scalar) || "!#$%&'*+-/=?^_`{|}~.".unicodeScalars.contains(scalar)
    }

    /// Host names, dotted, and address literals such as `[192.0.2.1]`.
    private static func isDomain(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value > 0x7F || isAlphanumeric(scalar) || "-.[]:".unicodeScalars.contains(scalar)
    }

    private static func isAlphanumeric(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x30...0x39, 0x41...0x5A, 0x61...0x7A: true
        default: false
        }
    }
}
