import ConsentRules
import Foundation
import PGClient

/// `GET /v1/consents`: one page of the merchant's consents, oldest first (by id, which is a version 7 UUID of
/// the creation time), each with its terms state. Every filter is served by an index that leads with the
/// merchant: the primary key for the order, the cursor and the creation dates (as id ranges), and a partial
/// index per status and for overdue confirmations. The statement holds only the conditions asked for, so each
/// combination is planned for what it has to find.
enum ConsentListing {
    /// What each status filter adds. Each is fixed text; a pending consent past its activation window reads as
    /// expired, as everywhere else.
    static func statusCondition(_ status: ConsentStatus, now: String) -> String {
        switch status {
        case .active, .cancelled, .completed: "c.status = '\(status.rawValue)'"
        case .pending: "c.status = 'pending' AND c.expires_at > \(now)"
        case .expired: "c.status IN ('pending', 'expired') AND (c.status = 'expired' OR c.expires_at <= \(now))"
        }
    }

    struct Page: Sendable {
        let statement: PGStatement
        let binds: [any PGBindable]
    }

    /// The statement and binds of one page for `merchantId`, read at `now` in the merchant's `timeZone`.
    static func page(_ query: ConsentListQuery, merchantId: String, now: Instant, timeZone: TimeZone) -> Page {
        // Only what the statement uses is bound: the server cannot type a parameter it never sees.
        var binds: [any PGBindable] = [merchantId, now.localDate(in: timeZone).iso, query.limit + 1]
        func placeholder(_ value: any PGBindable) -> String {
            binds.append(value)
            return "$\(binds.count)"
        }
        var conditions = ["c.merchant_id = $1"]
        if let after = query.after { conditions.append("c.id > \(placeholder(after))") }
        if let from = query.createdFrom {
            conditions.append("c.id >= \(placeholder(UUID.v7Bound(at: Instant(startOf: from, in: timeZone))))")
        }
        if let to = query.createdTo {
            conditions.append("c.id < \(placeholder(UUID.v7Bound(at: Instant(startOf: to.adding(days: 1), in: timeZone))))")
        }
        if let status = query.status {
            let condition =
                status == .pending || status == .expired
                ? statusCondition(status, now: placeholder(now.rfc3339) + "::timestamptz")
                : statusCondition(status, now: "")
            conditions.append(condition)
        }
        if query.confirmationOverdue {
            conditions.append("c.confirmation_overdue_at IS NOT NULL AND c.confirmation_sent_at IS NULL")
        }
        if let before = query.cardExpiringBefore {
            // A card is valid through the last day of its expiry month, so it expires before a day exactly when
            // its expiry month is an earlier month than that day's.
            conditions.append(
                "(c.card_expiry_year, c.card_expiry_month) < (\(placeholder(before.year))::smallint, \(placeholder(before.month))::smallint)")
        }
        let sql = """
            SELECT \(ConsentRow.selectList(alias: "c")), \(ConsentTermsVersions.columns)
            FROM consents c
            \(ConsentTermsVersions.joins(consent: "c", day: "$2::date"))
            WHERE \(conditions.joined(separator: "\n  AND "))
            ORDER BY c.id
            LIMIT $3
            """
        return Page(statement: PGStatement(sql), binds: binds)
    }
}

extension UUID {
    /// The least version 7 id of the millisecond of `instant`: every id made at or after it sorts at or above.
    static func v7Bound(at instant: Instant) -> UUID {
        let milliseconds = UInt64(max(0, instant.microsecondsSinceEpoch / 1000))
        var bytes = [UInt8](repeating: 0, count: 16)
        for index in 0..<6 {
            bytes[index] = UInt8(truncatingIfNeeded: milliseconds >> (40 - 8 * UInt64(index)))
        }
        return UUID(uuid: (
            bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7],
            bytes[8], bytes[9], bytes[10], bytes[11], bytes[12], bytes[13], bytes[14], bytes[15]))
    }
}
