#if os(Linux)
import CPcap
import Glibc

/// Socket options libpcap has no API for, set on the handle's packet socket (`pcap_fileno`).
enum SocketFilter {
    /// Attaches a classic BPF program that rejects `PACKET_OUTGOING` packets, then runs
    /// `userProgram` (the user's compiled filter) or accepts `snaplen` bytes.
    ///
    /// ```
    /// 0: ld  [SKF_AD_OFF + SKF_AD_PKTTYPE]   ; the skb's packet type (linux/filter.h)
    /// 1: jeq #PACKET_OUTGOING, 2, 3          ; relative: jt 0, jf 1
    /// 2: ret #0                              ; reject the outgoing copy
    /// 3: ... the user's program, unchanged   ; its jumps are relative, so a prefix keeps them valid
    /// ```
    /// Replacing the filter libpcap attached is atomic (socket(7), SO_ATTACH_FILTER).
    /// - Throws: `PcapError.cannotOpen` with errno's text.
    static func attachRejectingOutgoing(fd: Int32, userProgram: bpf_program?, snaplen: UInt32, interface: String) throws {
        var insns: [sock_filter] = [
            sock_filter(code: UInt16(BPF_LD | BPF_W | BPF_ABS), jt: 0, jf: 0, k: UInt32(bitPattern: SKF_AD_OFF + SKF_AD_PKTTYPE)),
            sock_filter(code: UInt16(BPF_JMP | BPF_JEQ | BPF_K), jt: 0, jf: 1, k: UInt32(PACKET_OUTGOING)),
            sock_filter(code: UInt16(BPF_RET | BPF_K), jt: 0, jf: 0, k: 0),
        ]
        if let p = userProgram, let base = p.bf_insns {
            for i in 0..<Int(p.bf_len) {
                let b = base[i]
                insns.append(sock_filter(code: b.code, jt: b.jt, jf: b.jf, k: b.k))
            }
        } else {
            insns.append(sock_filter(code: UInt16(BPF_RET | BPF_K), jt: 0, jf: 0, k: snaplen))
        }
        let rc = insns.withUnsafeMutableBufferPointer { buf -> Int32 in
            var prog = sock_fprog(len: UInt16(buf.count), filter: buf.baseAddress)
            return setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog, socklen_t(MemoryLayout<sock_fprog>.size))
        }
        guard rc == 0 else {
            throw PcapError.cannotOpen(interface: interface, message: "SO_ATTACH_FILTER: \(String(cString: strerror(errno)))")
        }
    }

    /// Joins `PACKET_FANOUT` group `group` in hash mode (`PACKET_FANOUT_HASH`: the kernel's flow
    /// hash, which orders the addresses and ports so both directions hash alike) with
    /// `PACKET_FANOUT_FLAG_DEFRAG` (fragments are reassembled before hashing, so they follow
    /// their flow). packet(7).
    /// - Throws: `PcapError.cannotOpen` with errno's text (e.g. a group of another mode exists).
    static func joinFanout(fd: Int32, group: UInt16, interface: String) throws {
        var value = UInt32(group) | (UInt32(PACKET_FANOUT_HASH) | UInt32(PACKET_FANOUT_FLAG_DEFRAG)) << 16
        guard setsockopt(fd, Int32(SOL_PACKET), PACKET_FANOUT, &value, socklen_t(MemoryLayout<UInt32>.size)) == 0 else {
            throw PcapError.cannotOpen(interface: interface, message: "PACKET_FANOUT group \(group): \(String(cString: strerror(errno)))")
        }
    }
}
#endif
