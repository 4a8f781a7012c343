/// Where webhook deliveries may go: only addresses on the public internet, unless the operator allows private
/// ones, so that a merchant cannot point the service at its own network (the database, a cloud metadata
/// endpoint). Applied to the addresses a host name resolves to at delivery time, not to the name.
public enum DestinationPolicy {
    /// `address` is 4 bytes (IPv4) or 16 (IPv6), in network order.
    public static func isPublic(_ address: [UInt8]) -> Bool {
        switch address.count {
        case 4: return isPublicIPv4(address)
        case 16: return isPublicIPv6(address)
        default: return false
        }
    }

    private static func isPublicIPv4(_ a: [UInt8]) -> Bool {
        let (first, second) = (a[0], a[1])
        switch first {
        case 0, 10, 127: return false  // "this network", private, loopback
        case 100 where (64...127).contains(second): return false  // shared address space (carrier NAT)
        case 169 where second == 254: return false  // link-local, cloud metadata
        case 172 where (16...31).contains(second): return false  // private
        case 192 where second == 168: return false  // private
        case 192 where second == 0 && (a[2] == 0 || a[2] == 2): return false  // protocol assignments, documentation
        case 198 where second == 18 || second == 19: return false  // benchmarking
        case 198 where second == 51 && a[2] == 100: return false  // documentation
        case 203 where second == 0 && a[2] == 113: return false  // documentation
        case 224...255: return false  // multicast, reserved, broadcast
        default: return true
        }
    }

    private static func isPublicIPv6(_ a: [UInt8]) -> Bool {
        // An IPv4 address in IPv6 clothing (::ffff:a.b.c.d) is judged as the IPv4 address.
        if a[0..<10].allSatisfy({ $0 == 0 }) && a[10] == 0xFF && a[11] == 0xFF {
            return isPublicIPv4(Array(a[12..<16]))
        }
        // :: and ::1, and IPv4-compatible ::a.b.c.d (deprecated): a stack may still send it as IPv4.
        if a[0..<12].allSatisfy({ $0 == 0 }) { return false }
        if a[0] & 0xFE == 0xFC { return false }  // unique local fc00::/7
        if a[0] == 0xFE && a[1] & 0xC0 == 0x80 { return false }  // link-local fe80::/10
        if a[0] == 0xFE && a[1] & 0xC0 == 0xC0 { return false }  // site-local fec0::/10 (deprecated, still private)
        if a[0] == 0xFF { return false }  // multicast
        if a[0] == 0x20 && a[1] == 0x01 && a[2] == 0x0D && a[3] == 0xB8 { return false }  // documentation
        // The rest reach an IPv4 address (anything, private included) through a relay or translator: NAT64
        // 64:ff9b::/96 and its local-use neighbours in the same /32, 6to4 2002::/16, Teredo 2001::/32.
        if a[0] == 0x00 && a[1] == 0x64 && a[2] == 0xFF && a[3] == 0x9B { return false }
        if a[0] == 0x20 && a[1] == 0x02 { return false }
        if a[0] == 0x20 && a[1] == 0x01 && a[2] == 0x00 && a[3] == 0x00 { return false }
        return true
    }
}
