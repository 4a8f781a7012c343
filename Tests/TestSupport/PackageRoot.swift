import Foundation

/// The package's folder, found from this file's place in it: Tests/TestSupport/PackageRoot.swift.
public enum PackageRoot {
    public static let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path
}
