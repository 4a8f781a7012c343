import Crypto

/// SHA-256 as lowercase hexadecimal, the form hashes take in events, evidence bundles and tombstones.
///
/// Named as the HTTP layer expects; a file that also imports Crypto, which has a `Digest` protocol, can write
/// `ConsentRules.Digest`.
public enum Digest: Sendable {
    public static func sha256Hex(_ bytes: some Collection<UInt8>) -> String {
        var hasher = SHA256()
        let hashedInPlace: Void? = bytes.withContiguousStorageIfAvailable { buffer in
            hasher.update(bufferPointer: UnsafeRawBufferPointer(buffer))
        }
        if hashedInPlace == nil {
            hasher.update(data: Array(bytes))
        }
        return hexadecimal(hasher.finalize())
    }

    public static func sha256Hex(_ text: String) -> String {
        sha256Hex(text.utf8)
    }

    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    static func hexadecimal(_ bytes: some Sequence<UInt8>) -> String {
        var text: [UInt8] = []
        text.reserveCapacity(64)
        for byte in bytes {
            text.append(hexDigits[Int(byte >> 4)])
            text.append(hexDigits[Int(byte & 0x0F)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}
