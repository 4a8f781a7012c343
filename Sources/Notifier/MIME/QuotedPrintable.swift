/// Quoted-printable (RFC 2045 §6.7) with CRLF line ends and lines of at most 76 characters.
enum QuotedPrintable {
    static let maxLineLength = 76

    private static let hexDigits = Array("0123456789ABCDEF".utf8)
    private static let carriageReturn = UInt8(ascii: "\r")
    private static let lineFeed = UInt8(ascii: "\n")

    /// Every CRLF, CR or LF of `text` ends a line; the output has CRLF throughout. Works on the UTF-8 bytes in
    /// one pass without per-byte allocations: it runs for every part of every message sent.
    static func encode(_ text: String) -> String {
        var output: [UInt8] = []
        output.reserveCapacity(text.utf8.count + text.utf8.count / 4)
        var line: [UInt8] = []
        var isFirstLine = true
        var previousWasCR = false
        func endLine() {
            if !isFirstLine { output.append(contentsOf: [carriageReturn, lineFeed]) }
            isFirstLine = false
            encodeLine(line, into: &output)
            line.removeAll(keepingCapacity: true)
        }
        for byte in text.utf8 {
            switch byte {
            case carriageReturn:
                endLine()
                previousWasCR = true
            case lineFeed:
                if !previousWasCR { endLine() }
                previousWasCR = false
            default:
                line.append(byte)
                previousWasCR = false
            }
        }
        endLine()
        return String(decoding: output, as: UTF8.self)
    }

    private static func encodeLine(_ bytes: [UInt8], into output: inout [UInt8]) {
        var lineLength = 0
        for index in bytes.indices {
            let byte = bytes[index]
            let isLast = index == bytes.count - 1
            let literal =
                (byte >= 33 && byte <= 126 && byte != UInt8(ascii: "="))
                // White space is literal except at the end of a line, where transports may strip it.
                || ((byte == 0x20 || byte == 0x09) && !isLast)
            let width = literal ? 1 : 3
            // Keep room for the soft break "=" unless this is the line's last token.
            let limit = isLast ? maxLineLength : maxLineLength - 1
            if lineLength + width > limit {
                output.append(contentsOf: [UInt8(ascii: "="), carriageReturn, lineFeed])
                lineLength = 0
            }
            if literal {
                output.append(byte)
            } else {
                output.append(UInt8(ascii: "="))
                output.append(hexDigits[Int(byte >> 4)])
                output.append(hexDigits[Int(byte & 0x0F)])
            }
            lineLength += width
        }
    }
}
