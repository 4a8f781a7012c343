import ConsentRules
import Foundation
import Testing

@testable import ConsentService

@Suite struct UUIDv7Tests {
    @Test func carriesTheMillisecondThenVersionSevenAndTheRFCVariant() {
        let instant = Instant(microsecondsSinceEpoch: 1_795_000_123_456_789)
        let milliseconds: UInt64 = 1_795_000_123_456
        for _ in 0..<200 {
            let bytes = withUnsafeBytes(of: UUID.v7(at: instant).uuid) { Array($0) }
            let stamp = bytes[0..<6].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
            #expect(stamp == milliseconds)
            #expect(bytes[6] >> 4 == 7)
            #expect(bytes[8] >> 6 == 0b10)
        }
    }

    @Test func idsOfTheSameMillisecondDifferInTheirRandomBits() {
        let instant = Instant(microsecondsSinceEpoch: 1_795_000_123_456_789)
        let ids = (0..<1_000).map { _ in UUID.v7(at: instant) }
        #expect(Set(ids).count == ids.count)
        // Every random bit position takes both values across a thousand ids: none is stuck by the byte assembly.
        let randomBits = ids.map { id in withUnsafeBytes(of: id.uuid) { Array($0) } }
        for byte in 6..<16 {
            let mask: UInt8 = byte == 6 ? 0x0F : byte == 8 ? 0x3F : 0xFF
            let ored = randomBits.reduce(UInt8(0)) { $0 | ($1[byte] & mask) }
            let anded = randomBits.reduce(mask) { $0 & $1[byte] }
            #expect(ored == mask, "byte \(byte) has a bit that is never 1")
            #expect(anded == 0, "byte \(byte) has a bit that is never 0")
        }
    }

    @Test func laterMillisecondsSortAfterEarlierOnes() {
        let earlier = UUID.v7(at: Instant(microsecondsSinceEpoch: 1_795_000_123_456_000))
        let later = UUID.v7(at: Instant(microsecondsSinceEpoch: 1_795_000_123_457_000))
        #expect(earlier.uuidString.lowercased() < later.uuidString.lowercased())
    }
}
