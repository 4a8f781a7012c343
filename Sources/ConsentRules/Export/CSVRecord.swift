/// Writes CSV records per RFC 4180, with cells that spreadsheets cannot mistake for formulas.
///
/// A value starting with `=`, `+`, `-`, `@`, a tab, a carriage return or an apostrophe gets one apostrophe in
/// front, so a spreadsheet shows it as text instead of evaluating it; a reader recovers the value by dropping
/// one leading apostrophe wherever there is one. A field holding a comma, a quote, a carriage return or a line
/// feed is quoted, with its quotes doubled. Records end with CRLF. An absent value is an empty field.
public enum CSVRecord {
    public static func append(_ fields: some Sequence<String?>, to out: inout [UInt8]) {
        var first = true
        for field in fields {
            if !first { out.append(comma) }
            first = false
            if let field { appendField(field, to: &out) }
        }
        out.append(contentsOf: [carriageReturn, lineFeed])
    }

    static func appendField(_ value: String, to out: inout [UInt8]) {
        let utf8 = value.utf8
        let guarded = utf8.first.map { formulaStarts.contains($0) } ?? false
        let quoted = utf8.contains { $0 == comma || $0 == quote || $0 == carriageReturn || $0 == lineFeed }
        if quoted { out.append(quote) }
        if guarded { out.append(apostrophe) }
        if quoted {
            for byte in utf8 {
                if byte == quote { out.append(quote) }
                out.append(byte)
            }
            out.append(quote)
        } else {
            out.append(contentsOf: utf8)
        }
    }

    private static let comma = UInt8(ascii: ",")
    private static let quote = UInt8(ascii: "\"")
    private static let apostrophe = UInt8(ascii: "'")
    private static let carriageReturn = UInt8(ascii: "\r")
    private static let lineFeed = UInt8(ascii: "\n")
    private static let formulaStarts: Set<UInt8> = [
        UInt8(ascii: "="), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "@"), UInt8(ascii: "\t"),
        UInt8(ascii: "\r"), UInt8(ascii: "'"),
    ]
}
