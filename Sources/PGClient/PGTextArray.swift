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
        var text = "{"
        text.reserveCapacity(elements.reduce(2) { $0 + ($1?.utf8.count ?? 4) + 3 })
        for (index, element) in elements.enumerated() {
            if index > 0 { text.append(",") }
            guard let element else {
                text.append("NULL")
                continue
            }
            text.append("\"")
            for character in element.unicodeScalars {
                if character == "\"" || character == "\\" { text.append("\\") }
                text.unicodeScalars.append(character)
            }
            text.append("\"")
        }
        text.append("}")
        return text
    }
}
