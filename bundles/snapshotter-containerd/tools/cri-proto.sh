#!/bin/sh
# Rebuilds src/test/proto/cri/runtime/v1/api.proto (CRI runtime.v1, test scope) from the FileDescriptorProto that
# Debian's containerd binary embeds (gzipped, as Go's protobuf registers it): no Debian package of bookworm ships
# k8s.io/cri-api's api.proto. Needs python3, java and protobuf-java in the local Maven repository.
# Usage (from bundles/snapshotter-containerd): sh tools/cri-proto.sh [/usr/bin/containerd]
set -eu
BIN=${1:-/usr/bin/containerd}
OUT=src/test/proto/cri/runtime/v1/api.proto
PJ=${M2:-$HOME/.m2/repository}/com/google/protobuf/protobuf-java/3.25.5/protobuf-java-3.25.5.jar
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
python3 - "$BIN" "$TMP/api.desc" <<'PY'
import re, sys, zlib
data = open(sys.argv[1], 'rb').read()
for m in re.finditer(b'\x1f\x8b\x08\x00\x00\x00\x00\x00', data):
    try:
        out = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(data[m.start():m.start() + 400000])
    except zlib.error:
        continue
    # field 1 (name) "api.proto", field 2 (package) "runtime.v1"
    if out.startswith(b'\n\tapi.proto\x12\nruntime.v1'):
        open(sys.argv[2], 'wb').write(out)
        sys.exit(0)
sys.exit('no runtime.v1 api.proto descriptor in ' + sys.argv[1])
PY
java -cp "$PJ" tools/CriProtoFromDescriptor.java "$TMP/api.desc" "$TMP/body.proto"
# the licence and provenance header: the file's first 32 lines as committed
head -32 "$OUT" > "$TMP/header.proto"
cat "$TMP/header.proto" "$TMP/body.proto" > "$OUT"
echo "rebuilt $OUT"
