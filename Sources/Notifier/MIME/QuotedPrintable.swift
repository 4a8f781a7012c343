/// Quoted-printable (RFC 2045 §6.7) with CRLF line ends and lines of at most 76 characters.
enum QuotedPrintable {
    static let maxLineLength = 76

    static func encode(_ text: String) -> String {
        var output: [UInt8] = []
        output.reserveCapacity(text.utf8.count + text.utf8.count / 8)
        let lines = text.replacingLineEnds().split(separator: "\n", omittingEmptySubsequences: false)
        for (index, line) in lines.enumerated() {
            if index > 0 { output.append(contentsOf: [0x0D, 0x0A]) }
            encodeLine(Array(line.utf8), into: &output)
        }
        return String(decoding: output, as: UTF8.self)
    }

    private static func encodeLine(_ bytes: [UInt8], into output: inout [UInt8]) {
        var lineLength = 0
        for (index, byte) in bytes.enumerated() {
            let isLast = index == bytes.count - 1
            let literal =
                (byte >= 33 && byte <= 126 && byte != UInt8(ascii: "="))
                // White space is literal except at the end of a line, where transports may strip it.
                || ((byte == 0x20 || byte == 0x09) && !isLast)
            let token: [UInt8] = literal ? [byte] : escaped(byte)
            // Keep room for the soft break "=" unless this is the line's last token.
            let limit = isLast ? maxLineLength : maxLineLength - 1
            if lineLength + token.count > limit {
                output.append(contentsOf: [UInt8(ascii: "="), 0x0D, 0x0A])
                lineLength = 0
            }
            output.append(contentsOf: token)
            lineLength += token.count
        }
    }

    private static func escaped(_ byte: UInt8) -> [UInt8] {
        let digits = Array("0123456789ABCDEF".utf8)
        return [UInt8(ascii: "="), digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]]
    }
}

extension String {
    /// Every CRLF, CR or LF as a single LF, so that output can be written with CRLF throughout.
    func replacingLineEnds() -> String {
        var result = ""
        result.reserveCapacity(utf8.count)
        var previousWasCR = false
        for scalar in unicodeScalars {
            switch scalar {
            case "\r":
                result.unicodeScalars.append("\n")
                previousWasCR = true
            case "\n":
                if !previousWasCR { result.unicodeScalars.append("\n") }
                previousWasCR = false
            default:
                result.unicodeScalars.append(scalar)
                previousWasCR = false
            }
        }
        return result
    }
}
