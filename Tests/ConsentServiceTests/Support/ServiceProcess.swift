import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// The service's own executable run as a child process (as an operator would run it), stopped by its PID.
final class ServiceProcess: @unchecked Sendable {
    /// `scripts/test` names the binary it built; otherwise the default debug build in the checkout.
    static var binary: String {
        ProcessInfo.processInfo.environment["CONSENT_SERVICE_BINARY"]
            ?? TestEnvironment.packageRoot + "/.build/debug/consent-service"
    }

    let process: Process
    let log: URL

    init(_ arguments: [String], environment: [String: String], log: URL) throws {
        process = Process()
        process.executableURL = URL(fileURLWithPath: Self.binary)
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: TestEnvironment.packageRoot)
        var merged = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("SMTP_") && $0.key != "DATABASE_URL" }
        merged["PERSONAL_DATA_KEYS"] = TestEnvironment.personalDataKeys
        merged.merge(environment) { $1 }
        process.environment = merged
        guard FileManager.default.createFile(atPath: log.path, contents: nil) else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: log.path])
        }
        let handle = try FileHandle(forWritingTo: log)
        process.standardOutput = handle
        process.standardError = handle
        process.standardInput = FileHandle.nullDevice
        self.log = log
        try process.run()
    }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }

    var isRunning: Bool { process.isRunning }

    /// Sends `signal` and waits (off the cooperative threads) for the process to end.
    func stop(signal: Int32 = SIGTERM) async {
        let process = self.process
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            DispatchQueue.global().async {
                if process.isRunning { kill(process.processIdentifier, signal) }
                let deadline = Date().addingTimeInterval(10)
                while process.isRunning, Date() < deadline { usleep(10_000) }
                if process.isRunning { kill(process.processIdentifier, SIGKILL) }
                process.waitUntilExit()
                continuation.resume()
            }
        }
    }

    var output: String { (try? String(contentsOf: log, encoding: .utf8)) ?? "" }

    /// Runs an operator command to its end (killed after `timeout` seconds) and returns its exit status and output.
    static func run(_ arguments: [String], environment: [String: String], timeout: Double = 60) async throws
        -> (status: Int32, output: String)
    {
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("command-\(UUID().uuidString).log")
        defer { try? FileManager.default.removeItem(at: log) }
        let command = try ServiceProcess(arguments, environment: environment, log: log)
        let process = command.process
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            DispatchQueue.global().async {
                let deadline = Date().addingTimeInterval(timeout)
                while process.isRunning, Date() < deadline { usleep(10_000) }
                if process.isRunning { kill(process.processIdentifier, SIGKILL) }
                process.waitUntilExit()
                continuation.resume()
            }
        }
        return (process.terminationStatus, command.output)
    }
}
