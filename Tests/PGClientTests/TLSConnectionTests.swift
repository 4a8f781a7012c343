import Foundation
import Logging
@testable import PGClient
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// TLS to PostgreSQL with `sslmode=verify-full`, against a server of the test's own whose certificate (for
/// `localhost`) a test CA signed: trusted, it connects over TLS; a CA that did not sign it, or a host name the
/// certificate does not name, is refused; and no error or log line shows the password.
@Suite struct TLSConnectionTests {
    static let password = "pw-" + UUID().uuidString

    static func conninfo(port: Int, host: String, rootCertificate: String, extra: String = "") -> String {
        "host=\(host) port=\(port) user=postgres dbname=postgres password=\(password) sslmode=verify-full "
            + "sslrootcert=\(rootCertificate) \(extra)"
    }

    /// The error of a first query through a new pool, or nil when it succeeded.
    static func failure(of conninfo: String, logs: LogCapture) async -> PGError? {
        let pool = PGPool(conninfo: conninfo, size: 1, acquireTimeout: .seconds(20), logger: logs.logger())
        var failure: PGError?
        do {
            try await pool.withConnection { _ = try $0.query("SELECT 1", []) }
        } catch let error as PGError {
            failure = error
        } catch {
            Issue.record("not a PGError: \(error)")
        }
        await pool.close()
        return failure
    }

    /// Without an sslmode, a server reached under any name but a loopback one or a socket must prove itself
    /// over TLS: one that offers none is refused, where libpq's own default (`prefer`) would have carried on in
    /// plaintext. libpq connects to `hostaddr` and checks the certificate against `host`, so this server on
    /// loopback is reached under a name that is not.
    @Test func withoutAnSSLModeARemoteHostNameMustUseVerifiedTLS() async throws {
        try await TemporaryPostgres.withoutTLS { server in
            let logs = LogCapture()
            let port = server.port
            let remote = [
                "host=db.consents.invalid hostaddr=127.0.0.1 port=\(port) user=postgres dbname=postgres",
                "postgresql://postgres@db.consents.invalid:\(port)/postgres?hostaddr=127.0.0.1",
                // Loopback first, then the remote name: every host must be local for the default to stay.
                "postgresql://postgres@127.0.0.1:\(port),db.consents.invalid:\(port)/postgres?hostaddr=127.0.0.1,127.0.0.1",
            ]
            for conninfo in remote {
                guard let error = await Self.failure(of: conninfo, logs: logs) else {
                    Issue.record("\(conninfo) opened a plaintext session")
                    continue
                }
                #expect(error.code == .connectionFailed, "\(conninfo): \(error)")
                #expect(error.debugDescription.contains("SSL was required"), "\(conninfo): \(error.debugDescription)")
            }
            let local = [
                "postgresql://postgres@127.0.0.1:\(port)/postgres",
                "postgresql://postgres@localhost:\(port)/postgres",
                "postgresql://postgres@[::1]:\(port)/postgres?hostaddr=127.0.0.1",
                "host=\(server.directory) port=\(port) user=postgres dbname=postgres",
                // The operator's explicit choice stands, even towards a remote name.
                remote[0] + " sslmode=disable",
                remote[1] + "&sslmode=prefer",
            ]
            for conninfo in local {
                let error = await Self.failure(of: conninfo, logs: logs)
                #expect(error == nil, "\(conninfo): \(String(reflecting: error))")
            }
        }
    }

    @Test func verifyFullConnectsOnlyToTheCertifiedHostUnderTheRightCA() async throws {
        let certificates = try await TestCertificates.shared()
        let stoppedPID = try await TemporaryPostgres.with(
            tlsCertificate: certificates.serverCertificate, key: certificates.serverKey
        ) { server -> Int32? in
            // Log lines at every level, to show none of them carries the password.
            let logs = LogCapture()
            let trusted = PGPool(
                conninfo: Self.conninfo(port: server.port, host: "localhost", rootCertificate: certificates.caFile),
                size: 1, acquireTimeout: .seconds(20), logger: logs.logger())
            let (overTLS, verified) = try await trusted.withConnection { connection in
                let row = try connection.query(
                    "SELECT ssl, version FROM pg_stat_ssl WHERE pid = pg_backend_pid()", [])[0]
                return (try row.decode(Bool.self, 0), try row.decode(String.self, 1))
            }
            await trusted.close()
            #expect(overTLS, "the session is encrypted")
            #expect(verified.hasPrefix("TLS"), "\(verified)")

            let refusals = [
                ("a CA that did not sign the certificate",
                 Self.conninfo(port: server.port, host: "localhost", rootCertificate: certificates.unrelatedCAFile),
                 "certificate verify failed"),
                // The address is right, but verify-full checks the certificate against the host name asked for.
                ("a host name the certificate does not name",
                 Self.conninfo(
                    port: server.port, host: "db.consents.invalid", rootCertificate: certificates.caFile,
                    extra: "hostaddr=127.0.0.1"),
                 "does not match host name"),
            ]
            for (name, conninfo, reason) in refusals {
                let error = try #require(await Self.failure(of: conninfo, logs: logs), "\(name) was accepted")
                #expect(error.code == .connectionFailed, "\(name): \(error)")
                #expect(error.debugDescription.contains(reason), "\(name): \(error.debugDescription)")
                for text in [error.description, error.debugDescription, "\(error)", String(reflecting: error)] {
                    #expect(!text.contains(Self.password), "\(name): the error shows the password")
                }
            }
            let lines = logs.records.map(\.text)
            #expect(!lines.isEmpty, "the refusals were logged")
            #expect(!lines.contains { $0.contains(Self.password) }, "a log line shows the password")
            return server.pid
        }
        // The server the test started is gone.
        let pid = try #require(stoppedPID)
        #expect(kill(pid, 0) != 0, "PostgreSQL \(pid) still runs")
    }
}
