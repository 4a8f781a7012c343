import ConsentRules
import Foundation
import PGClient

/// `consent-service audit verify`: walks every consent's history (or one merchant's) in pages, checking each
/// chain link by link and against the head its consent row records. Memory stays bounded by the page size.
struct ChainAudit: Sendable {
    let pool: PGPool
    let pageSize: Int

    struct Broken: Sendable, Equatable {
        let merchantId: String
        let consentId: UUID
        let problem: ChainCheck.Break
    }

    struct Report: Sendable {
        var consents = 0
        var events = 0
        var broken: [Broken] = []
    }

    static let consents = PGStatement(
        """
        SELECT merchant_id, id, last_event_seq, last_event_hash FROM consents
        WHERE ($1::text IS NULL OR merchant_id = $1) AND (merchant_id, id) > ($2, $3::uuid)
        ORDER BY merchant_id, id
        LIMIT $4
        """)
    /// Every event of the consents from ($1, $2) to ($3, $4) inclusive, in key order.
    static let events = PGStatement(
        """
        SELECT merchant_id, consent_id, seq, type, \(microseconds("at")), actor, data::text, prev_hash, hash
        FROM consent_events
        WHERE (merchant_id, consent_id) >= ($1, $2::uuid) AND (merchant_id, consent_id) <= ($3, $4::uuid)
        ORDER BY merchant_id, consent_id, seq
        """)

    struct Head: Sendable {
        let merchantId: String
        let consentId: UUID
        let seq: Int
        let hash: String
    }

    func verify(merchantId: String?) async throws -> Report {
        var report = Report()
        var after = ("", UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)))
        while true {
            let cursor = after
            let page = try await pool.withTransaction { connection -> (heads: [Head], links: [String: [ChainCheck.Link]]) in
                // One snapshot for a page's consents and their events.
                try connection.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                let heads = try connection.query(Self.consents, [merchantId, cursor.0, cursor.1, pageSize]).map { row in
                    Head(
                        merchantId: try row.decode(String.self, 0), consentId: try row.decode(UUID.self, 1),
                        seq: try row.decode(Int.self, 2), hash: try row.decode(String.self, 3))
                }
                guard let first = heads.first, let last = heads.last else { return ([], [:]) }
                var links: [String: [ChainCheck.Link]] = [:]
                for row in try connection.query(
                    Self.events, [first.merchantId, first.consentId, last.merchantId, last.consentId])
                {
                    var cursor = RowCursor(row)
                    let merchant: String = try cursor.next()
                    let consent: UUID = try cursor.next()
                    let event = try ConsentEvent(from: &cursor)
                    links[Self.key(merchant, consent), default: []].append(event)
                }
                return (heads, links)
            }
            guard let last = page.heads.last else { return report }
            for head in page.heads {
                let links = page.links[Self.key(head.merchantId, head.consentId)] ?? []
                report.consents += 1
                report.events += links.count
                if let problem = ChainCheck.firstBreak(links, headSeq: head.seq, headHash: head.hash) {
                    report.broken.append(Broken(merchantId: head.merchantId, consentId: head.consentId, problem: problem))
                }
            }
            after = (last.merchantId, last.consentId)
        }
    }

    private static func key(_ merchantId: String, _ consentId: UUID) -> String {
        merchantId + "/" + consentId.uuidString
    }
}
