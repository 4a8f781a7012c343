import ConsentRules
import PGClient

/// Moves a pending consent whose activation window closed to `expired`, with its event and retention date.
enum ConsentExpiry {
    static let actor = "system:expiry"

    static func expire(_ consent: inout ConsentRecord, retentionMonths: Int, now: Instant, on connection: PGConnection)
        throws
    {
        let endDate = consent.expiresAt.utcDate
        let retainUntil = endDate.adding(months: retentionMonths, clampingDay: endDate.day)
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

    static func retentionMonths(of consent: ConsentRecord, on connection: PGConnection) throws -> Int {
        let result = try connection.query(ConsentQueries.retentionMonths, [consent.merchantId, consent.policyVersion])
        guard result.rowCount == 1 else { throw StoredDataError(column: "policy_version") }
        return try result[0].decode(Int.self, 0)
    }
}
