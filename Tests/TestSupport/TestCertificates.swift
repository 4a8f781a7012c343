import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A throwaway CA and a server certificate for 127.0.0.1 and localhost, made with `openssl` into a temporary
/// directory once per test process and removed when the process exits, with a second CA that signed nothing.
/// No key is ever committed.
public struct TestCertificates: Sendable {
    public let directory: String
    /// The test CA, for `SMTPConfiguration.caFile`.
    public let caFile: String
    public let serverCertificate: String
    public let serverKey: String
    /// Another CA, which signed nothing here: a client trusting only it must refuse the server.
    public let unrelatedCAFile: String

    private static let lock = NSLock()
    nonisolated(unsafe) private static var cached: TestCertificates?

    /// Made on first use, off the Swift concurrency threads (openssl runs as a child process).
    public static func shared() async throws -> TestCertificates {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(with: Result { try sharedBlocking() })
            }
        }
    }

    private static func sharedBlocking() throws -> TestCertificates {
        try lock.withLock {
            if let cached { return cached }
            let made = try make()
            cached = made
            removeAtExit(made.directory)
            return made
        }
    }

    private static func make() throws -> TestCertificates {
        let directory = try TemporaryDirectory.make(prefix: "smtp-test-ca").path
        func path(_ name: String) -> String { directory + "/" + name }
        try Data(
            """
            basicConstraints = critical, CA:FALSE
            keyUsage = critical, digitalSignature, keyEncipherment
            extendedKeyUsage = serverAuth
            subjectAltName = IP:127.0.0.1, DNS:localhost

            """.utf8
        ).write(to: URL(fileURLWithPath: path("server.ext")))
        let curve = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
        try openssl(
            ["req", "-x509"] + curve + [
                "-keyout", path("ca.key"), "-out", path("ca.pem"), "-days", "2", "-subj", "/CN=Notifier Test CA",
                "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign",
            ])
        try openssl(
            ["req"] + curve + ["-keyout", path("server.key"), "-out", path("server.csr"), "-subj", "/CN=localhost"])
        try openssl([
            "x509", "-req", "-in", path("server.csr"), "-CA", path("ca.pem"), "-CAkey", path("ca.key"),
            "-CAcreateserial", "-out", path("server.pem"), "-days", "2", "-extfile", path("server.ext"),
        ])
        try openssl(
            ["req", "-x509"] + curve + [
                "-keyout", path("unrelated-ca.key"), "-out", path("unrelated-ca.pem"), "-days", "2",
                "-subj", "/CN=Unrelated Test CA",
                "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign",
            ])
        return TestCertificates(
            directory: directory, caFile: path("ca.pem"), serverCertificate: path("server.pem"),
            serverKey: path("server.key"), unrelatedCAFile: path("unrelated-ca.pem"))
    }

    private static func openssl(_ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["openssl"] + arguments
        let errors = Pipe()
        process.standardOutput = FileHandle.nullDevice
        process.standardError = errors
        try process.run()
        let message = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw SMTPTestServerError(
                description: "openssl \(arguments.first ?? "") failed: \(String(decoding: message, as: UTF8.self))")
        }
    }

    nonisolated(unsafe) private static var directoryToRemove: String?

    private static func removeAtExit(_ directory: String) {
        directoryToRemove = directory
        atexit {
            if let directory = TestCertificates.directoryToRemove {
                try? FileManager.default.removeItem(atPath: directory)
            }
        }
    }
}
