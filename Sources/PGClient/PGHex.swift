/// The digits of bytea's hex format (what follows its `\x` prefix), both ways.
enum PGHex {
    private static let digits: [UInt8] = Array("0123456789abcdef".utf8)

    static func encode(_ bytes: [UInt8]) -> String {
        String(unsafeUninitializedCapacity: bytes.count * 2) { buffer in
            for (index, byte) in bytes.enumerated() {
                buffer[2 * index] = digits[Int(byte >> 4)]
                buffer[2 * index + 1] = digits[Int(byte & 0x0F)]
            }
            return bytes.count * 2
        }
    }

    /// nil when `text` is not an even number of hex digits.
    static func decode(_ text: Substring.UTF8View) -> [UInt8]? {
        // Indexing a string view byte by byte costs more than the decoding itself: read its storage directly.
        if let bytes = text.withContiguousStorageIfAvailable({ decode(bytes: $0) }) { return bytes }
        return decode(bytes: Array(text))
    }

    static func decode(bytes text: some RandomAccessCollection<UInt8>) -> [UInt8]? {
        guard text.count % 2 == 0 else { return nil }
        let count = text.count / 2
        var valid = true
        let bytes = [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            var index = text.startIndex
            while initialized < count {
                let high = nibbles[Int(text[index])]
                index = text.index(after: index)
                let low = nibbles[Int(text[index])]
                index = text.index(after: index)
                // An invalid digit is 0xFF, the only value above 0x0F.
                guard high | low <= 0x0F else {
                    valid = false
                    return
                }
                buffer[initialized] = high << 4 | low
                initialized += 1
            }
        }
        return valid ? bytes : nil
    }

    /// The 16 bytes of a UUID in its canonical text form (8-4-4-4-12 hex digits, either case); nil otherwise.
    static func uuidBytes(_ text: String) -> [UInt8]? {
        var text = text
        return text.withUTF8 { utf8 -> [UInt8]? in
            guard utf8.count == 36 else { return nil }
            var bytes: [UInt8] = []
            bytes.reserveCapacity(16)
            var index = 0
            while index < 36 {
                if index == 8 || index == 13 || index == 18 || index == 23 {
                    guard utf8[index] == UInt8(ascii: "-") else { return nil }
                    index += 1
                    continue
                }
                guard let high = nibble(utf8[index]), let low = nibble(utf8[index + 1]) else { return nil }
                bytes.append(high << 4 | low)
                index += 2
            }
            return bytes
        }
    }

    /// Each byte's value as a hex digit, 0xFF for a byte that is none: one load instead of three range checks.
    private static let nibbles: [UInt8] = (0...255).map { byte in
        switch UInt8(byte) {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt8(byte) - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): UInt8(byte) - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): UInt8(byte) - UInt8(ascii: "A") + 10
        default: 0xFF
        }
    }

    private static func nibble(_ char: UInt8) -> UInt8? {
        let value = nibbles[Int(char)]
        return value == 0xFF ? nil : value
    }
}
