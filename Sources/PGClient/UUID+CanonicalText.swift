import Foundation

extension UUID {
    /// Parses the canonical 8-4-4-4-12 hex form in either case, as `UUID(uuidString:)` does. Foundation's parser
    /// goes through sscanf, which showed in both the decoding of rows and the routing of every `{id}` request.
    public init?(canonicalText text: String) {
        guard let b = PGHex.uuidBytes(text) else { return nil }
        self.init(uuid: (b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]))
    }
}
