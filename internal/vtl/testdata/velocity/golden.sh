#!/bin/sh
# golden.sh renders every case of ../corpus with the real Apache Velocity 1.7
# (Debian package "velocity") and writes the outputs to the directory given
# as $1 (default: ../golden, the committed goldens).
# Needs: a JDK (javac, java) and apt packages velocity, libcommons-collections3-java,
# libcommons-lang-java.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
out=${1:-$here/../golden}
jars=/usr/share/java
cp="$jars/velocity.jar:$jars/commons-collections3.jar:$jars/commons-lang.jar"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
javac -nowarn -Xlint:none -d "$tmp" -cp "$cp" "$here/Golden.java" 2>/dev/null || javac -d "$tmp" -cp "$cp" "$here/Golden.java"
mkdir -p "$out"
find "$out" -name "*.golden" -type f -delete
find "$out" -mindepth 1 -type d -empty -delete
mkdir -p "$out"
java -cp "$tmp:$cp" Golden "$here/../corpus" "$out"
