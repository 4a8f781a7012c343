import ConsentRules
import Foundation
import PGClient

/// Moves a pending consent whose activation window closed to `expired`, with its event and retention date.
enum ConsentExpiry {
    static let actor = "system:expiry"

    /// `timeZone` is the merchant's: the consent ended on the local day its activation window closed.
    static func expire(
        _ consent: inout ConsentRecord, retentionMonths: Int, timeZone: TimeZone, now: Instant,
        on connection: PGConnection
    ) throws {
        let retainUntil = Retention.retainUntil(
            lastApprovedPayment: try lastApprovedPayment(of: consent, timeZone: timeZone, on: connection),
            endedOn: consent.expiresAt.localDate(in: timeZone), months: retentionMonths)
        let event = ConsentEventLog.chain(
            "consent.expired",
            data: .object([
                "activationDeadline": .string(consent.expiresAt.rfc3339),
                "retainUntil": .string(retainUntil.iso),
            ]),
            actor: actor, at: now, onto: &consent)
        consent.status = .expired
        consent.retainUntil = retainUntil
        consent.updatedAt = now
        try ConsentEventLog.write([event], of: consent, on: connection)
        _ = try connection.query(ConsentQueries.expire, [
            consent.merchantId, consent.id, retainUntil.iso, consent.lastEventSeq, consent.lastEventHash, now.rfc3339,
        ])
    }

    static let lastApprovedPayment = PGStatement(
        """
        SELECT \(microseconds("max(executed_at)")) FROM payments
        WHERE merchant_id = $1 AND consent_id = $2 AND status = 'approved'
        """)

    /// The local day of the consent's last approved payment, if any was taken.
    static func lastApprovedPayment(of consent: ConsentRecord, timeZone: TimeZone, on connection: PGConnection) throws
        -> LocalDate?
    {
        try connection.query(lastApprovedPayment, [consent.merchantId, consent.id])[0]
            .decode(Int64?.self, 0).map { Instant(microsecondsSinceEpoch: $0).localDate(in: timeZone) }
    }

    static func retentionMonths(of consent: ConsentRecord, on connection: PGConnection) throws -> Int {
        let result = try connection.query(ConsentQueries.retentionMonths, [consent.merchantId, consent.policyVersion])
        guard result.rowCount == 1 else { throw StoredDataError(column: "policy_version") }
        return try result[0].decode(Int.self, 0)
    }
}
