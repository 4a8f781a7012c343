import ConsentRules
import Foundation
import PGClient

extension UUID {
    /// A version 7 UUID (RFC 9562): time-ordered, so new rows land at the right edge of their indexes.
    static func v7(at instant: Instant) -> UUID {
        let milliseconds = UInt64(max(0, instant.microsecondsSinceEpoch / 1000))
        // Two draws of 64 bits rather than sixteen of 8: each draw is a call into the kernel.
        var generator = SystemRandomNumberGenerator()
        let random = [generator.next(), generator.next()] as [UInt64]
        var bytes = random.flatMap { word in (0..<8).map { UInt8(truncatingIfNeeded: word >> (8 * UInt64($0))) } }
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
