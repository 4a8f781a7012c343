import ConsentRules
import Foundation
import NIOCore
import PGClient
import Synchronization

/// Streams a merchant's consents out of PostgreSQL: a cursor read in batches inside one read-only snapshot, each
/// batch formatted and handed on in chunks, so memory stays the same whatever the number of consents. Every
/// export is recorded on the merchant's history when it starts, and again when it ends, complete or not.
struct ConsentExportStore: Sendable {
    /// The primary: every export is recorded there.
    let pool: PGPool
    /// Where the consents are read: READ_DATABASE_URL's sessions (a standby, when one is up) or the primary.
    let reads: ReadPools
    let clock: AppClock
    let keyring: PersonalDataKeyring

    static let fetchSize = 500
    static let chunkBytes = 64 * 1024

    /// An export that has been allowed and recorded, ready to stream.
    struct Export: Sendable {
        let id: UUID
        let merchantId: String
        let timeZone: String
        let actor: String
        let request: ConsentExportRequest
        /// Statuses in the export are as of this moment (a pending consent past its window shows as expired).
        let startedAt: Instant

        var fileName: String {
            "consents-\(merchantId)-\(request.from.iso)-\(request.to.iso).\(request.format.rawValue)"
        }
    }

    /// Checks the key may export and takes a slot for it from `reserve` (which throws when none is free), then
    /// records `export.started`; nothing is streamed unless that record is stored.
    func begin(
        _ request: ConsentExportRequest, keyHash: [UInt8],
        reserve: @escaping @Sendable (_ merchantId: String) throws -> ExportSlots.Reservation
    ) async throws -> (Export, ExportSlots.Reservation) {
        let now = clock.now()
        return try await pool.withConnection { connection in
            let principal = try Authenticator.principal(keyHash: keyHash, on: connection, permission: .export)
            let reservation = try reserve(principal.merchant.merchantId)
            let export = Export(
                id: UUID.v7(at: now), merchantId: principal.merchant.merchantId,
                timeZone: principal.merchant.timeZone.identifier, actor: principal.actor, request: request,
                startedAt: now)
            try MerchantEventLog.record(
                merchantId: export.merchantId, type: "export.started", at: now, actor: export.actor,
                data: [
                    "exportId": .string(export.id.lowercasedString), "from": .string(request.from.iso),
                    "to": .string(request.to.iso), "timeZone": .string(export.timeZone),
                    "format": .string(request.format.rawValue),
                ],
                on: connection)
            return (export, reservation)
        }
    }

    /// How far behind the primary the server the export reads from is, as the export starts.
    func lag() async throws -> ReplayLag {
        try await reads.lagOfLongReads()
    }

    /// Records how the export ended: `export.completed` with its row count, or `export.failed` with the rows
    /// written before it stopped and why.
    func end(_ export: Export, rows: Int, bytes: Int, failure: String?) async throws {
        let now = clock.now()
        var data: [String: JSONValue] = [
            "exportId": .string(export.id.lowercasedString), "rows": .integer(rows), "bytes": .integer(bytes),
        ]
        if let failure { data["error"] = .string(failure) }
        let payload = JSONValue.object(data)
        try await pool.withConnection { connection in
            try MerchantEventLog.record(
                merchantId: export.merchantId, type: failure == nil ? "export.completed" : "export.failed", at: now,
                actor: export.actor, data: payload, on: connection)
        }
    }

    static let declare = """
        DECLARE consent_export NO SCROLL CURSOR FOR
        SELECT \(ConsentRow.selectList(alias: "c")), \(ConsentTermsVersions.columns) FROM consents c
        \(ConsentTermsVersions.joins(consent: "c", day: "$5::date"))
        WHERE c.merchant_id = $1
          AND c.created_at >= $2::date::timestamp AT TIME ZONE $4
          AND c.created_at < ($3::date + 1)::timestamp AT TIME ZONE $4
        ORDER BY c.id
        """
    static let fetch = "FETCH FORWARD \(fetchSize) FROM consent_export"

    /// Formats the export into `handoff` from a pool thread, blocking while the client is behind. Returns the
    /// number of consents written; throws when the database fails or the consumer stopped.
    func produce(_ export: Export, into handoff: ChunkHandoff) async throws -> (rows: Int, bytes: Int) {
        let keyring = self.keyring
        return try await reads.longReads.withConnection { connection in
            try connection.transaction { connection in
                try connection.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                _ = try connection.query(
                    Self.declare,
                    [
                        export.merchantId, export.request.from.iso, export.request.to.iso, export.timeZone,
                        export.startedAt.localDate(in: TimeZone(identifier: export.timeZone) ?? .gmt).iso,
                    ])
                var chunk = export.request.format.preamble
                chunk.reserveCapacity(Self.chunkBytes + 16 * 1024)
                var rows = 0
                var bytes = 0
                func flush() throws {
                    guard !chunk.isEmpty else { return }
                    bytes += chunk.count
                    try handoff.send(.init(bytes: ByteBuffer(bytes: chunk), recordsThrough: rows))
                    chunk.removeAll(keepingCapacity: true)
                }
                var batch = try connection.query(Self.fetch, [])
                while true {
                    // This batch is formatted on other threads while this one fetches the next: the database and
                    // the formatting work at the same time instead of taking turns.
                    let current = batch
                    let formatting = BackgroundWork {
                        try Self.format(current, as: export.request.format, now: export.startedAt, keyring: keyring)
                    }
                    let next: PGResult?
                    do {
                        next = current.rowCount < Self.fetchSize ? nil : try connection.query(Self.fetch, [])
                    } catch {
                        _ = try? formatting.result()
                        throw error
                    }
                    // A part can be megabytes (long disclosure texts): it goes out in chunks of the usual size,
                    // so that a client that stops reading stops the producer after a few chunks, not parts.
                    for part in try formatting.result() {
                        var start = 0
                        while start < part.bytes.count {
                            let end = min(part.bytes.count, start + Self.chunkBytes - min(chunk.count, Self.chunkBytes - 1))
                            chunk.append(contentsOf: part.bytes[start..<end])
                            start = end
                            if start == part.bytes.count { rows += part.rows }
                            if chunk.count >= Self.chunkBytes { try flush() }
                        }
                    }
                    guard let next else { break }
                    batch = next
                }
                try flush()
                return (rows, bytes)
            }
        }
    }
}

extension ConsentExportStore {
    /// As many parts as there are cores, each decoding (opening the personal data) and formatting its own
    /// contiguous share of the batch's rows at the same time: that work is most of an export's time, and the
    /// database idles meanwhile. The parts come back in row order.
    static func format(
        _ batch: PGResult, as format: ConsentExportFormat, now: Instant, keyring: PersonalDataKeyring
    ) throws -> [(bytes: [UInt8], rows: Int)] {
        let rowCount = batch.rowCount
        let partCount = max(1, min(ProcessInfo.processInfo.activeProcessorCount, 8, rowCount))
        let parts = Mutex([Result<(bytes: [UInt8], rows: Int), any Error>](
            repeating: .success(([], 0)), count: partCount))
        DispatchQueue.concurrentPerform(iterations: partCount) { part in
            let rows = (rowCount * part / partCount)..<(rowCount * (part + 1) / partCount)
            let formatted = Result<(bytes: [UInt8], rows: Int), any Error> {
                var bytes: [UInt8] = []
                bytes.reserveCapacity(rows.count * 1_200)
                for index in rows {
                    var cursor = RowCursor(batch[index])
                    let consent = try ConsentRow.decode(&cursor, keyring: keyring)
                    format.append(consent, terms: try ConsentTermsVersions.decode(&cursor), now: now, to: &bytes)
                }
                return (bytes, rows.count)
            }
            parts.withLock { $0[part] = formatted }
        }
        return try parts.withLock { $0 }.map { try $0.get() }
    }

    /// A page of the caller's merchant's events, oldest first.
    func merchantEvents(_ page: MerchantEventPage, keyHash: [UInt8]) async throws -> JSONValue {
        try await pool.withConnection { connection in
            let principal = try Authenticator.principal(keyHash: keyHash, on: connection, permission: .readEvents)
            let events = try MerchantEventLog.list(
                merchantId: principal.merchant.merchantId, after: page.after, limit: page.limit, on: connection)
            var answer: [String: JSONValue] = ["events": .array(events)]
            if events.count == page.limit { answer["nextAfter"] = events.last?["seq"] }
            return .object(answer)
        }
    }
}
