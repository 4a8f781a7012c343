import ConsentRules
import Hummingbird
import Logging
import PGClient

/// `GET /v1/exports/consents` (CONTRACT.md, "Records for auditors") and `GET /v1/merchant-events`, the merchant's
/// own history in which every export is recorded. Auditor and admin keys.
struct ExportController {
    let store: ConsentExportStore
    let slots: ExportSlots
    /// An export whose client takes no chunk for this long is ended (HTTP_IDLE_TIMEOUT_SECONDS).
    let stallTimeout: Duration

    /// Chunks of formatted consents allowed to wait for a slow client.
    static let chunksAhead = 4
    /// What a refused export is told to wait: exports take seconds to minutes.
    static let retryAfterSeconds = 30

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("exports/consents", use: exportConsents)
        group.get("merchant-events", use: merchantEvents)
    }

    @Sendable func exportConsents(_ request: Request, context: AppRequestContext) async throws -> Response {
        let keyHash = try Authenticator.keyHash(of: request)
        let parameters = request.uri.queryParameters
        let exportRequest = try ConsentExportRequest.parse(
            from: parameters.get("from"), to: parameters.get("to"), format: parameters.get("format"))
        let slots = self.slots
        let (export, reservation) = try await store.begin(exportRequest, keyHash: keyHash) { merchantId in
            guard let reservation = slots.reserve(merchantId: merchantId) else {
                throw APIError.tooManyExports(retryAfterSeconds: Self.retryAfterSeconds)
            }
            return reservation
        }
        let lag: ReplayLag
        do {
            lag = try await store.lag()
        } catch {
            reservation.release()
            try? await store.end(export, rows: 0, bytes: 0, failure: "\(error)")
            throw error
        }
        let store = self.store
        let logger = context.logger
        let stallTimeout = self.stallTimeout
        var response = Response(
            status: .ok,
            headers: [
                .contentType: exportRequest.format.contentType,
                .contentDisposition: "attachment; filename=\"\(export.fileName)\"",
                .cacheControl: "no-store",
            ],
            body: ResponseBody { writer in
                try await Self.stream(
                    export, reservation: reservation, store: store, stallTimeout: stallTimeout, to: &writer,
                    logger: logger)
            })
        lag.mark(&response)
        return response
    }

    /// Writes the export as the producer makes it. If either side fails the response is cut off without its
    /// final chunk, so the client sees an incomplete transfer rather than a short file that looks whole. The
    /// export's slot, connection and snapshot are given back as soon as the producer ends; a client that stalled
    /// is recorded at once, since its connection may stay blocked until it goes away.
    static func stream(
        _ export: ConsentExportStore.Export, reservation: ExportSlots.Reservation, store: ConsentExportStore,
        stallTimeout: Duration, to writer: inout any ResponseBodyWriter, logger: Logger
    ) async throws {
        let handoff = ChunkHandoff(capacity: chunksAhead, stallTimeout: stallTimeout)
        async let produced: (rows: Int, bytes: Int) = {
            defer {
                handoff.finish()
                reservation.release()
            }
            do {
                return try await store.produce(export, into: handoff)
            } catch let stalled as ChunkHandoff.ClientStalled {
                let taken = handoff.taken
                logger.warning(
                    "consent export ended: its client stopped reading",
                    metadata: ["export.id": "\(export.id.lowercasedString)", "merchant": "\(export.merchantId)"])
                try? await store.end(export, rows: taken.rows, bytes: taken.bytes, failure: "\(stalled)")
                throw stalled
            }
        }()
        var failure: (any Error)?
        // What the client was given, which is what the record of a failed export must say.
        var written: (rows: Int, bytes: Int) = (0, 0)
        do {
            for await chunk in handoff.chunks {
                try await writer.write(chunk.bytes)
                written = (chunk.recordsThrough, written.bytes + chunk.bytes.readableBytes)
                handoff.consumed(chunk)
            }
        } catch {
            failure = error
            handoff.stop()
        }
        var outcome = written
        do {
            let all = try await produced
            if failure == nil { outcome = all }
        } catch {
            failure = failure ?? error
        }
        let metadata: Logger.Metadata = [
            "export.id": "\(export.id.lowercasedString)", "merchant": "\(export.merchantId)",
            "export.rows": "\(outcome.rows)",
        ]
        if let stalled = failure as? ChunkHandoff.ClientStalled {
            throw stalled  // recorded when the producer ended
        }
        if let failure {
            logger.warning(
                "consent export stopped before its end", metadata: metadata.merging(["error": "\(failure)"]) { $1 })
            try? await store.end(export, rows: outcome.rows, bytes: outcome.bytes, failure: "\(failure)")
            throw failure
        }
        try await writer.finish(nil)
        logger.info("consent export completed", metadata: metadata)
        try await store.end(export, rows: outcome.rows, bytes: outcome.bytes, failure: nil)
    }

    @Sendable func merchantEvents(_ request: Request, context: AppRequestContext) async throws -> Response {
        let keyHash = try Authenticator.keyHash(of: request)
        let parameters = request.uri.queryParameters
        let page = try MerchantEventPage.parse(after: parameters.get("after"), limit: parameters.get("limit"))
        return .json(try await store.merchantEvents(page, keyHash: keyHash))
    }
}

/// `after` (the `nextAfter` of the previous page) and `limit` (1–1000, default 100) of `GET /v1/merchant-events`.
struct MerchantEventPage: Sendable, Equatable {
    let after: Int64
    let limit: Int

    static func parse(after: String?, limit: String?) throws -> MerchantEventPage {
        var errors: [FieldError] = []
        var cursor: Int64 = 0
        if let after {
            if let number = Int64(after), number >= 0 { cursor = number } else {
                errors.append(FieldError(field: "after", message: "must be the nextAfter of a previous page"))
            }
        }
        let size = PageLimit.parse(limit, into: &errors)
        guard errors.isEmpty else { throw APIError.validation(errors) }
        return MerchantEventPage(after: cursor, limit: size)
    }
}
