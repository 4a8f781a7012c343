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
            // Sorting the members rather than the keys spares a second hash lookup per key.
            let sorted = members.sorted { Self.precedesInUTF16Order($0.key, $1.key) }
            for (position, member) in sorted.enumerated() {
                if position > 0 { output.append(ASCII.comma) }
                Self.writeString(member.key, into: &output)
                output.append(ASCII.colon)
                member.value.write(into: &output)
            }
            output.append(ASCII.closeBrace)
        }
    }

    /// RFC 8785 orders keys by UTF-16 code units. That is code point order except that characters beyond the BMP
    /// (surrogate pairs, 0xD800…) sort before U+E000…U+FFFF; comparing scalars with that adjustment avoids
    /// transcoding every key to UTF-16.
    static func precedesInUTF16Order(_ left: String, _ right: String) -> Bool {
        // Between ASCII strings (nearly every key) all three orders are byte order.
        if left.utf8.allSatisfy({ $0 < 0x80 }) && right.utf8.allSatisfy({ $0 < 0x80 }) {
            return left.utf8.lexicographicallyPrecedes(right.utf8)
        }
        var leftScalars = left.unicodeScalars.makeIterator()
        var rightScalars = right.unicodeScalars.makeIterator()
        while true {
            switch (leftScalars.next(), rightScalars.next()) {
            case (nil, nil): return false
            case (nil, _): return true
            case (_, nil): return false
            case (let leftScalar?, let rightScalar?):
                guard leftScalar != rightScalar else { continue }
                let leftUnit = leadingUTF16Unit(leftScalar)
                let rightUnit = leadingUTF16Unit(rightScalar)
                // Equal leading units mean the same high surrogate: the low surrogates follow code point order.
                return leftUnit == rightUnit ? leftScalar.value < rightScalar.value : leftUnit < rightUnit
            }
        }
    }

    private static func leadingUTF16Unit(_ scalar: Unicode.Scalar) -> UInt32 {
        scalar.value < 0x10000 ? scalar.value : 0xD800 + ((scalar.value - 0x10000) >> 10)
    }

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
