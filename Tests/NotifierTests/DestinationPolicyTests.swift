import Foundation
import Testing

@testable import Notifier

@Suite struct DestinationPolicyTests {
    static func v4(_ text: String) -> [UInt8] { text.split(separator: ".").map { UInt8($0)! } }

    static func v6(_ text: String) -> [UInt8] {
        var address = in6_addr()
        precondition(inet_pton(AF_INET6, text, &address) == 1)
        return withUnsafeBytes(of: &address) { Array($0) }
    }

    @Test(arguments: [
        "0.0.0.0", "10.1.2.3", "127.0.0.1", "100.64.0.1", "169.254.169.254", "172.16.0.1", "172.31.255.255",
        "192.168.1.1", "192.0.2.10", "198.18.0.1", "198.51.100.7", "203.0.113.7", "224.0.0.1", "255.255.255.255",
    ])
    func privateAndSpecialIPv4IsRefused(_ address: String) {
        #expect(!DestinationPolicy.isPublic(Self.v4(address)))
    }

    @Test(arguments: ["8.8.8.8", "1.1.1.1", "172.32.0.1", "100.128.0.1", "93.184.216.34", "192.169.0.1"])
    func publicIPv4IsAllowed(_ address: String) {
        #expect(DestinationPolicy.isPublic(Self.v4(address)))
    }

    @Test(arguments: ["::", "::1", "fc00::1", "fd12:3456::1", "fe80::1", "ff02::1", "2001:db8::1", "::ffff:10.0.0.1", "64:ff9b::a00:1"])
    func privateAndSpecialIPv6IsRefused(_ address: String) {
        #expect(!DestinationPolicy.isPublic(Self.v6(address)))
    }

    @Test(arguments: ["2606:4700:4700::1111", "2a00:1450:4001::200e", "::ffff:8.8.8.8"])
    func publicIPv6IsAllowed(_ address: String) {
        #expect(DestinationPolicy.isPublic(Self.v6(address)))
    }

    @Test func anythingButFourOrSixteenBytesIsRefused() {
        #expect(!DestinationPolicy.isPublic([]))
        #expect(!DestinationPolicy.isPublic([8, 8, 8]))
    }
}
