extension JSONValue {
    /// Nesting beyond this is refused: no legitimate request needs it, and it bounds the recursion of the parser.
    public static let maximumDepth = 64

    /// Parses one complete RFC 8259 document.
    ///
    /// Stricter than the RFC allows a parser to be, on purpose: invalid UTF-8, lone surrogate escapes, duplicate
    /// object keys and nesting deeper than `maximumDepth` are errors rather than implementation choices, so that two
    /// components can never read one request differently.
    public static func parse(_ bytes: some Collection<UInt8>) throws(JSONParseError) -> JSONValue {
        let outcome = bytes.withContiguousStorageIfAvailable { buffer in
            parseDocument(in: buffer)
        } ?? Array(bytes).withUnsafeBufferPointer { buffer in
            parseDocument(in: buffer)
        }
        return try outcome.get()
    }

    private static func parseDocument(in buffer: UnsafeBufferPointer<UInt8>) -> Result<JSONValue, JSONParseError> {
        var parser = JSONParser(bytes: buffer)
        return Result { () throws(JSONParseError) -> JSONValue in try parser.parseDocument() }
    }
}

/// A recursive-descent parser over UTF-8 bytes. It lives only for the duration of one `parse` call.
struct JSONParser {
    private let bytes: UnsafeBufferPointer<UInt8>
    private var index = 0
    private var depth = 0
    /// Reused across strings that need unescaping, to avoid one allocation per string.
    private var scratch: [UInt8] = []

    init(bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
    }

    mutating func parseDocument() throws(JSONParseError) -> JSONValue {
        skipWhitespace()
        let value = try parseValue()
        skipWhitespace()
        guard index == bytes.count else { throw failure("unexpected data after the JSON value") }
        return value
    }

    /// The byte at the cursor, or 0 at the end: NUL is not valid anywhere it is compared against, so it acts as a sentinel.
    private var current: UInt8 { index < bytes.count ? bytes[index] : 0 }

    private func failure(_ reason: String, at offset: Int? = nil) -> JSONParseError {
        JSONParseError(offset: offset ?? index, reason: reason)
    }

    private mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case ASCII.space, ASCII.tab, ASCII.lineFeed, ASCII.carriageReturn: index += 1
            default: return
            }
        }
    }

    private mutating func parseValue() throws(JSONParseError) -> JSONValue {
        guard index < bytes.count else { throw failure("unexpected end of input") }
        switch bytes[index] {
        case ASCII.openBrace: return try parseObject()
        case ASCII.openBracket: return try parseArray()
        case ASCII.quote: return .string(try parseString())
        case UInt8(ascii: "t"):
            try expectLiteral("true")
            return .bool(true)
        case UInt8(ascii: "f"):
            try expectLiteral("false")
            return .bool(false)
        case UInt8(ascii: "n"):
            try expectLiteral("null")
            return .null
        case ASCII.minus, ASCII.zero...ASCII.nine:
            return try parseNumber()
        default:
            throw failure("unexpected character")
        }
    }

    private mutating func expectLiteral(_ literal: StaticString) throws(JSONParseError) {
        let start = index
        let expected = UnsafeBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount)
        for byte in expected {
            guard current == byte else { throw failure("invalid literal", at: start) }
            index += 1
        }
    }

    private mutating func enterNesting() throws(JSONParseError) {
        depth += 1
        guard depth <= JSONValue.maximumDepth else {
            throw failure("nesting deeper than \(JSONValue.maximumDepth) levels")
        }
    }

    private mutating func parseObject() throws(JSONParseError) -> JSONValue {
        try enterNesting()
        index += 1
        var members: [String: JSONValue] = [:]
        skipWhitespace()
        if current == ASCII.closeBrace {
            index += 1
            depth -= 1
            return .object(members)
        }
        while true {
            skipWhitespace()
            guard current == ASCII.quote else { throw failure("expected a string key") }
            let keyOffset = index
            let key = try parseString()
            skipWhitespace()
            guard current == ASCII.colon else { throw failure("expected ':' after a key") }
            index += 1
            skipWhitespace()
            guard members.updateValue(try parseValue(), forKey: key) == nil else {
                throw failure("duplicate key", at: keyOffset)
            }
            skipWhitespace()
            switch current {
            case ASCII.comma:
                index += 1
            case ASCII.closeBrace:
                index += 1
                depth -= 1
                return .object(members)
            default:
                throw failure("expected ',' or '}'")
            }
        }
    }

    private mutating func parseArray() throws(JSONParseError) -> JSONValue {
        try enterNesting()
        index += 1
        var elements: [JSONValue] = []
        skipWhitespace()
        if current == ASCII.closeBracket {
            index += 1
            depth -= 1
            return .array(elements)
        }
        while true {
            skipWhitespace()
            elements.append(try parseValue())
            skipWhitespace()
            switch current {
            case ASCII.comma:
                index += 1
            case ASCII.closeBracket:
                index += 1
                depth -= 1
                return .array(elements)
            default:
                throw failure("expected ',' or ']'")
            }
        }
    }

    private mutating func parseNumber() throws(JSONParseError) -> JSONValue {
        let start = index
        if current == ASCII.minus { index += 1 }
        if current == ASCII.zero {
            index += 1
        } else if ASCII.isDigit(current) {
            skipDigits()
        } else {
            throw failure("invalid number", at: start)
        }
        if current == ASCII.dot {
            index += 1
            guard ASCII.isDigit(current) else { throw failure("expected a digit after the decimal point") }
            skipDigits()
        }
        if current == UInt8(ascii: "e") || current == UInt8(ascii: "E") {
            index += 1
            if current == ASCII.plus || current == ASCII.minus { index += 1 }
            guard ASCII.isDigit(current) else { throw failure("expected a digit in the exponent") }
            skipDigits()
        }
        return .number(String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self))
    }

    private mutating func skipDigits() {
        while index < bytes.count, ASCII.isDigit(bytes[index]) { index += 1 }
    }

    private mutating func parseString() throws(JSONParseError) -> String {
        let openingQuote = index
        index += 1
        let start = index
        // Most strings are plain ASCII without escapes: take them straight from the input without copying twice.
        while index < bytes.count {
            let byte = bytes[index]
            if byte == ASCII.quote {
                let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
                index += 1
                return text
            }
            if byte == ASCII.backslash || byte < 0x20 || byte >= 0x80 { break }
            index += 1
        }
        scratch.removeAll(keepingCapacity: true)
        scratch.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<index]))
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case ASCII.quote:
                index += 1
                return String(decoding: scratch, as: UTF8.self)
            case ASCII.backslash:
                try parseEscape()
            case 0..<0x20:
                throw failure("control character in a string must be escaped")
            case 0x20..<0x80:
                scratch.append(byte)
                index += 1
            default:
                try copyMultiByteScalar()
            }
        }
        throw failure("unterminated string", at: openingQuote)
    }

    private mutating func parseEscape() throws(JSONParseError) {
        let escapeStart = index
        index += 1
        guard index < bytes.count else { throw failure("unterminated string", at: escapeStart) }
        let code = bytes[index]
        index += 1
        switch code {
        case ASCII.quote, ASCII.backslash, ASCII.slash: scratch.append(code)
        case UInt8(ascii: "b"): scratch.append(0x08)
        case UInt8(ascii: "f"): scratch.append(0x0C)
        case UInt8(ascii: "n"): scratch.append(ASCII.lineFeed)
        case UInt8(ascii: "r"): scratch.append(ASCII.carriageReturn)
        case UInt8(ascii: "t"): scratch.append(ASCII.tab)
        case UInt8(ascii: "u"):
            let unit = try parseHexQuad()
            switch unit {
            case 0xD800...0xDBFF:
                guard current == ASCII.backslash, index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "u") else {
                    throw failure("lone surrogate escape", at: escapeStart)
                }
                index += 2
                let low = try parseHexQuad()
                guard (0xDC00...0xDFFF).contains(low) else { throw failure("lone surrogate escape", at: escapeStart) }
                appendUTF8(scalar: 0x10000 + ((UInt32(unit) - 0xD800) << 10) + (UInt32(low) - 0xDC00))
            case 0xDC00...0xDFFF:
                throw failure("lone surrogate escape", at: escapeStart)
            default:
                appendUTF8(scalar: UInt32(unit))
            }
        default:
            throw failure("invalid escape sequence", at: escapeStart)
        }
    }

    private mutating func parseHexQuad() throws(JSONParseError) -> UInt16 {
        guard index + 4 <= bytes.count else { throw failure("expected four hexadecimal digits") }
        var value: UInt16 = 0
        for _ in 0..<4 {
            guard let digit = ASCII.hexValue(bytes[index]) else { throw failure("expected four hexadecimal digits") }
            value = value << 4 | UInt16(digit)
            index += 1
        }
        return value
    }

    private mutating func appendUTF8(scalar: UInt32) {
        switch scalar {
        case 0..<0x80:
            scratch.append(UInt8(scalar))
        case 0x80..<0x800:
            scratch.append(UInt8(0xC0 | (scalar >> 6)))
            scratch.append(UInt8(0x80 | (scalar & 0x3F)))
        case 0x800..<0x10000:
            scratch.append(UInt8(0xE0 | (scalar >> 12)))
            scratch.append(UInt8(0x80 | ((scalar >> 6) & 0x3F)))
            scratch.append(UInt8(0x80 | (scalar & 0x3F)))
        default:
            scratch.append(UInt8(0xF0 | (scalar >> 18)))
            scratch.append(UInt8(0x80 | ((scalar >> 12) & 0x3F)))
            scratch.append(UInt8(0x80 | ((scalar >> 6) & 0x3F)))
            scratch.append(UInt8(0x80 | (scalar & 0x3F)))
        }
    }

    /// Copies one well-formed multi-byte UTF-8 sequence (Unicode table 3-7), refusing overlong forms,
    /// encoded surrogates and anything above U+10FFFF.
    private mutating func copyMultiByteScalar() throws(JSONParseError) {
        let lead = bytes[index]
        let continuationCount: Int
        var secondRange: ClosedRange<UInt8> = 0x80...0xBF
        switch lead {
        case 0xC2...0xDF: continuationCount = 1
        case 0xE0: continuationCount = 2; secondRange = 0xA0...0xBF
        case 0xE1...0xEC, 0xEE...0xEF: continuationCount = 2
        case 0xED: continuationCount = 2; secondRange = 0x80...0x9F
        case 0xF0: continuationCount = 3; secondRange = 0x90...0xBF
        case 0xF1...0xF3: continuationCount = 3
        case 0xF4: continuationCount = 3; secondRange = 0x80...0x8F
        default: throw failure("invalid UTF-8")
        }
        guard index + continuationCount < bytes.count else { throw failure("invalid UTF-8") }
        guard secondRange.contains(bytes[index + 1]) else { throw failure("invalid UTF-8") }
        if continuationCount > 1 {
            for offset in 2...continuationCount where !(0x80...0xBF).contains(bytes[index + offset]) {
                throw failure("invalid UTF-8")
            }
        }
        scratch.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[index...(index + continuationCount)]))
        index += continuationCount + 1
    }
}
