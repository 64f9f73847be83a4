# pcapng: SHB, 65,536 IDBs (IDB i has LINKTYPE i), then 1,000,000 EPBs cycling over the
# interfaces; each packet is a 60-byte Ethernet/IPv4/UDP frame (meaningful only on LINKTYPE 1).
import struct, sys
out = open(sys.argv[1], 'wb')
def block(t, body):
    body += b'\0' * (-len(body) % 4)
    n = 12 + len(body)
    out.write(struct.pack('<II', t, n) + body + struct.pack('<I', n))
block(0x0a0d0d0a, struct.pack('<IHHq', 0x1a2b3c4d, 1, 0, -1))
for i in range(65536):
    block(1, struct.pack('<HHI', i, 0, 262144))
frame = bytes(12) + b'\x08\x00' + bytes.fromhex('4500002e00000000401100000a0000010a000002') + bytes.fromhex('0035003500120000') + bytes(18)
buf = []
for k in range(1_000_000):
    i = (k * 40503) & 0xffff
    body = struct.pack('<IIIII', i, 0, k, len(frame), len(frame)) + frame
    block(6, body)
print(out.tell())
