import Foundation

/// Shell commands the tests run against the servers they use (a restart, a failover). Spawned directly rather
/// than through Foundation's Process, which can miss the exit of a child whose own children (a restarted server,
/// a node of a formation) live on.
enum ShellCommand {
    /// Runs `command` and returns its exit status.
    static func run(_ command: String) -> Int32 {
        var pid: pid_t = 0
        let words: [String] = ["/bin/sh", "-c", command]
        let arguments: [UnsafeMutablePointer<CChar>?] = words.map { strdup($0) } + [nil]
        defer { arguments.forEach { free($0) } }
        guard posix_spawn(&pid, "/bin/sh", nil, nil, arguments, environ) == 0 else { return -1 }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1, errno == EINTR {}
        return status
    }

    /// Runs `command` and returns its exit status and what it printed, trimmed.
    static func output(_ command: String) -> (status: Int32, text: String) {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("shell-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: file) }
        let status = run("\(command) > '\(file.path)'")
        let text = (try? String(contentsOf: file, encoding: .utf8)) ?? ""
        return (status, text.trimmingCharacters(in: .whitespacesAndNewlines))
    }
}
