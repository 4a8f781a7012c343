import ConsentRules
import Foundation
import PGClient

extension UUID {
    /// A version 7 UUID (RFC 9562): time-ordered, so new rows land at the right edge of their indexes.
    static func v7(at instant: Instant) -> UUID {
        let milliseconds = UInt64(max(0, instant.microsecondsSinceEpoch / 1000))
        var generator = SystemRandomNumberGenerator()
        var bytes = (0..<16).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        for index in 0..<6 {
            bytes[index] = UInt8(truncatingIfNeeded: milliseconds >> (40 - 8 * UInt64(index)))
        }
        bytes[6] = 0x70 | (bytes[6] & 0x0F)
        bytes[8] = 0x80 | (bytes[8] & 0x3F)
        return UUID(uuid: (
            bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7],
            bytes[8], bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]))
    }

    var lowercased: String { uuidString.lowercased() }
}
