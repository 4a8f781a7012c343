import ConsentRules
import Foundation
import PGClient

/// An amendment that has not yet taken effect, as a consent's reads show it.
struct PendingAmendment: Sendable {
    let id: UUID
    let version: Int
    let consent: AmendmentConsent
    let effectiveFrom: LocalDate

    var json: JSONValue {
        [
            "id": .string(id.lowercasedString), "version": .integer(version), "consent": .string(consent.rawValue),
            "effectiveFrom": .string(effectiveFrom.iso),
        ]
    }
}

/// Which of a consent's terms apply today, and the amendment still to come. The consent's row keeps version 1;
/// `consent_amendments` holds every later version, in force from its `effective_from` unless withdrawn.
struct ConsentTermsState: Sendable {
    let version: Int
    /// Nil while version 1, the consent's own terms, applies.
    let amendedTerms: Terms?
    let pending: PendingAmendment?

    static let original = ConsentTermsState(version: 1, amendedTerms: nil, pending: nil)

    func terms(of consent: ConsentRecord) -> Terms {
        amendedTerms ?? consent.draft.terms
    }
}

/// The SQL that finds a consent's terms state beside a read of it, and its decoding.
enum ConsentTermsVersions {
    /// Joins for consent `consent` (an alias) on the local day `day` (an SQL expression), named `inforce` and
    /// `pending`; each is one probe of the amendments' index.
    static func joins(consent c: String, day: String) -> String {
        """
        LEFT JOIN LATERAL (
            SELECT amendment.version, \(ConsentRow.termsList(alias: "amendment")) FROM consent_amendments amendment
            WHERE amendment.merchant_id = \(c).merchant_id AND amendment.consent_id = \(c).id
              AND amendment.withdrawn_at IS NULL
              AND amendment.effective_from <= \(day)
            ORDER BY amendment.version DESC LIMIT 1
        ) inforce ON true
        LEFT JOIN LATERAL (
            SELECT amendment.id, amendment.version, amendment.consent, amendment.effective_from::text
            FROM consent_amendments amendment
            WHERE amendment.merchant_id = \(c).merchant_id AND amendment.consent_id = \(c).id
              AND amendment.withdrawn_at IS NULL
              AND amendment.effective_from > \(day)
            ORDER BY amendment.version DESC LIMIT 1
        ) pending ON true
        """
    }

    /// The select list of `joins`, in `decode` order.
    static let columns = "inforce.*, pending.*"

    static func decode(_ cursor: inout RowCursor) throws -> ConsentTermsState {
        var version = 1
        var amended: Terms?
        if cursor.isNullAhead {
            cursor.skip(1 + ConsentRow.termsColumnCount)
        } else {
            version = try cursor.next()
            amended = try ConsentRow.decodeTerms(&cursor)
        }
        var pending: PendingAmendment?
        if cursor.isNullAhead {
            cursor.skip(4)
        } else {
            let id: UUID = try cursor.next()
            let pendingVersion: Int = try cursor.next()
            guard let consent = AmendmentConsent(rawValue: try cursor.next()) else {
                throw StoredDataError(column: "consent_amendments.consent")
            }
            guard let effectiveFrom = LocalDate(iso: try cursor.next()) else {
                throw StoredDataError(column: "consent_amendments.effective_from")
            }
            pending = PendingAmendment(id: id, version: pendingVersion, consent: consent, effectiveFrom: effectiveFrom)
        }
        return ConsentTermsState(version: version, amendedTerms: amended, pending: pending)
    }

    static let load = PGStatement(
        """
        SELECT \(columns)
        FROM (SELECT $1::text AS merchant_id, $2::uuid AS id) c
        \(joins(consent: "c", day: "$3::date"))
        """)

    static let loadAtInstant = PGStatement(
        """
        SELECT \(columns)
        FROM (SELECT $1::text AS merchant_id, $2::uuid AS id) c
        \(joins(consent: "c", day: "($3::timestamptz AT TIME ZONE (SELECT timezone FROM merchants WHERE merchant_id = $1))::date"))
        """)

    /// The state of `consent` at `now`, on its merchant's local date then.
    static func load(of consent: ConsentRecord, at now: Instant, on connection: PGConnection) throws
        -> ConsentTermsState
    {
        let result = try connection.query(loadAtInstant, [consent.merchantId, consent.id, now.rfc3339])
        var cursor = RowCursor(result[0])
        return try decode(&cursor)
    }

    /// The state of one consent on `day`, the merchant's local date.
    static func load(merchantId: String, consentId: UUID, day: LocalDate, on connection: PGConnection) throws
        -> ConsentTermsState
    {
        let result = try connection.query(load, [merchantId, consentId, day.iso])
        var cursor = RowCursor(result[0])
        return try decode(&cursor)
    }
}
