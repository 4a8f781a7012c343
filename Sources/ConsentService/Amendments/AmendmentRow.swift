import ConsentRules
import Foundation
import PGClient

/// How an amendment maps to the `consent_amendments` table.
enum AmendmentRow {
    static let insert = PGStatement(
        """
        INSERT INTO consent_amendments (
            merchant_id, consent_id, version, id, consent, effective_from, reason, changed,
            \(ConsentRow.termsColumns.joined(separator: ", ")),
            accepted_at, evidence_sealed, evidence_key, disclosure_text, disclosure_version, disclosure_sha256,
            confirmation_due_by, confirmation_outbox_id, notice_outbox_id, notice_days, policy_version, created_at,
            created_by)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8::text[],
                \((9..<(9 + ConsentRow.termsColumns.count)).map { "$\($0)" }.joined(separator: ", ")),
                \((20...32).map { "$\($0)" }.joined(separator: ", ")))
        """)

    /// The next version number: withdrawn versions keep theirs.
    static let nextVersion = PGStatement(
        "SELECT coalesce(max(version), 1) + 1 FROM consent_amendments WHERE merchant_id = $1 AND consent_id = $2")

    /// Every version after the first, oldest first, with its messages' states.
    static let list = PGStatement(
        """
        SELECT a.id, a.version, a.consent, a.effective_from::text, a.reason, array_to_string(a.changed, ','),
               \(ConsentRow.termsList(alias: "a")),
               \(microseconds("a.accepted_at")), a.evidence_sealed, a.evidence_key, a.disclosure_text,
               a.disclosure_version, a.disclosure_sha256, a.confirmation_due_by::text,
               \(microseconds("a.confirmation_sent_at")), confirmation.state, \(microseconds("a.confirmation_overdue_at")),
               \(microseconds("a.notice_sent_at")), notice.state,
               \(microseconds("a.created_at")), a.created_by, \(microseconds("a.withdrawn_at")), a.withdrawn_by
        FROM consent_amendments a
        LEFT JOIN outbox confirmation ON confirmation.merchant_id = a.merchant_id AND confirmation.id = a.confirmation_outbox_id
        LEFT JOIN outbox notice ON notice.merchant_id = a.merchant_id AND notice.id = a.notice_outbox_id
        WHERE a.merchant_id = $1 AND a.consent_id = $2 AND ($3::uuid IS NULL OR a.id = $3)
        ORDER BY a.version
        """)

    static let withdraw = PGStatement(
        """
        UPDATE consent_amendments SET withdrawn_at = $4, withdrawn_by = $5
        WHERE merchant_id = $1 AND consent_id = $2 AND id = $3 AND withdrawn_at IS NULL
        RETURNING consent, notice_outbox_id, confirmation_outbox_id, effective_from::text, version
        """)

    /// What an agreed amendment's evidence seals: the two fields of it that are personal data.
    static func sealedEvidence(_ evidence: Evidence) -> [UInt8] {
        let fields: JSONValue = [
            "ipAddress": .string(evidence.ipAddress), "userAgent": evidence.userAgent.map(JSONValue.string) ?? .null,
        ]
        return fields.serialized()
    }
}

/// One stored version after the first, as the amendment routes show it.
struct StoredAmendment: Sendable {
    let id: UUID
    let version: Int
    let consent: AmendmentConsent
    let effectiveFrom: LocalDate
    let reason: String
    let changed: [String]
    let terms: Terms
    let evidence: Evidence?
    let disclosureSha256: String?
    let confirmationDueBy: LocalDate?
    let confirmationSentAt: Instant?
    let confirmationState: String?
    let confirmationOverdueAt: Instant?
    let noticeSentAt: Instant?
    let noticeState: String?
    let createdAt: Instant
    let createdBy: String
    let withdrawnAt: Instant?
    let withdrawnBy: String?

    static func decode(_ row: PGRow, merchantId: String, keyring: PersonalDataKeyring) throws -> StoredAmendment {
        var c = RowCursor(row)
        let id: UUID = try c.next()
        let version: Int = try c.next()
        guard let consent = AmendmentConsent(rawValue: try c.next()) else {
            throw StoredDataError(column: "consent_amendments.consent")
        }
        guard let effectiveFrom = LocalDate(iso: try c.next()) else {
            throw StoredDataError(column: "consent_amendments.effective_from")
        }
        let reason: String = try c.next()
        let changed = try c.next(String.self).split(separator: ",").map(String.init)
        let terms = try ConsentRow.decodeTerms(&c)
        let acceptedAt = try c.next(Int64?.self).map(Instant.init(microsecondsSinceEpoch:))
        let sealedBytes: [UInt8]? = try c.next()
        let keyId: String? = try c.next()
        let disclosureText: String? = try c.next()
        let disclosureVersion: String? = try c.next()
        var evidence: Evidence?
        if let acceptedAt, let sealedBytes, let keyId, let disclosureText, let disclosureVersion {
            let opened = try keyring.open(
                SealedValue(keyId: keyId, bytes: sealedBytes),
                context: .amendment(merchantId: merchantId, amendmentId: id))
            let fields = try JSONValue.parse(opened)
            guard let ipAddress = fields["ipAddress"]?.stringValue else {
                throw StoredDataError(column: "consent_amendments.evidence_sealed")
            }
            evidence = Evidence(
                acceptedAt: acceptedAt, ipAddress: ipAddress, userAgent: fields["userAgent"]?.stringValue,
                disclosureText: disclosureText, disclosureVersion: disclosureVersion)
        }
        return StoredAmendment(
            id: id, version: version, consent: consent, effectiveFrom: effectiveFrom, reason: reason, changed: changed,
            terms: terms, evidence: evidence, disclosureSha256: try c.next(),
            confirmationDueBy: try c.next(String?.self).flatMap(LocalDate.init(iso:)),
            confirmationSentAt: try c.next(Int64?.self).map(Instant.init(microsecondsSinceEpoch:)),
            confirmationState: try c.next(),
            confirmationOverdueAt: try c.next(Int64?.self).map(Instant.init(microsecondsSinceEpoch:)),
            noticeSentAt: try c.next(Int64?.self).map(Instant.init(microsecondsSinceEpoch:)),
            noticeState: try c.next(),
            createdAt: Instant(microsecondsSinceEpoch: try c.next()), createdBy: try c.next(),
            withdrawnAt: try c.next(Int64?.self).map(Instant.init(microsecondsSinceEpoch:)), withdrawnBy: try c.next())
    }

    /// Where this version stands on `today`, the merchant's local date, given the version in force.
    func status(today: LocalDate, inForce: Int) -> String {
        if withdrawnAt != nil { return "withdrawn" }
        if effectiveFrom > today { return "pending" }
        return version == inForce ? "in_force" : "superseded"
    }

    func json(today: LocalDate, inForce: Int) -> JSONValue {
        var evidenceJSON: JSONValue = .null
        if let evidence, case .object(var fields) = evidence.json {
            fields["disclosureSha256"] = disclosureSha256.map(JSONValue.string) ?? .null
            evidenceJSON = .object(fields)
        }
        return [
            "id": .string(id.lowercasedString), "version": .integer(version), "consent": .string(consent.rawValue),
            "status": .string(status(today: today, inForce: inForce)), "effectiveFrom": .string(effectiveFrom.iso),
            "reason": .string(reason), "changed": .array(changed.map(JSONValue.string)),
            "terms": ConsentRepresentation.terms(terms), "evidence": evidenceJSON,
            "notice": consent == .notified
                ? ["status": .optional(noticeState), "sentAt": .optional(noticeSentAt?.rfc3339)] : .null,
            "confirmation": consent == .agreed
                ? [
                    "dueBy": .optional(confirmationDueBy?.iso), "sentAt": .optional(confirmationSentAt?.rfc3339),
                    "status": .optional(confirmationState), "overdueAt": .optional(confirmationOverdueAt?.rfc3339),
                ] : .null,
            "createdAt": .string(createdAt.rfc3339), "createdBy": .string(createdBy),
            "withdrawnAt": .optional(withdrawnAt?.rfc3339), "withdrawnBy": .optional(withdrawnBy),
        ]
    }
}
