import Foundation

/// A mailbox: an optional display name and an address, formatted for a header.
public struct MailAddress: Sendable, Hashable {
    public let name: String?
    public let address: String

    public init(name: String?, address: String) {
        self.name = name
        self.address = address
    }

    /// Parses `Name <address>` or a bare address.
    public init?(parsing text: String) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if let open = trimmed.lastIndex(of: "<"), trimmed.hasSuffix(">") {
            let address = trimmed[trimmed.index(after: open)..<trimmed.index(before: trimmed.endIndex)]
            var name = trimmed[..<open].trimmingCharacters(in: .whitespaces)
            if name.hasPrefix("\""), name.hasSuffix("\""), name.count >= 2 { name = String(name.dropFirst().dropLast()) }
            guard !address.isEmpty, address.contains("@") else { return nil }
            self.init(name: name.isEmpty ? nil : name, address: String(address))
        } else {
            guard trimmed.contains("@"), !trimmed.contains(" ") else { return nil }
            self.init(name: nil, address: trimmed)
        }
    }

    public var domain: String {
        address.split(separator: "@").last.map(String.init) ?? address
    }

    /// `"Name" <address>`, with a non-ASCII name as encoded words.
    var header: String {
        guard let name, !name.isEmpty else { return "<\(address)>" }
        if EncodedWord.needsEncoding(name) { return "\(EncodedWord.encode(name)) <\(address)>" }
        let escaped = name.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
        return "\"\(escaped)\" <\(address)>"
    }
}
