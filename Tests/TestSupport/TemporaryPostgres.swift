import Foundation

/// A PostgreSQL server of the test's own (`scripts/pg-temp`, with or without TLS), stopped by its PID
/// (`scripts/pg-temp stop` reads it from the cluster's `postmaster.pid`) however the test ends.
public struct TemporaryPostgres: Sendable {
    static let script = PackageRoot.path + "/scripts/pg-temp"

    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    public let port: Int
    public let directory: String

    public static func with<T>(tlsCertificate: String, key: String, _ body: (TemporaryPostgres) async throws -> T) async throws -> T {
        try await with(startOptions: ["--ssl", tlsCertificate, key], body)
    }

    /// A server that offers no TLS at all.
    public static func withoutTLS<T>(_ body: (TemporaryPostgres) async throws -> T) async throws -> T {
        try await with(startOptions: [], body)
    }

    private static func with<T>(startOptions: [String], _ body: (TemporaryPostgres) async throws -> T) async throws -> T {
        let parent = try TemporaryDirectory.make(prefix: "pg-tls")
        defer { try? FileManager.default.removeItem(at: parent) }
        let directory = parent.appendingPathComponent("cluster").path
        let started = try await ExternalCommand.run(Self.script, ["start", directory] + startOptions)
        let server: TemporaryPostgres
        do {
            guard started.status == 0,
                let url = started.output.split(separator: "\n").last(where: { $0.hasPrefix("postgresql://") }),
                let port = url.split(separator: ":").last?.split(separator: "/").first.flatMap({ Int($0) })
            else { throw Failure(description: "pg-temp did not start: \(started.output)") }
            server = TemporaryPostgres(port: port, directory: directory)
        } catch {
            await stop(directory)
            throw error
        }
        do {
            let result = try await body(server)
            await stop(directory)
            return result
        } catch {
            await stop(directory)
            throw error
        }
    }

    private static func stop(_ directory: String) async {
        _ = try? await ExternalCommand.run(Self.script, ["stop", directory])
    }

    /// The PID the server wrote when it started, to check it is gone afterwards.
    public var pid: Int32? {
        guard let text = try? String(contentsOfFile: directory + "/db/postmaster.pid", encoding: .utf8) else { return nil }
        return text.split(separator: "\n").first.flatMap { Int32($0) }
    }
}
