import ConsentRules
import Foundation
import Notifier
import PGClient

/// The debit a pre-debit notice announces, found by the notice's outbox id.
struct AnnouncedDebit: Sendable {
    let id: UUID
    let amount: Money
    let date: LocalDate

    static let byNotice = PGStatement(
        """
        SELECT id, amount_minor, currency, debit_date::text FROM debits
        WHERE merchant_id = $1 AND notice_outbox_id = $2
        """)

    static let noticeSent = PGStatement(
        """
        UPDATE debits SET notice_sent_at = COALESCE(notice_sent_at, $3)
        WHERE merchant_id = $1 AND notice_outbox_id = $2
        RETURNING id
        """)

    static func load(noticeOf message: ClaimedMessage, pool: PGPool) async throws -> AnnouncedDebit? {
        try await pool.withConnection { connection in
            let result = try connection.query(byNotice, [message.merchantId, message.id])
            guard result.rowCount == 1 else { return nil }
            let row = result[0]
            guard let currency = Currency.iso4217(try row.decode(String.self, 2)),
                let date = LocalDate(iso: try row.decode(String.self, 3))
            else { throw StoredDataError(column: "debits") }
            return AnnouncedDebit(
                id: try row.decode(UUID.self, 0),
                amount: Money(minorUnits: try row.decode(Int64.self, 1), currency: currency), date: date)
        }
    }

    /// Records when the notice went out on its debit, which is what makes the debit valid 14 days later.
    static func recordNoticeSent(_ message: ClaimedMessage, at sentAt: Instant, on connection: PGConnection) throws
        -> UUID?
    {
        let result = try connection.query(noticeSent, [message.merchantId, message.id, sentAt.rfc3339])
        return result.rowCount == 1 ? try result[0].decode(UUID.self, 0) : nil
    }
}
