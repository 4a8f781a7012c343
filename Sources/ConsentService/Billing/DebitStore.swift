import ConsentRules
import Foundation
import Notifier
import PGClient

/// Announced debits: each recorded with its `debit.announced` event and, when the consent's terms call for one,
/// its pre-debit notice queued, all in one transaction.
struct DebitStore: Sendable {
    let pool: PGPool
    let clock: AppClock
    let keyring: PersonalDataKeyring

    static let insert = PGStatement(
        """
        INSERT INTO debits (merchant_id, id, consent_id, amount_minor, currency, debit_date, notice_required,
                            notice_outbox_id, created_at)
        VALUES ($1, $2, $3, $4, $5, $6::date, $7, $8, $9)
        """)

    static let noticeDays = PGStatement(
        "SELECT notice_days FROM merchant_policies WHERE merchant_id = $1 AND version = $2")

    func announce(consentId: UUID, debit: DebitRequest, keyHash: [UInt8]) async throws -> JSONValue {
        let now = clock.now()
        return try await pool.withTransaction { connection in
            let (principal, consent) = try ConsentQueries.lockForChange(
                consentId: consentId, keyHash: keyHash, permission: .announceDebit, keyring: keyring, on: connection)
            let merchant = principal.merchant
            let status = consent.effectiveStatus(at: now)
            guard ![.cancelled, .completed, .expired].contains(status) else {
                throw APIError.invalidState("The consent is \(status.rawValue); no debit can be announced on it.")
            }
            let today = now.localDate(in: merchant.timeZone)
            var problems: [FieldError] = []
            if debit.amount.currency != consent.draft.terms.currency {
                problems.append(
                    FieldError(field: "currency", message: "must be the consent's currency, \(consent.draft.terms.currency.code)"))
            }
            if debit.date < today {
                problems.append(FieldError(field: "date", message: "must not be in the past"))
            }
            guard problems.isEmpty else { throw APIError.validation(problems) }

            let policy = try connection.query(Self.noticeDays, [merchant.merchantId, consent.policyVersion])
            guard policy.rowCount == 1 else { throw StoredDataError(column: "policy_version") }
            let noticeDays = try policy[0].decode(Int.self, 0)
            // Judged by the terms in force on the debit's date, which may be an amendment's.
            let terms = try ConsentTermsVersions.load(
                merchantId: consent.merchantId, consentId: consent.id, day: debit.date, on: connection
            ).terms(of: consent)
            let requiresNotice = DebitConsent(
                status: status, terms: terms, card: consent.draft.card, noticeDays: noticeDays,
                timeZone: merchant.timeZone
            ).requiresNotice
            let debitId = UUID.v7(at: now)
            let noticeId = requiresNotice ? UUID.v7(at: now) : nil
            _ = try connection.query(Self.insert, [
                merchant.merchantId, debitId, consentId, debit.amount.minorUnits, debit.amount.currency.code,
                debit.date.iso, requiresNotice, noticeId, now.rfc3339,
            ])
            if let noticeId {
                try OutboxQueue.enqueue(
                    .notice, id: noticeId, merchantId: merchant.merchantId, consentId: consentId, dueAt: now,
                    payload: ["debitId": .string(debitId.lowercasedString)], on: connection)
            }
            // The consent row is locked already (byIdForUpdate), so its head is current.
            var head = ConsentChainHead(of: consent)
            try head.append(
                "debit.announced",
                data: [
                    "debitId": .string(debitId.lowercasedString), "amount": .string(debit.amount.decimalString),
                    "currency": .string(debit.amount.currency.code), "date": .string(debit.date.iso),
                    "noticeRequired": .bool(requiresNotice),
                ],
                actor: principal.actor, at: now, on: connection)
            return [
                "id": .string(debitId.lowercasedString),
                "noticeRequired": .bool(requiresNotice),
                "notice": [
                    "status": .string(requiresNotice ? "scheduled" : "not_required"), "sentAt": .null,
                ],
                "earliestPermittedDate": requiresNotice ? .string(today.adding(days: noticeDays).iso) : .null,
            ]
        }
    }
}
