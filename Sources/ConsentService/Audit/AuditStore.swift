import ConsentRules
import Foundation
import PGClient

/// What auditors read of one consent: its events; and the read of a consent for any of their records. Reads only.
struct AuditStore: Sendable {
    let pool: PGPool
    let clock: AppClock
    let keyring: PersonalDataKeyring

    func events(consentId: UUID, keyHash: [UInt8]) async throws -> JSONValue {
        let now = clock.now()
        return try await pool.withConnection { connection in
            let consent = try Self.consent(
                consentId, keyHash: keyHash, permission: .readEvents, now: now, keyring: keyring, on: connection)
            let events = try ConsentEventLog.load(merchantId: consent.merchantId, consentId: consent.id, on: connection)
            return .array(events.map(\.json))
        }
    }

    static func consent(
        _ id: UUID, keyHash: [UInt8], permission: Permission, now: Instant, keyring: PersonalDataKeyring,
        on connection: PGConnection
    ) throws -> ConsentRecord {
        try ConsentQueries.readable(
            ConsentQueries.readById, keyHash: keyHash, match: id, now: now, permission: permission, keyring: keyring,
            on: connection
        ).0
    }
}
