import Foundation
import TestSupport
import Testing

@testable import ConsentService

/// The service says once, when it opens its database, that a weak TLS mode towards a remote server was chosen.
@Suite struct DatabaseTLSWarningTests {
    static let password = "pw-" + UUID().uuidString

    /// A weak mode the operator chose for a server elsewhere is used as given, and said once at start.
    @Test func aWeakModeToARemoteServerIsWarnedOfWhenTheDatabaseIsOpened() async throws {
        let base = "postgresql://consents:\(Self.password)@"
        for (url, warned) in [
            (base + "db.consents.invalid/consents?sslmode=require", true),
            ("host=db.consents.invalid dbname=consents password=\(Self.password) sslmode=disable", true),
            (base + "db.consents.invalid/consents?sslmode=verify-full", false),
            (base + "db.consents.invalid/consents", false),
            (base + "127.0.0.1/consents?sslmode=disable", false),
        ] {
            let logs = LogCapture()
            var configuration = AppConfiguration()
            configuration.databaseURL = url
            let session = try DatabaseSession.open(configuration, logger: logs.logger())
            await session.close()
            let warnings = logs.records.filter { $0.level == .warning }.map(\.text)
            #expect(warnings.count == (warned ? 1 : 0), "\(warnings)")
            #expect(warnings.allSatisfy { $0.contains("pg.sslmode=") && !$0.contains(Self.password) }, "\(warnings)")
        }
    }
}
