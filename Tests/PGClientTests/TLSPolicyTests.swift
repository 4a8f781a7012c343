import Testing

@testable import PGClient

/// The TLS a session gets: the pure decision from servers and a configured mode, and what libpq's parse of a
/// conninfo (with the environment variables it falls back to) makes of it.
@Suite struct TLSPolicyTests {
    typealias Server = PGTLSPolicy.Server

    static let verified = PGTLSPolicy(addedMode: "verify-full", weakModeToRemoteServer: nil)
    static let unchanged = PGTLSPolicy(addedMode: nil, weakModeToRemoteServer: nil)
    static func warned(_ mode: String) -> PGTLSPolicy { PGTLSPolicy(addedMode: nil, weakModeToRemoteServer: mode) }

    @Test(arguments: [
        [Server(host: "127.0.0.1")], [Server(host: "127.255.0.9")], [Server(host: "::1")], [Server(host: "localhost")],
        [Server(host: "LocalHost")], [Server(host: "/var/run/postgresql")], [Server(host: "@abstract")], [Server(host: "")],
        [Server(host: "", hostaddr: "127.0.0.1")], [Server(host: "localhost", hostaddr: "::1")],
        [Server(host: "127.0.0.1"), Server(host: "/tmp"), Server(host: "localhost")],
    ])
    func onlyLocalServersKeepLibpqsDefault(_ servers: [Server]) {
        #expect(PGTLSPolicy.decide(servers: servers, configuredMode: nil) == Self.unchanged)
    }

    @Test(arguments: [
        [Server(host: "db.example.com")], [Server(host: "10.0.0.5")], [Server(host: "128.0.0.1")],
        [Server(host: "::2")], [Server(host: "::ffff:127.0.0.1")], [Server(host: "localhost.example.com")],
        [Server(host: "db.test", hostaddr: "127.0.0.1")], [Server(host: "localhost", hostaddr: "10.0.0.5")],
        [Server(host: "", hostaddr: "192.0.2.1")], [Server(host: "127.0.0.1"), Server(host: "db.example.com")],
    ])
    func anyServerElsewhereGetsVerifyFull(_ servers: [Server]) {
        #expect(PGTLSPolicy.decide(servers: servers, configuredMode: nil) == Self.verified)
    }

    @Test func serversOnlyAServiceFileNamesCountAsElsewhere() {
        #expect(PGTLSPolicy.decide(servers: nil, configuredMode: nil) == Self.verified)
        #expect(PGTLSPolicy.decide(servers: nil, configuredMode: "require") == Self.warned("require"))
    }

    @Test(arguments: ["disable", "allow", "prefer", "require"])
    func aWeakModeChosenForAServerElsewhereStandsWithAWarning(_ mode: String) {
        #expect(PGTLSPolicy.decide(servers: [Server(host: "db.example.com")], configuredMode: mode) == Self.warned(mode))
        #expect(PGTLSPolicy.decide(servers: [Server(host: "localhost")], configuredMode: mode) == Self.unchanged)
    }

    @Test(arguments: ["verify-ca", "verify-full"])
    func aVerifyingModeStandsWithoutWarning(_ mode: String) {
        #expect(PGTLSPolicy.decide(servers: [Server(host: "db.example.com")], configuredMode: mode) == Self.unchanged)
    }

    @Test func conninfoInEitherFormIsReadByLibpq() {
        let cases: [(String, [String: String], PGTLSPolicy)] = [
            ("postgresql://u:secret@db.example.com/app", [:], Self.verified),
            ("postgresql://u@db.example.com/app?sslmode=require", [:], Self.warned("require")),
            ("postgresql://u@db.example.com/app?sslmode=verify-full&sslrootcert=/ca.pem", [:], Self.unchanged),
            ("postgresql://u@127.0.0.1:5432/app", [:], Self.unchanged),
            ("postgresql://u@[::1]:5432/app", [:], Self.unchanged),
            ("postgresql://u@%2Fvar%2Frun%2Fpostgresql/app", [:], Self.unchanged),
            ("postgresql:///app?host=/tmp", [:], Self.unchanged),
            ("postgresql://u@127.0.0.1:5432,db.example.com:5432/app?target_session_attrs=read-write", [:], Self.verified),
            ("postgresql://u@127.0.0.1,localhost/app", [:], Self.unchanged),
            ("postgresql://u@db.test:5432/app?hostaddr=127.0.0.1", [:], Self.verified),
            ("host=db.test hostaddr=127.0.0.1 dbname=app", [:], Self.verified),
            ("host=localhost dbname=app", [:], Self.unchanged),
            ("host=db.example.com requiressl=1", [:], Self.warned("require")),
            ("host=db.example.com sslmode=disable", [:], Self.warned("disable")),
            ("dbname=app", [:], Self.unchanged),
            ("app", [:], Self.unchanged),
            // Unreadable: libpq refuses it anyway, and nothing is taken for local meanwhile.
            ("host=db.example.com sslmode", [:], Self.verified),
        ]
        for (conninfo, environment, expected) in cases {
            #expect(PGTLSPolicy.forConninfo(conninfo, environment: environment) == expected, "\(conninfo)")
        }
    }

    @Test func theEnvironmentFillsWhatTheConninfoLeavesOut() {
        let cases: [(String, [String: String], PGTLSPolicy)] = [
            ("dbname=app", ["PGHOST": "db.example.com"], Self.verified),
            ("dbname=app", ["PGHOSTADDR": "10.0.0.5"], Self.verified),
            ("host=localhost", ["PGHOSTADDR": "10.0.0.5"], Self.verified),
            ("host=localhost", ["PGHOST": "db.example.com"], Self.unchanged),
            ("host=db.example.com", ["PGSSLMODE": "prefer"], Self.warned("prefer")),
            ("host=db.example.com", ["PGSSLMODE": "verify-ca"], Self.unchanged),
            ("host=db.example.com sslmode=verify-full", ["PGSSLMODE": "disable"], Self.unchanged),
            ("host=db.example.com", ["PGREQUIRESSL": "1"], Self.warned("require")),
            ("host=db.example.com", ["PGREQUIRESSL": "1", "PGSSLMODE": "verify-full"], Self.unchanged),
            ("host=db.example.com", ["PGSSLMODE": ""], Self.verified),
            ("host=localhost", ["PGSERVICE": "billing"], Self.verified),
            ("service=billing", [:], Self.verified),
            ("service=billing sslmode=verify-full", [:], Self.unchanged),
        ]
        for (conninfo, environment, expected) in cases {
            #expect(PGTLSPolicy.forConninfo(conninfo, environment: environment) == expected, "\(conninfo) \(environment)")
        }
    }
}
