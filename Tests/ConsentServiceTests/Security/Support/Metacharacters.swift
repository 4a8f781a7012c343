import ConsentRules
import Foundation
import PGClient
import Testing

@testable import ConsentService

/// Text that means something to SQL, to PostgreSQL's string and LIKE syntax, or to C, put into every string a
/// request can carry.
enum Metacharacters {
    static let payloads: [String] = [
        "O'Brien", "say \"hi\"", "a;b", "x -- y", "back\\slash", "100%", "under_score", "$1", "/* c */",
        "nul\u{0}byte", "'; DROP TABLE consents; --", "%_\\'\"$2--/*",
    ]

    /// Bytes that are not UTF-8 (a lone continuation byte, an overlong slash, a truncated sequence), for the
    /// places a request carries raw bytes: bodies, query strings and paths.
    static let invalidUTF8: [[UInt8]] = [[0x80], [0xC0, 0xAF], [0xE2, 0x82], [0xFF]]

    /// Percent-encodes every byte outside the URI's unreserved set, so the bytes reach the service as they are.
    static func percentEncoded(_ bytes: [UInt8]) -> String {
        bytes.map { byte -> String in
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "~"):
                String(UnicodeScalar(byte))
            default:
                String(format: "%%%02X", byte)
            }
        }.joined()
    }

    static func percentEncoded(_ text: String) -> String { percentEncoded(Array(text.utf8)) }

    enum Outcome: Equatable {
        case accepted
        case refused
    }

    /// Accepted with one of `accepted`, or refused with the contract's 422 naming `field` (400 `malformed_json`
    /// where `malformedJSON` allows it); anything else, a 5xx above all, is recorded as an issue and gives nil.
    static func outcome(
        _ response: APIResponse, field: String?, accepted: Set<Int>, notFoundAllowed: Bool = false,
        malformedJSON: Bool = false, _ comment: String, sourceLocation: SourceLocation = #_sourceLocation
    ) -> Outcome? {
        let code = response.status.code
        if accepted.contains(code) { return .accepted }
        if code == 422, response.errorCode == "validation_failed",
            field.map({ response.errorFields.contains($0) }) ?? true
        {
            return .refused
        }
        if code == 400, malformedJSON, response.errorCode == "malformed_json" { return .refused }
        if code == 404, notFoundAllowed, response.errorCode == "not_found" || field == nil { return .refused }
        Issue.record(
            "\(comment): \(code) \(String(decoding: response.bytes.prefix(400), as: UTF8.self))",
            sourceLocation: sourceLocation)
        return nil
    }

    /// The public tables, so a test can show that none was dropped by what it sent.
    static func tables(pool: PGPool) async throws -> Set<String> {
        try await pool.withConnection { connection in
            Set(
                try connection.query(
                    "SELECT table_name::text FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'",
                    []
                ).map { try $0.decode(String.self, 0) })
        }
    }

    /// Every table is still there and still answers; the merchant's own rows are checked by each test.
    static func expectTablesIntact(
        before: Set<String>, pool: PGPool, sourceLocation: SourceLocation = #_sourceLocation
    ) async throws {
        let after = try await tables(pool: pool)
        #expect(after == before, sourceLocation: sourceLocation)
        #expect(before.isSuperset(of: ["consents", "consent_events", "api_keys", "merchants", "outbox"]), sourceLocation: sourceLocation)
        let counted = try await pool.withConnection { connection in
            try connection.query("SELECT count(*)::int FROM consents", [])[0].decode(Int.self, 0)
        }
        #expect(counted > 0, sourceLocation: sourceLocation)
    }
}
