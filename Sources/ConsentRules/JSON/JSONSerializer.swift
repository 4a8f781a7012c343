extension JSONValue {
    /// The canonical UTF-8 form: object keys sorted by UTF-16 code units (as RFC 8785), no insignificant white
    /// space, strings escaped minimally, numbers as their literal text.
    ///
    /// Hashes are computed over this form, so it must never change for a given value. A `.number` built by hand
    /// is written as given: the caller is responsible for it being a valid JSON number.
    public func serialized() -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(256)
        write(into: &output)
        return output
    }

    /// The canonical form as text.
    public var canonicalText: String {
        String(decoding: serialized(), as: UTF8.self)
    }

    private func write(into output: inout [UInt8]) {
        switch self {
        case .null:
            output.append(contentsOf: "null".utf8)
        case .bool(let flag):
            output.append(contentsOf: (flag ? "true" : "false").utf8)
        case .number(let text):
            output.append(contentsOf: text.utf8)
        case .string(let text):
            Self.writeString(text, into: &output)
        case .array(let elements):
            output.append(ASCII.openBracket)
            for (position, element) in elements.enumerated() {
                if position > 0 { output.append(ASCII.comma) }
                element.write(into: &output)
            }
            output.append(ASCII.closeBracket)
        case .object(let members):
            output.append(ASCII.openBrace)
            for (position, entry) in Self.membersInKeyOrder(members).enumerated() {
                if position > 0 { output.append(ASCII.comma) }
                Self.writeString(entry.member.key, into: &output)
                output.append(ASCII.colon)
                entry.member.value.write(into: &output)
            }
            output.append(ASCII.closeBrace)
        }
    }

    /// The members in RFC 8785 key order. Sorting the members rather than the keys spares a second hash lookup
    /// per key. Most pairs of keys are ordered by their ASCII prefixes alone, as two integers: the full
    /// comparison runs only for keys alike in their first eight bytes or not ASCII there.
    static func membersInKeyOrder(_ members: [String: JSONValue])
        -> [(prefix: UInt64?, member: (key: String, value: JSONValue))]
    {
        var entries = members.map { (prefix: asciiPrefix(of: $0.key), member: $0) }
        entries.sort { left, right in
            if let leftPrefix = left.prefix, let rightPrefix = right.prefix, leftPrefix != rightPrefix {
                return leftPrefix < rightPrefix
            }
            return precedesInUTF16Order(left.member.key, right.member.key)
        }
        return entries
    }

    /// A key's first eight UTF-8 bytes as a big-endian integer, zero-padded, or nil if one of them is not ASCII.
    ///
    /// Two such prefixes that differ order their keys as RFC 8785 does: ASCII bytes sort alike in UTF-8 and
    /// UTF-16, and where one key's padding meets the other's byte, the shorter key is a prefix of the longer
    /// (that byte is above zero, or the prefixes would not differ there).
    static func asciiPrefix(of key: String) -> UInt64? {
        var key = key
        return key.withUTF8 { bytes -> UInt64? in
            var prefix: UInt64 = 0
            for index in 0..<8 {
                let byte = index < bytes.count ? bytes[index] : 0
                guard byte < 0x80 else { return nil }
                prefix = prefix << 8 | UInt64(byte)
            }
            return prefix
        }
    }

    /// RFC 8785 orders keys by UTF-16 code units. UTF-8 byte order is code point order, and the two differ only
    /// where the first differing characters are one beyond the BMP (a surrogate pair, 0xD800…) and one in
    /// U+E000…U+FFFF: so the bytes are compared as they are, and that one case is turned round.
    static func precedesInUTF16Order(_ left: String, _ right: String) -> Bool {
        var left = left
        var right = right
        return left.withUTF8 { leftBytes in
            right.withUTF8 { rightBytes in precedesInUTF16Order(leftBytes, rightBytes) }
        }
    }

    private static func precedesInUTF16Order(_ left: UnsafeBufferPointer<UInt8>, _ right: UnsafeBufferPointer<UInt8>)
        -> Bool
    {
        let common = min(left.count, right.count)
        var index = 0
        while index < common && left[index] == right[index] { index += 1 }
        guard index < common else { return left.count < right.count }
        // Equal bytes before `index` put both at the same place in a character: both lead bytes, or both inside
        // characters with the same lead byte (and so of the same length).
        let leftByte = left[index]
        let rightByte = right[index]
        if isLeadBeyondBMP(leftByte) && isLeadOfUpperBMP(rightByte) { return true }
        if isLeadOfUpperBMP(leftByte) && isLeadBeyondBMP(rightByte) { return false }
        return leftByte < rightByte
    }

    /// Lead bytes of U+E000…U+FFFF.
    private static func isLeadOfUpperBMP(_ byte: UInt8) -> Bool { byte == 0xEE || byte == 0xEF }

    /// Lead bytes of U+10000 and beyond.
    private static func isLeadBeyondBMP(_ byte: UInt8) -> Bool { byte >= 0xF0 }

    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    private static func writeString(_ text: String, into output: inout [UInt8]) {
        output.append(ASCII.quote)
        var text = text
        text.withUTF8 { bytes in
            // Copy runs of bytes that need no escaping in one go; only quotes, backslashes and controls are escaped.
            var runStart = 0
            for (offset, byte) in bytes.enumerated() where byte < 0x20 || byte == ASCII.quote || byte == ASCII.backslash {
                output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<offset]))
                appendEscape(of: byte, into: &output)
                runStart = offset + 1
            }
            output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart...]))
        }
        output.append(ASCII.quote)
    }

    private static func appendEscape(of byte: UInt8, into output: inout [UInt8]) {
        output.append(ASCII.backslash)
        switch byte {
        case ASCII.quote, ASCII.backslash: output.append(byte)
        case 0x08: output.append(UInt8(ascii: "b"))
        case 0x0C: output.append(UInt8(ascii: "f"))
        case ASCII.lineFeed: output.append(UInt8(ascii: "n"))
        case ASCII.carriageReturn: output.append(UInt8(ascii: "r"))
        case ASCII.tab: output.append(UInt8(ascii: "t"))
        default:
            output.append(UInt8(ascii: "u"))
            output.append(ASCII.zero)
            output.append(ASCII.zero)
            output.append(hexDigits[Int(byte >> 4)])
            output.append(hexDigits[Int(byte & 0x0F)])
        }
    }
}
