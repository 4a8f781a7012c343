import Hummingbird
import PGClient
import Prometheus

/// `/healthz` (the process answers), `/readyz` (the database answers and is migrated), `/metrics`.
struct HealthController: Sendable {
    let pool: PGPool
    let migrator: PGMigrator
    let registry: PrometheusCollectorRegistry

    func addRoutes(to router: Router<AppRequestContext>) {
        router.get("healthz") { _, _ in Response.json(.object(["status": .string("ok")])) }
        router.get("readyz", use: ready)
        router.get("metrics", use: metrics)
    }

    @Sendable func ready(_ request: Request, context: AppRequestContext) async throws -> Response {
        do {
            guard try await migrator.isUpToDate(pool) else {
                return .json(.object(["status": .string("migrations_pending")]), status: .serviceUnavailable)
            }
            return .json(.object(["status": .string("ready")]))
        } catch {
            return .json(.object(["status": .string("database_unavailable")]), status: .serviceUnavailable)
        }
    }

    @Sendable func metrics(_ request: Request, context: AppRequestContext) async throws -> Response {
        var buffer: [UInt8] = []
        registry.emit(into: &buffer)
        return Response(
            status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: buffer)))
    }
}
