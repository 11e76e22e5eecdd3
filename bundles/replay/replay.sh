#!/bin/sh
# Runs the replay CLI without Karaf. Build first:
#   mvn -B -f bundles/pom.xml -pl replay -am verify
# then e.g.:
#   bundles/replay/replay.sh --trace synthetic:days=14,functions=400,seed=1 --out target/replay-synthetic --sweep
# Benchmark: REPLAY_MAIN=org.layerswap.replay.ReplayBenchmark bundles/replay/replay.sh
here=$(cd "$(dirname "$0")" && pwd)
jar=$(ls "$here"/target/layerswap-replay-*-cli.jar 2>/dev/null | head -n 1)
if [ -z "$jar" ]; then
  echo "replay.sh: build first: mvn -B -f bundles/pom.xml -pl replay -am verify" >&2
  exit 2
fi
exec java ${JAVA_OPTS:--Xmx6g} -Djava.awt.headless=true -cp "$jar" "${REPLAY_MAIN:-org.layerswap.replay.ReplayMain}" "$@"
