import Foundation
import Hummingbird
import Testing

@testable import ConsentService

/// The security suites walk `RouteTable.routes`; these tests make sure that list is the whole API, so a route
/// added to the router or to openapi.yaml without an entry (and so without its role checks) fails here.
@Suite struct RouteTableTests {
    static var tableOperations: [String] { RouteTable.routes.map(\.description).sorted() }

    @Test func theTableNamesEveryRegisteredRouteOnce() async throws {
        let merchant = try await TestMerchant.make()
        let registered = buildRouter(merchant.dependencies).routes.map { "\($0.method) \($0.path)" }.sorted()
        #expect(!registered.isEmpty)
        #expect(Set(Self.tableOperations).count == Self.tableOperations.count, "an operation is listed twice")
        #expect(Self.tableOperations == registered)
    }

    @Test func theTableNamesEveryOperationOfTheOpenAPIDocument() throws {
        let document = try String(contentsOfFile: TestEnvironment.packageRoot + "/openapi.yaml", encoding: .utf8)
        let documented = Self.operations(ofOpenAPI: document)
        #expect(documented.count >= 20, "the paths section was not read: \(documented)")
        #expect(Self.tableOperations == documented)
    }

    /// The operations openapi.yaml lists under `paths:`, as "METHOD /path", read by indentation: a path is a key
    /// indented two spaces, its operations are keys indented four.
    static func operations(ofOpenAPI document: String) -> [String] {
        let methods: Set<String> = ["get", "put", "post", "delete", "patch", "head", "options", "trace"]
        var operations: [String] = []
        var inPaths = false
        var path: String?
        for line in document.split(separator: "\n", omittingEmptySubsequences: false) {
            if !line.hasPrefix(" "), !line.isEmpty {
                inPaths = line == "paths:"
                path = nil
                continue
            }
            guard inPaths else { continue }
            let text = String(line).trimmingCharacters(in: .whitespaces)
            let indent = line.prefix { $0 == " " }.count
            guard text.hasSuffix(":") else { continue }
            let key = String(text.dropLast())
            if indent == 2, key.hasPrefix("/") {
                path = key
            } else if indent == 4, let path, methods.contains(key) {
                operations.append("\(key.uppercased()) \(path)")
            }
        }
        return operations.sorted()
    }
}
