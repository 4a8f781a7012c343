/// A consent's personal data, stored sealed as one value: who the consumer is, where to write to them, and the
/// address and browser they agreed from.
struct ConsumerPersonalData: Sendable, Equatable {
    var firstName: String
    var lastName: String
    var email: String
    var phone: String?
    var communicationAddress: String
    var ipAddress: String
    var userAgent: String?

    /// Layout version 1: the byte 1, then each field in declaration order as a 4-byte big-endian length and its
    /// UTF-8 bytes, or the length 0xFFFFFFFF for an absent optional field.
    func encoded() -> [UInt8] {
        var bytes: [UInt8] = [1]
        let fields = [firstName, lastName, email, phone, communicationAddress, ipAddress, userAgent]
        bytes.reserveCapacity(1 + fields.reduce(0) { $0 + 4 + ($1?.utf8.count ?? 0) })
        for field in fields {
            let length = field.map { UInt32($0.utf8.count) } ?? UInt32.max
            withUnsafeBytes(of: length.bigEndian) { bytes.append(contentsOf: $0) }
            if let field { bytes.append(contentsOf: field.utf8) }
        }
        return bytes
    }
}

extension ConsumerPersonalData {
    /// Nil when `bytes` is not a version 1 layout.
    init?(decoding bytes: [UInt8]) {
        guard bytes.first == 1 else { return nil }
        var reader = FieldReader(bytes: bytes, position: 1)
        guard let firstName = reader.next() ?? nil, let lastName = reader.next() ?? nil, let email = reader.next() ?? nil,
            let phone = reader.next(), let address = reader.next() ?? nil, let ip = reader.next() ?? nil,
            let userAgent = reader.next(), reader.position == bytes.count
        else { return nil }
        self.init(
            firstName: firstName, lastName: lastName, email: email, phone: phone, communicationAddress: address,
            ipAddress: ip, userAgent: userAgent)
    }

    private struct FieldReader {
        let bytes: [UInt8]
        var position: Int

        /// nil: malformed; .some(nil): an absent field.
        mutating func next() -> String?? {
            guard position + 4 <= bytes.count else { return nil }
            let length = bytes[position..<position + 4].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
            position += 4
            if length == UInt32.max { return .some(nil) }
            let end = position + Int(length)
            guard end <= bytes.count else { return nil }
            defer { position = end }
            guard let text = String(validating: bytes[position..<end], as: UTF8.self) else { return nil }
            return .some(text)
        }
    }
}
