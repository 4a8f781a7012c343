import ConsentRules
import Crypto
import Foundation
import PGClient
import Testing

@testable import ConsentService

/// API keys exist only in their holders' hands: the database keeps the SHA-256 of each and a display prefix,
/// never the key in any spelling, and a key is found by its hash alone.
@Suite struct APIKeyStorageTests {
    /// Every spelling a careless store could have kept: the key's text, its UTF-8 as bytea, its random part as
    /// text and the raw bytes that encodes, and the display prefix with one more character.
    static func spellings(of key: String) throws -> [String] {
        let random = String(key.dropFirst(APIKey.prefix.count))
        var base64 = random.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        let bytes = try #require(Data(base64Encoded: base64))
        #expect(bytes.count == 32)
        let longerThanPrefix = String(key.prefix(APIKey.displayPrefix(key).count + 1))
        return [key, random, hex(Array(key.utf8)), hex(Array(bytes)), longerThanPrefix]
    }

    static func hex(_ bytes: [UInt8]) -> String {
        bytes.map { String(format: "%02x", $0) }.joined()
    }

    /// Base tables with a row holding any of `needles` anywhere in its text form (bytea shows as hex there),
    /// each table read once.
    static func tablesHolding(_ needles: [String], pool: PGPool) async throws -> [String] {
        try await pool.withConnection { connection in
            let tables = try connection.query(
                "SELECT table_name::text FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'",
                [])
            #expect(tables.rowCount >= 10, "the catalog lists the tables")
            var holding: [String] = []
            for row in tables {
                let table = try row.decode(String.self, 0)
                let quoted = "\"" + table.replacingOccurrences(of: "\"", with: "\"\"") + "\""
                let found = try connection.query(
                    """
                    SELECT count(*)::int FROM \(quoted) t
                    WHERE EXISTS (SELECT 1 FROM unnest($1::text[]) n WHERE strpos(lower(t::text), lower(n)) > 0)
                    """, [PGTextArray(needles)])
                if try found[0].decode(Int.self, 0) > 0 { holding.append(table) }
            }
            return holding
        }
    }

    @Test func noColumnOfAnyTableHoldsAKeyAndTheStoredHashIsItsSHA256() async throws {
        let merchant = try await TestMerchant.make()
        let pool = merchant.shared.pool
        var needles: [String] = []
        for role in Role.allCases { needles += try Self.spellings(of: try #require(merchant.keys[role])) }
        #expect(try await Self.tablesHolding(needles, pool: pool) == [], "a table holds a key")
        for role in Role.allCases {
            let key = try #require(merchant.keys[role])
            let prefix = APIKey.displayPrefix(key)
            #expect(prefix.count <= APIKey.prefix.count + 6)
            let stored = try await pool.withConnection { connection in
                try connection.query(
                    "SELECT key_hash, key_prefix FROM api_keys WHERE merchant_id = $1 AND role = $2", [merchant.id, role.rawValue])
                    .map { (try $0.decode([UInt8].self, 0), try $0.decode(String.self, 1)) }
            }
            try #require(stored.count == 1)
            #expect(stored[0].0 == Array(SHA256.hash(data: Array(key.utf8))), "\(role)")
            #expect(stored[0].1 == prefix)
        }
    }

    @Test func theOperatorsCommandStoresOnlyTheHashOfTheKeyItPrints() async throws {
        let merchant = try await TestMerchant.make()
        let url = merchant.shared.url
        let created = try await ServiceProcess.run(
            ["keys", "create", "--merchant", merchant.id, "--role", "auditor", "--label", "cli"],
            environment: ["DATABASE_URL": url, "LOG_LEVEL": "error"])
        #expect(created.status == 0, "\(created.output)")
        let key = try #require(
            created.output.split(separator: "\n").map(String.init).first { $0.hasPrefix(APIKey.prefix) })
        #expect(try await Self.tablesHolding(try Self.spellings(of: key), pool: merchant.shared.pool) == [])
        let hash = Array(SHA256.hash(data: Array(key.utf8)))
        let found = try await merchant.shared.pool.withConnection { connection in
            try connection.query("SELECT count(*)::int FROM api_keys WHERE merchant_id = $1 AND key_hash = $2", [merchant.id, hash])[0]
                .decode(Int.self, 0)
        }
        #expect(found == 1)
        // And the printed key is the credential: it reads, and a key one character off does not.
        try await merchant.test { client in
            let events = try await client.call(.get, "/v1/merchant-events", key: key)
            #expect(events.status == .ok)
            var altered = Array(key)
            altered[altered.count - 1] = altered.last == "A" ? "B" : "A"
            let refused = try await client.call(.get, "/v1/merchant-events", key: String(altered))
            #expect(refused.status == .unauthorized)
        }
    }
}
