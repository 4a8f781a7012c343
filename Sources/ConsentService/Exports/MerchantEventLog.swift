import ConsentRules
import Foundation
import PGClient

/// Appends to and reads a merchant's own history (`merchant_events`): exports of its consents so far.
enum MerchantEventLog {
    static let append = PGStatement(
        "INSERT INTO merchant_events (merchant_id, type, at, actor, data) VALUES ($1, $2, $3, $4, $5::jsonb) RETURNING seq")

    static let page = PGStatement(
        """
        SELECT seq, type, \(microseconds("at")), actor, data::text FROM merchant_events
        WHERE merchant_id = $1 AND seq > $2 ORDER BY seq LIMIT $3
        """)

    static func record(
        merchantId: String, type: String, at: Instant, actor: String, data: JSONValue, on connection: PGConnection
    ) throws {
        _ = try connection.query(
            append, [merchantId, type, at.rfc3339, actor, String(decoding: data.serialized(), as: UTF8.self)])
    }

    /// Up to `limit` events after `seq`, oldest first, as the API shows them.
    static func list(merchantId: String, after seq: Int64, limit: Int, on connection: PGConnection) throws -> [JSONValue] {
        try connection.query(page, [merchantId, seq, limit]).map { row in
            var cursor = RowCursor(row)
            let seq: Int64 = try cursor.next()
            let type: String = try cursor.next()
            let at = Instant(microsecondsSinceEpoch: try cursor.next())
            let actor: String = try cursor.next()
            let data = try JSONValue.parse(Array(try cursor.next(String.self).utf8))
            return [
                "seq": .number(String(seq)), "type": .string(type), "at": .string(at.rfc3339), "actor": .string(actor),
                "data": data,
            ]
        }
    }
}
