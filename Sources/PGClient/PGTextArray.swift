/// A one-dimensional array parameter in PostgreSQL's array literal text (`{"a","b",NULL}`), for statements that
/// take many values at once (`unnest($1::uuid[])`, `= ANY($1::text[])`). The statement's cast picks the
/// element type, so elements are given in that type's text format.
public struct PGTextArray: PGBindable {
    public let elements: [String?]

    public init(_ elements: [String?]) {
        self.elements = elements
    }

    /// Every element is quoted, so no element text (commas, braces, blanks, the word NULL) can change the
    /// array's shape; inside quotes only `"` and `\` need a backslash.
    public var pgText: String? {
        var text: [UInt8] = [UInt8(ascii: "{")]
        text.reserveCapacity(elements.reduce(2) { $0 + ($1?.utf8.count ?? 4) + 3 })
        for (index, element) in elements.enumerated() {
            if index > 0 { text.append(UInt8(ascii: ",")) }
            guard var element else {
                text.append(contentsOf: "NULL".utf8)
                continue
            }
            text.append(UInt8(ascii: "\""))
            element.withUTF8 { bytes in
                // Both escaped characters are ASCII, so no byte of a longer UTF-8 sequence can be mistaken for one.
                for byte in bytes {
                    if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") { text.append(UInt8(ascii: "\\")) }
                    text.append(byte)
                }
            }
            text.append(UInt8(ascii: "\""))
        }
        text.append(UInt8(ascii: "}"))
        return String(decoding: text, as: UTF8.self)
    }
}
