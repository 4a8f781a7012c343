import Foundation

/// Header text for RFC 5322 headers: plain when it is printable ASCII, else RFC 2047 encoded words
/// (`=?UTF-8?B?…?=`), never splitting a UTF-8 sequence. RFC 2047 allows words of 75 characters; ours stay at
/// 62 so that the first one still fits a 78-character line after the longest header name it follows.
enum EncodedWord {
    static let maxWordLength = 62
    private static let prefix = "=?UTF-8?B?"
    private static let suffix = "?="

    static func needsEncoding(_ text: String) -> Bool {
        text.utf8.contains { $0 < 0x20 || $0 > 0x7E }
    }

    /// The header value; several encoded words are separated by spaces, where `HeaderFolding` may fold.
    static func encode(_ text: String) -> String {
        guard needsEncoding(text) else { return text }
        return words(text).joined(separator: " ")
    }

    static func words(_ text: String) -> [String] {
        // Base64 of n bytes takes 4 * ceil(n / 3) characters.
        let maxEncoded = maxWordLength - prefix.count - suffix.count
        let maxBytes = maxEncoded / 4 * 3
        var words: [String] = []
        var chunk: [UInt8] = []
        for character in text {
            let bytes = Array(String(character).utf8)
            if chunk.count + bytes.count > maxBytes, !chunk.isEmpty {
                words.append(prefix + Data(chunk).base64EncodedString() + suffix)
                chunk.removeAll(keepingCapacity: true)
            }
            chunk.append(contentsOf: bytes)
        }
        if !chunk.isEmpty { words.append(prefix + Data(chunk).base64EncodedString() + suffix) }
        return words
    }
}
