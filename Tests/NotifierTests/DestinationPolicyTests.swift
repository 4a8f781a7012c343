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

    /// Ranges that carry or reach an IPv4 address, or a network of their own, through a translator or tunnel:
    /// IPv4-compatible (::/96), 6to4 (2002::/16), Teredo (2001::/32), NAT64 (64:ff9b::/96), site-local (fec0::/10).
    @Test(arguments: [
        "::0.0.0.2", "::a00:1", "::127.0.0.1", "::8.8.8.8", "::ffff:ffff",
        "2002::", "2002:0a00:0001::1", "2002:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
        "2001::", "2001:0:4136:e378:8000:63bf:3fff:fdd2", "2001:0:ffff:ffff:ffff:ffff:ffff:ffff",
        "64:ff9b::", "64:ff9b::8.8.8.8", "64:ff9b::ffff:ffff",
        "fec0::", "fec0::1", "feff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
    ])
    func tunnelTranslationAndSiteLocalIPv6IsRefused(_ address: String) {
        #expect(!DestinationPolicy.isPublic(Self.v6(address)))
    }

    /// Public addresses beside those ranges: past Teredo's /32 and 6to4's /16, and IPv4-mapped (::ffff:0:0/96,
    /// judged as its IPv4 address) next to IPv4-compatible.
    @Test(arguments: [
        "2001:200::1", "2001:4860:4860::8888", "2003::1", "2003:e5::1", "::ffff:8.8.8.8",
    ])
    func publicNeighboursOfThoseRangesAreAllowed(_ address: String) {
        #expect(DestinationPolicy.isPublic(Self.v6(address)))
    }

    @Test func anythingButFourOrSixteenBytesIsRefused() {
        #expect(!DestinationPolicy.isPublic([]))
        #expect(!DestinationPolicy.isPublic([8, 8, 8]))
    }
}
