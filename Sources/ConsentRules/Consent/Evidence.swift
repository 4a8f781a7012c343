/// What proves the consumer agreed: when, from where, and to exactly which text.
public struct Evidence: Hashable, Sendable {
    public let acceptedAt: Instant
    public let ipAddress: String
    public let userAgent: String?
    public let disclosureText: String
    public let disclosureVersion: String

    public init(acceptedAt: Instant, ipAddress: String, userAgent: String?, disclosureText: String, disclosureVersion: String) {
        self.acceptedAt = acceptedAt
        self.ipAddress = ipAddress
        self.userAgent = userAgent
        self.disclosureText = disclosureText
        self.disclosureVersion = disclosureVersion
    }

    /// SHA-256 of the disclosure text's UTF-8, as listed in evidence bundles.
    public var disclosureTextSHA256: String { Digest.sha256Hex(disclosureText.utf8) }

    /// The contract's JSON shape; `userAgent` is `null` when absent.
    public var json: JSONValue {
        [
            "acceptedAt": .string(acceptedAt.rfc3339),
            "ipAddress": .string(ipAddress),
            "userAgent": userAgent.map(JSONValue.string) ?? .null,
            "disclosureText": .string(disclosureText),
            "disclosureVersion": .string(disclosureVersion),
        ]
    }
}
