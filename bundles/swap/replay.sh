#!/bin/sh
# Replays a trace with the swap manager's decision code (SwapPlannerPolicy) next to LRU, the clairvoyant
# oracle and the replay's PredictivePolicy on the same profiler. Not part of the build: needs
#   mvn -B -f bundles/pom.xml -pl swap -am verify        (this bundle)
#   mvn -B -f bundles/pom.xml -pl replay,profiler -am verify   (the replay CLI jar and the profiler)
# usage: bundles/swap/replay.sh [trace-spec] [threshold] [outDir]
set -e
cd "$(dirname "$0")"
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
SLF4J=$HOME/.m2/repository/org/slf4j/slf4j-api/1.7.36/slf4j-api-1.7.36.jar
cp ../replay/target/layerswap-replay-0.1.0-SNAPSHOT-cli.jar ../profiler/target/layerswap-profiler-0.1.0-SNAPSHOT.jar \
   target/layerswap-swap-0.1.0-SNAPSHOT.jar "$SLF4J" "$W"/
CP="$W/layerswap-replay-0.1.0-SNAPSHOT-cli.jar:$W/layerswap-profiler-0.1.0-SNAPSHOT.jar:$W/layerswap-swap-0.1.0-SNAPSHOT.jar:$W/slf4j-api-1.7.36.jar"
javac -nowarn -d "$W/classes" -cp "$CP" src/replay/java/org/layerswap/swap/replay/*.java
java -Djava.awt.headless=true -cp "$CP:$W/classes" org.layerswap.swap.replay.SwapReplayMain "$@"
