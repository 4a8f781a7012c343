import Foundation
import Logging
import PGClient

/// The private PostgreSQL cluster used when no DATABASE_URL is given: created under the data folder on first
/// use, listening only on a Unix socket inside that folder. If a server is already running there (another
/// command of this service started it), it is used and left running. The cluster's `postgres` superuser owns
/// the schema and migrates it; the service itself connects as `consent_service`, a role this creates, which the
/// migrations grant only what serving needs.
final class EmbeddedPostgres: Sendable {
    /// The owner's connection, for migrations.
    let conninfo: String
    /// The serving role's connection.
    let servingConninfo: String
    private let serverPID: pid_t?
    private let logger: Logger

    static let servingRole = "consent_service"

    private init(conninfo: String, serverPID: pid_t?, logger: Logger) {
        self.conninfo = conninfo
        self.servingConninfo = conninfo.replacingOccurrences(of: "user=postgres", with: "user=\(Self.servingRole)")
        self.serverPID = serverPID
        self.logger = logger
    }

    deinit { stop() }

    static func start(dataDirectory: String, logger: Logger) throws -> EmbeddedPostgres {
        let root = URL(fileURLWithPath: dataDirectory).standardizedFileURL.path
        let cluster = root + "/pg"
        let sockets = root + "/run"
        let binaries = try PostgresBinaries.locate()
        let owner = try ClusterOwner.current()
        try owner.prepare(directories: [root, sockets])
        let conninfo = "host=\(sockets) port=5432 dbname=postgres user=postgres connect_timeout=5"

        if !FileManager.default.fileExists(atPath: cluster + "/PG_VERSION") {
            logger.info("creating the embedded PostgreSQL cluster", metadata: ["path": "\(cluster)"])
            try owner.run(binaries.initdb, [
                "-D", cluster, "-U", "postgres", "-A", "trust", "--encoding=UTF8", "--locale=C",
            ], log: root + "/initdb.log")
        }
        if let running = runningServer(cluster: cluster) {
            logger.info("using the embedded PostgreSQL server already running", metadata: ["pid": "\(running)"])
            let server = EmbeddedPostgres(conninfo: conninfo, serverPID: nil, logger: logger)
            try server.createServingRole()
            return server
        }
        let pid = try owner.spawn(binaries.postgres, [
            "-D", cluster, "-k", sockets, "-c", "listen_addresses=", "-c", "unix_socket_permissions=0700",
        ], log: root + "/postgres.log")
        let server = EmbeddedPostgres(conninfo: conninfo, serverPID: pid, logger: logger)
        try server.waitUntilAccepting(logPath: root + "/postgres.log")
        logger.info("embedded PostgreSQL started", metadata: ["pid": "\(pid)"])
        try server.createServingRole()
        return server
    }

    /// Fast shutdown of a server this process started: sessions end, committed data is already on disk.
    func stop() {
        guard let serverPID else { return }
        guard kill(serverPID, SIGINT) == 0 else { return }
        var status: Int32 = 0
        while waitpid(serverPID, &status, 0) == -1 && errno == EINTR {}
        // Foundation may have reaped the child already; then wait until the PID is gone.
        for _ in 0..<600 where kill(serverPID, 0) == 0 { usleep(50_000) }
    }

    private func createServingRole() throws {
        try SchemaRoles.createLoginRole(named: Self.servingRole, on: PGConnection.connect(conninfo, logger: logger))
    }

    private func waitUntilAccepting(logPath: String) throws {
        let deadline = Date().addingTimeInterval(60)
        // Refused attempts are expected while the server starts; they are not worth a warning each.
        var quiet = logger
        quiet.logLevel = .critical
        while Date() < deadline {
            if (try? PGConnection.connect(conninfo, logger: quiet)) != nil { return }
            if let serverPID, kill(serverPID, 0) != 0 {
                throw ResourceError(message: "the embedded PostgreSQL server exited; see \(logPath)")
            }
            usleep(100_000)
        }
        throw ResourceError(message: "the embedded PostgreSQL server did not start within 60 s; see \(logPath)")
    }

    private static func runningServer(cluster: String) -> pid_t? {
        guard let text = try? String(contentsOfFile: cluster + "/postmaster.pid", encoding: .utf8),
            let first = text.split(separator: "\n").first, let pid = pid_t(first), kill(pid, 0) == 0
        else { return nil }
        return pid
    }
}

/// The server binaries of the newest PostgreSQL installed from Debian's packages, or from PATH.
struct PostgresBinaries {
    let initdb: String
    let postgres: String

    static func locate() throws -> PostgresBinaries {
        let base = "/usr/lib/postgresql"
        let versions = ((try? FileManager.default.contentsOfDirectory(atPath: base)) ?? [])
            .compactMap(Int.init).sorted(by: >)
        for version in versions {
            let bin = "\(base)/\(version)/bin"
            if FileManager.default.isExecutableFile(atPath: bin + "/postgres") {
                return PostgresBinaries(initdb: bin + "/initdb", postgres: bin + "/postgres")
            }
        }
        for directory in (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":") {
            let bin = String(directory)
            if FileManager.default.isExecutableFile(atPath: bin + "/postgres"),
                FileManager.default.isExecutableFile(atPath: bin + "/initdb")
            {
                return PostgresBinaries(initdb: bin + "/initdb", postgres: bin + "/postgres")
            }
        }
        throw ResourceError(
            message: "PostgreSQL server binaries not found: install the postgresql package or set DATABASE_URL")
    }
}

/// Who runs the cluster: the current user, or, when that is root (which initdb refuses), the `postgres`
/// system user, through setpriv so that the server's PID is the one we spawn.
struct ClusterOwner {
    let user: (uid: uid_t, gid: gid_t)?

    static func current() throws -> ClusterOwner {
        guard getuid() == 0 else { return ClusterOwner(user: nil) }
        guard let entry = getpwnam("postgres") else {
            throw ResourceError(message: "running as root needs the postgres system user (install postgresql)")
        }
        return ClusterOwner(user: (entry.pointee.pw_uid, entry.pointee.pw_gid))
    }

    func prepare(directories: [String]) throws {
        for directory in directories {
            try FileManager.default.createDirectory(
                atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            if let user, chown(directory, user.uid, user.gid) != 0 {
                throw ResourceError(message: "cannot hand \(directory) to the postgres user")
            }
        }
    }

    func run(_ executable: String, _ arguments: [String], log: String) throws {
        let process = try launch(executable, arguments, log: log)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw ResourceError(message: "\(executable) failed; see \(log)")
        }
    }

    func spawn(_ executable: String, _ arguments: [String], log: String) throws -> pid_t {
        try launch(executable, arguments, log: log).processIdentifier
    }

    private func launch(_ executable: String, _ arguments: [String], log: String) throws -> Process {
        _ = FileManager.default.createFile(atPath: log, contents: nil)
        if let user { _ = chown(log, user.uid, user.gid) }
        let output = try FileHandle(forWritingTo: URL(fileURLWithPath: log))
        output.seekToEndOfFile()
        let process = Process()
        if let user {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/setpriv")
            process.arguments = [
                "--reuid=\(user.uid)", "--regid=\(user.gid)", "--init-groups", "--", executable,
            ] + arguments
        } else {
            process.executableURL = URL(fileURLWithPath: executable)
            process.arguments = arguments
        }
        process.standardOutput = output
        process.standardError = output
        process.standardInput = FileHandle.nullDevice
        // The postgres user may not be allowed into the caller's working directory.
        process.currentDirectoryURL = URL(fileURLWithPath: log).deletingLastPathComponent()
        try process.run()
        return process
    }
}
