import Foundation

extension UUID {
    /// The canonical text with lowercase hex digits, as PostgreSQL prints a uuid and the API shows ids.
    /// Foundation's `uuidString` formats through sprintf and is uppercase, which a `lowercased()` then copies:
    /// exports and statements spell ids often enough for that to show.
    public var lowercasedString: String {
        let digits: StaticString = "0123456789abcdef"
        return withUnsafeBytes(of: uuid) { bytes in
            String(unsafeUninitializedCapacity: 36) { buffer in
                digits.withUTF8Buffer { hex in
                    var out = 0
                    for (index, byte) in bytes.enumerated() {
                        if index == 4 || index == 6 || index == 8 || index == 10 {
                            buffer[out] = UInt8(ascii: "-")
                            out += 1
                        }
                        buffer[out] = hex[Int(byte >> 4)]
                        buffer[out + 1] = hex[Int(byte & 0x0F)]
                        out += 2
                    }
                }
                return 36
            }
        }
    }
}
