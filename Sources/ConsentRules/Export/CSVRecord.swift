/// Writes CSV records per RFC 4180, with cells that spreadsheets cannot mistake for formulas.
///
/// A value starting with `=`, `+`, `-`, `@`, a tab, a carriage return or an apostrophe gets one apostrophe in
/// front, so a spreadsheet shows it as text instead of evaluating it; a reader recovers the value by dropping
/// one leading apostrophe wherever there is one. A field holding a comma, a quote, a carriage return or a line
/// feed is quoted, with its quotes doubled. Records end with CRLF. An absent value is an empty field.
public enum CSVRecord {
    public static func append(_ fields: [String?], to out: inout [UInt8]) {
        for (index, field) in fields.enumerated() {
            if index > 0 { out.append(comma) }
            appendField(field, to: &out)
        }
        endRecord(&out)
    }

    /// One field of a record being written field by field: the caller puts `separator` between fields and ends
    /// the record with `endRecord`.
    public static func appendField(_ value: String?, to out: inout [UInt8]) {
        guard var value else { return }
        // Native strings are contiguous UTF-8; this makes a bridged or substring-backed one so too.
        value.withUTF8 { bytes in appendField(bytes, to: &out) }
    }

    public static let separator = comma

    public static func endRecord(_ out: inout [UInt8]) {
        out.append(carriageReturn)
        out.append(lineFeed)
    }

    private static func appendField(_ bytes: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
        guard let first = bytes.first else { return }
        let guarded =
            first == UInt8(ascii: "=") || first == UInt8(ascii: "+") || first == UInt8(ascii: "-")
            || first == UInt8(ascii: "@") || first == UInt8(ascii: "\t") || first == carriageReturn
            || first == apostrophe
        var quoted = false
        for byte in bytes where byte == comma || byte == quote || byte == carriageReturn || byte == lineFeed {
            quoted = true
            break
        }
        if quoted { out.append(quote) }
        if guarded { out.append(apostrophe) }
        if quoted {
            for byte in bytes {
                if byte == quote { out.append(quote) }
                out.append(byte)
            }
            out.append(quote)
        } else {
            out.append(contentsOf: bytes)
        }
    }

    private static let comma = UInt8(ascii: ",")
    private static let quote = UInt8(ascii: "\"")
    private static let apostrophe = UInt8(ascii: "'")
    private static let carriageReturn = UInt8(ascii: "\r")
    private static let lineFeed = UInt8(ascii: "\n")
}
