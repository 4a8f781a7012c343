import ConsentRules
import Foundation
import Notifier
import PDFLayout
import PGClient

/// A merchant as its printed documents name it.
struct DocumentMerchant: Sendable {
    let name: String
    let language: String
    let timeZone: TimeZone

    static let select = PGStatement("SELECT name, language, timezone FROM merchants WHERE merchant_id = $1")

    static func load(_ merchantId: String, on connection: PGConnection) throws -> DocumentMerchant {
        let result = try connection.query(select, [merchantId])
        guard result.rowCount == 1 else { throw StoredDataError(column: "merchants") }
        var cursor = RowCursor(result[0])
        let name: String = try cursor.next()
        let language: String = try cursor.next()
        guard let zone = TimeZone(identifier: try cursor.next(String.self)) else {
            throw StoredDataError(column: "merchants.timezone")
        }
        return DocumentMerchant(name: name, language: language, timeZone: zone)
    }
}

/// The evidence bundle of one consent with its merchant, read in one snapshot (on a standby when there is one),
/// and the documents made from it. Rendering runs on the blocking threads after the connection is back in the pool.
struct EvidenceDocumentStore: Sendable {
    let pools: ReadPools
    let clock: AppClock
    let keyring: PersonalDataKeyring
    let wording: DocumentWording

    /// The evidence bundle, its canonical bytes (the JSON answer's body) and their SHA-256.
    struct Bundle: Sendable {
        let value: JSONValue
        let bytes: [UInt8]
        /// How far behind the primary the server it was read from was.
        let lag: ReplayLag

        var sha256: String { Digest.sha256Hex(bytes) }
    }

    /// A bundle and its merchant, as a document made from it names them.
    struct Snapshot: Sendable {
        let bundle: Bundle
        let merchant: DocumentMerchant
    }

    /// The bundle alone, for the JSON answer.
    func bundle(consentId: UUID, keyHash: [UInt8]) async throws -> Bundle {
        try await read(consentId: consentId, keyHash: keyHash) { _, _, _ in () }.bundle
    }

    /// The bundle with its merchant, and what `alsoRead` reads beside them in the same transaction (so in the
    /// same snapshot).
    func snapshot<Extra: Sendable>(
        consentId: UUID, keyHash: [UInt8],
        alsoReading alsoRead: @escaping @Sendable (ConsentRecord, Snapshot, PGConnection) throws -> Extra
    ) async throws -> (snapshot: Snapshot, extra: Extra) {
        let (bundle, (merchant, extra)) = try await read(consentId: consentId, keyHash: keyHash) {
            consent, bundle, connection in
            let merchant = try DocumentMerchant.load(consent.merchantId, on: connection)
            return (merchant, try alsoRead(consent, Snapshot(bundle: bundle, merchant: merchant), connection))
        }
        return (Snapshot(bundle: bundle, merchant: merchant), extra)
    }

    private func read<Extra: Sendable>(
        consentId: UUID, keyHash: [UInt8],
        alsoReading alsoRead: @escaping @Sendable (ConsentRecord, Bundle, PGConnection) throws -> Extra
    ) async throws -> (bundle: Bundle, extra: Extra) {
        let now = clock.now()
        let keyring = self.keyring
        let pools = self.pools
        return try await pools.read { pool in
            try await pool.withTransaction { connection in
                try connection.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                let lag = try pools.lag(of: pool, on: connection)
                let consent = try AuditStore.consent(
                    consentId, keyHash: keyHash, permission: .readEvidence, now: now, keyring: keyring, on: connection)
                let value = try EvidenceBundle.build(consent, generatedAt: now, keyring: keyring, on: connection)
                let bundle = Bundle(value: value, bytes: value.serialized(), lag: lag)
                return (bundle, try alsoRead(consent, bundle, connection))
            }
        }
    }

    func document(of snapshot: Snapshot) -> EvidenceDocument {
        EvidenceDocument(
            bundle: snapshot.bundle.value, bundleSha256: snapshot.bundle.sha256, merchantName: snapshot.merchant.name,
            words: wording.language(snapshot.merchant.language), timeZone: snapshot.merchant.timeZone)
    }

    /// The evidence record as a PDF, with the bundle it was made from.
    func evidencePDF(consentId: UUID, keyHash: [UInt8]) async throws -> (pdf: RenderedPDF, bundle: Bundle) {
        let snapshot = try await snapshot(consentId: consentId, keyHash: keyHash) { _, _, _ in () }.snapshot
        let document = document(of: snapshot)
        let rendered = try await Self.render(document.printed(), creationDate: document.creationDate)
        return (rendered, snapshot.bundle)
    }

    static func render(_ printed: PrintedDocument, creationDate: String) async throws -> RenderedPDF {
        try await BlockingThreads.shared.run {
            Result { () throws(PDFRenderError) -> RenderedPDF in try PDFRenderer.render(printed, creationDate: creationDate) }
        }.get()
    }
}
