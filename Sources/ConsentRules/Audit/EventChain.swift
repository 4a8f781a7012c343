/// The hash chain that makes a consent's event history tamper-evident: each event's hash covers its content and
/// the previous event's hash, so changing, removing or reordering any event breaks every hash after it.
public enum EventChain: Sendable {
    /// The `prevHash` of a chain's first event.
    public static let genesisHash = String(repeating: "0", count: 64)

    /// Lowercase hex SHA-256 of the canonical JSON of
    /// `{"actor", "at" (RFC 3339), "data", "prevHash", "seq", "type"}`.
    public static func hash(seq: Int, type: String, at: Instant, actor: String, data: JSONValue, prevHash: String) -> String {
        let hashed: JSONValue = .object([
            "actor": .string(actor),
            "at": .string(at.rfc3339),
            "data": data,
            "prevHash": .string(prevHash),
            "seq": .integer(seq),
            "type": .string(type),
        ])
        return Digest.sha256Hex(hashed.serialized())
    }

    /// Whether `hash` is what `hash(seq:type:at:actor:data:prevHash:)` gives for this content.
    public static func verify(hash: String, seq: Int, type: String, at: Instant, actor: String, data: JSONValue, prevHash: String) -> Bool {
        self.hash(seq: seq, type: type, at: at, actor: actor, data: data, prevHash: prevHash) == hash
    }
}
