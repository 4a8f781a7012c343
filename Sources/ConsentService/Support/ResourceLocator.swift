import Foundation

/// Finds the project's data folders (`migrations/`, `calendars/`): an explicit setting, else the working
/// directory, else the folders above the executable (a build inside the checkout).
enum ResourceLocator {
    static func directory(named name: String, override: String?) throws -> String {
        if let override { return override }
        var candidates = [FileManager.default.currentDirectoryPath + "/" + name]
        var folder = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<6 {
            candidates.append(folder.appendingPathComponent(name).path)
            folder = folder.deletingLastPathComponent()
        }
        var isDirectory: ObjCBool = false
        if let found = candidates.first(where: {
            FileManager.default.fileExists(atPath: $0, isDirectory: &isDirectory) && isDirectory.boolValue
        }) {
            return found
        }
        throw ResourceError(message: "cannot find the \(name)/ folder; run from the project folder or set \(name.uppercased())_DIR")
    }
}
