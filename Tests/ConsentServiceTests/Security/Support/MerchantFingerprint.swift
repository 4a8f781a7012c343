import Foundation
import PGClient

@testable import ConsentService

/// A digest of every row a merchant has in every table that carries `merchant_id`, found from the catalog, so
/// a table added later is covered too: equal fingerprints mean the requests in between changed nothing.
struct MerchantFingerprint: Equatable, CustomStringConvertible {
    /// Table name → md5 of its rows' text, in a stable order.
    let tables: [String: String]

    var description: String { tables.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ") }

    static let tablesWithMerchant = """
        SELECT c.table_name::text FROM information_schema.columns c
        JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
        WHERE c.table_schema = 'public' AND c.column_name = 'merchant_id' AND t.table_type = 'BASE TABLE'
        ORDER BY 1
        """

    static func of(_ merchantId: String, pool: PGPool) async throws -> MerchantFingerprint {
        try await pool.withConnection { connection in
            var tables: [String: String] = [:]
            for row in try connection.query(tablesWithMerchant, []) {
                let table = try row.decode(String.self, 0)
                // The name comes from the catalog, and is quoted as an identifier; the merchant is a parameter.
                let quoted = "\"" + table.replacingOccurrences(of: "\"", with: "\"\"") + "\""
                let digest = try connection.query(
                    "SELECT coalesce(md5(string_agg(t::text, E'\\n' ORDER BY t::text)), '') FROM \(quoted) t WHERE merchant_id = $1",
                    [merchantId])
                tables[table] = try digest[0].decode(String.self, 0)
            }
            return MerchantFingerprint(tables: tables)
        }
    }
}

extension TestMerchant {
    func fingerprint() async throws -> MerchantFingerprint {
        try await MerchantFingerprint.of(id, pool: shared.pool)
    }
}
