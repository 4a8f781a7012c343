import ConsentRules
import Foundation
import PGClient

/// Every version of a consent's terms as the amendment listing and the evidence bundle show them: version 1,
/// the terms captured with the consumer's acceptance, then each amendment, withdrawn ones included.
enum AmendmentVersions {
    static func json(
        _ consent: ConsentRecord, today: LocalDate, timeZone: TimeZone, keyring: PersonalDataKeyring,
        on connection: PGConnection
    ) throws -> JSONValue {
        let state = try ConsentTermsVersions.load(
            merchantId: consent.merchantId, consentId: consent.id, day: today, on: connection)
        let amendments = try connection.query(AmendmentRow.list, [consent.merchantId, consent.id, UUID?.none])
            .map { try StoredAmendment.decode($0, merchantId: consent.merchantId, keyring: keyring) }
        let original = originalVersion(consent, inForce: state.version, timeZone: timeZone)
        return [
            "consentId": .string(consent.id.lowercasedString), "termsVersion": .integer(state.version),
            "versions": .array([original] + amendments.map { $0.json(today: today, inForce: state.version) }),
        ]
    }

    /// Version 1: the terms captured, with the consumer's acceptance.
    static func originalVersion(_ consent: ConsentRecord, inForce: Int, timeZone: TimeZone) -> JSONValue {
        let draft = consent.draft
        var evidence: JSONValue = draft.evidence.json
        if case .object(var fields) = evidence {
            fields["disclosureSha256"] = .string(consent.disclosureSha256)
            evidence = .object(fields)
        }
        return [
            "id": .string(consent.id.lowercasedString), "version": 1, "consent": "original",
            "status": .string(inForce == 1 ? "in_force" : "superseded"),
            "effectiveFrom": .string((draft.terms.firstDebitDate ?? consent.createdAt.localDate(in: timeZone)).iso),
            "reason": .null, "changed": [], "terms": ConsentRepresentation.terms(draft.terms), "evidence": evidence,
            "notice": .null,
            "confirmation": [
                "dueBy": .string(consent.confirmationDueBy.iso), "sentAt": .optional(consent.confirmationSentAt?.rfc3339),
            ],
            "createdAt": .string(consent.createdAt.rfc3339), "withdrawnAt": .null,
        ]
    }
}
