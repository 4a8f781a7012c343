import Foundation

/// Runs a program found on PATH to its end and returns its exit status and its output (stdout, then stderr).
enum ExternalCommand {
    static func run(_ name: String, _ arguments: [String], input: [UInt8]? = nil) async throws
        -> (status: Int32, output: String)
    {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [name] + arguments
        let output = Pipe()
        let errors = Pipe()
        let stdin = Pipe()
        process.standardOutput = output
        process.standardError = errors
        process.standardInput = stdin
        try process.run()
        // Read both pipes while the program runs, so a large output cannot fill a pipe and stall it.
        async let out = Task.detached { output.fileHandleForReading.readDataToEndOfFile() }.value
        async let err = Task.detached { errors.fileHandleForReading.readDataToEndOfFile() }.value
        if let input { try stdin.fileHandleForWriting.write(contentsOf: input) }
        try stdin.fileHandleForWriting.close()
        let (stdout, stderr) = await (out, err)
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: stdout + stderr, as: UTF8.self))
    }
}
