import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

public struct SMTPTestServerError: Error, CustomStringConvertible {
    public var description: String

    public init(description: String) {
        self.description = description
    }
}

/// A real SMTP server process (`scripts/smtp-test-server`, aiosmtpd) on a loopback port, stopped by its PID.
///
/// Use ``with(_:body:)`` so the process is stopped however the test ends; `deinit` kills a process that is
/// still running as a last resort.
public final class SMTPTestServer: @unchecked Sendable {
    static let script = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()  // TestSupport
        .deletingLastPathComponent()  // Tests
        .deletingLastPathComponent()  // package root
        .appendingPathComponent("scripts/smtp-test-server")

    public struct Options: Sendable {
        public var port = 0
        public var tls = false
        public var requireStartTLS = false
        public var implicitTLS = false
        public var auth: String?
        public var replies: [String] = []
        public var dataDelay: Double?
        /// Every RCPT refused with a 550 that quotes the address, as Postfix does.
        public var rejectsRecipients = false
        /// The server answers no DATA until ``SMTPTestServer/releaseHeldData()``: a message stays under way
        /// for exactly as long as the test needs, whatever the machine's load.
        public var holdsData = false
        /// With ``holdsData``, this many messages are answered at once before the server starts holding.
        public var answeredBeforeHolding = 0

        public init(
            port: Int = 0, tls: Bool = false, requireStartTLS: Bool = false, implicitTLS: Bool = false,
            auth: String? = nil, replies: [String] = [], dataDelay: Double? = nil, holdsData: Bool = false,
            answeredBeforeHolding: Int = 0
        ) {
            self.port = port
            self.tls = tls
            self.requireStartTLS = requireStartTLS
            self.implicitTLS = implicitTLS
            self.auth = auth
            self.replies = replies
            self.dataDelay = dataDelay
            self.holdsData = holdsData
            self.answeredBeforeHolding = answeredBeforeHolding
        }
    }

    public let port: Int
    public let maildir: URL
    private let holdFile: URL?
    private let process: Process
    private let lock = NSLock()
    private var stopped = false

    private init(process: Process, port: Int, maildir: URL, holdFile: URL?) {
        self.process = process
        self.port = port
        self.maildir = maildir
        self.holdFile = holdFile
    }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }

    /// Starts a server, runs `body` with it and stops the server afterwards, also when `body` throws. A mail
    /// folder made here is removed afterwards; one passed in belongs to the caller.
    public static func with<T>(
        _ options: Options = Options(), maildir: URL? = nil, body: (SMTPTestServer) async throws -> T
    ) async throws -> T {
        let server = try await start(options, maildir: maildir)
        defer {
            if maildir == nil { try? FileManager.default.removeItem(at: server.maildir) }
            if let holdFile = server.holdFile {
                try? FileManager.default.removeItem(at: holdFile)
                try? FileManager.default.removeItem(atPath: holdFile.path + ".holding")
            }
        }
        do {
            let result = try await body(server)
            await server.stop()
            return result
        } catch {
            await server.stop()
            throw error
        }
    }

    public static func start(_ options: Options, maildir: URL? = nil) async throws -> SMTPTestServer {
        let madeMaildir = maildir == nil
        let maildir = try maildir ?? TemporaryDirectory.make(prefix: "smtp-mail")
        var arguments = ["--port", String(options.port), "--maildir", maildir.path]
        if options.tls || options.requireStartTLS || options.implicitTLS {
            let certificates = try await TestCertificates.shared()
            arguments += ["--tls-cert", certificates.serverCertificate, "--tls-key", certificates.serverKey]
        }
        if options.requireStartTLS { arguments.append("--require-starttls") }
        if options.implicitTLS { arguments.append("--implicit-tls") }
        if let auth = options.auth { arguments += ["--auth", auth] }
        for reply in options.replies { arguments += ["--reply", reply] }
        if let delay = options.dataDelay { arguments += ["--data-delay", String(delay)] }
        if options.rejectsRecipients { arguments.append("--reject-recipients") }
        // Beside the mail folder, not in it, so that a folder passed in is left as it was.
        let holdFile = options.holdsData ? try TemporaryDirectory.makeFile(prefix: "smtp-hold") : nil
        if let holdFile {
            arguments += ["--hold-while", holdFile.path, "--hold-after", String(options.answeredBeforeHolding)]
        }

        let process = Process()
        process.executableURL = script
        process.arguments = arguments
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        process.standardInput = FileHandle.nullDevice
        try process.run()

        let line = await readLine(from: output.fileHandleForReading.fileDescriptor, timeout: 15)
        guard let line, line.hasPrefix("ready "), let port = Int(line.dropFirst("ready ".count)) else {
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            process.waitUntilExit()
            if madeMaildir { try? FileManager.default.removeItem(at: maildir) }
            if let holdFile { try? FileManager.default.removeItem(at: holdFile) }
            let stderr = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            throw SMTPTestServerError(
                description: """
                    smtp-test-server did not become ready (exit status \(process.terminationStatus)). \
                    Is aiosmtpd installed (pip install aiosmtpd)? stderr: \(stderr)
                    """)
        }
        // Nothing reads the server's output from here on; it writes none unless something goes wrong, and a
        // full pipe must not block it, so let both drain into the void.
        output.fileHandleForReading.readabilityHandler = { handle in _ = handle.availableData }
        errors.fileHandleForReading.readabilityHandler = { handle in _ = handle.availableData }
        return SMTPTestServer(process: process, port: port, maildir: maildir, holdFile: holdFile)
    }

    /// True once a server started with ``Options/holdsData`` holds a message's DATA: the message was handed over.
    public var isHoldingData: Bool {
        guard let holdFile else { return false }
        return FileManager.default.fileExists(atPath: holdFile.path + ".holding")
    }

    /// Lets a server started with ``Options/holdsData`` answer the DATA it holds, and every later one.
    public func releaseHeldData() throws {
        guard let holdFile else { throw SMTPTestServerError(description: "this server was not started holding DATA") }
        try FileManager.default.removeItem(at: holdFile)
    }

    /// Stops the process by its PID (SIGTERM, then SIGKILL after two seconds) and waits for it to end.
    public func stop() async {
        let first: Bool = lock.withLock {
            defer { stopped = true }
            return !stopped
        }
        guard first else { return }
        let process = self.process
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            DispatchQueue.global().async {
                if process.isRunning {
                    kill(process.processIdentifier, SIGTERM)
                    let deadline = Date().addingTimeInterval(2)
                    while process.isRunning, Date() < deadline { usleep(10_000) }
                    if process.isRunning { kill(process.processIdentifier, SIGKILL) }
                }
                process.waitUntilExit()
                continuation.resume()
            }
        }
        for handle in [process.standardOutput, process.standardError] {
            (handle as? Pipe)?.fileHandleForReading.readabilityHandler = nil
        }
    }

    /// The stored messages, by file name (`<queue id>.eml`).
    public func storedMessages() throws -> [String: [UInt8]] {
        var messages: [String: [UInt8]] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: maildir.path) where name.hasSuffix(".eml") {
            let data = try Data(contentsOf: maildir.appendingPathComponent(name))
            messages[name] = Array(data)
        }
        return messages
    }

    /// The Message-ID of each stored message, without angle brackets, once per stored copy.
    public func storedMessageIds() throws -> [String] {
        try storedMessages().values.compactMap { bytes in
            String(decoding: bytes, as: UTF8.self).split(separator: "\r\n").first { $0.hasPrefix("Message-ID: <") }
                .map { String($0.dropFirst("Message-ID: <".count).dropLast()) }
        }
    }

    /// Reads one line from `descriptor` off the Swift concurrency threads, or nil on timeout or end of file.
    private static func readLine(from descriptor: Int32, timeout: Double) async -> String? {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                var bytes: [UInt8] = []
                let deadline = Date().addingTimeInterval(timeout)
                while true {
                    let remaining = deadline.timeIntervalSinceNow
                    guard remaining > 0 else { return continuation.resume(returning: nil) }
                    var descriptors = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
                    let ready = poll(&descriptors, 1, Int32(remaining * 1000))
                    if ready < 0, errno == EINTR { continue }
                    guard ready > 0 else { return continuation.resume(returning: nil) }
                    var byte: UInt8 = 0
                    let count = read(descriptor, &byte, 1)
                    if count < 0, errno == EINTR { continue }
                    guard count == 1 else { return continuation.resume(returning: nil) }
                    if byte == UInt8(ascii: "\n") {
                        return continuation.resume(returning: String(decoding: bytes, as: UTF8.self))
                    }
                    bytes.append(byte)
                }
            }
        }
    }
}

public enum TemporaryDirectory {
    public static func make(prefix: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("\(prefix)-\(getpid())-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// An empty file of a new name in the temporary directory.
    public static func makeFile(prefix: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("\(prefix)-\(getpid())-\(UUID().uuidString.prefix(8))")
        guard FileManager.default.createFile(atPath: url.path, contents: nil) else {
            throw SMTPTestServerError(description: "could not create \(url.path)")
        }
        return url
    }
}

/// A loopback port with nothing listening on it: bound to port 0, read, closed.
public func unusedLoopbackPort() throws -> Int {
    let (socket, port) = try loopbackSocket()
    close(socket)
    return port
}

/// A TCP socket bound to a free loopback port (port 0, then read back), not yet listening. The caller owns the
/// descriptor and closes it.
public func loopbackSocket() throws -> (descriptor: Int32, port: Int) {
    #if canImport(Glibc)
        let stream = Int32(SOCK_STREAM.rawValue)
    #else
        let stream = SOCK_STREAM
    #endif
    let socket = socket(AF_INET, stream, 0)
    guard socket >= 0 else { throw SMTPTestServerError(description: "socket() failed") }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = 0
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    let bound = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let named = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(socket, $0, &length) }
    }
    guard bound == 0, named == 0 else {
        close(socket)
        throw SMTPTestServerError(description: bound == 0 ? "getsockname() failed" : "bind() failed")
    }
    return (socket, Int(UInt16(bigEndian: address.sin_port)))
}
