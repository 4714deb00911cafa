#!/bin/sh
# System packages the test suite needs beyond Python, each installed only when missing:
# - a Java runtime for local Spark (the conformance suite runs every scan on Spark too);
# - Pango, HarfBuzz-Subset and a font for WeasyPrint (`--format pdf`, the PDF report tests).
set -e
java=""
pango=""
if ! command -v java >/dev/null 2>&1; then
    java="openjdk-17-jre-headless"
fi
# /sbin is not on every user's PATH.
libraries=$(ldconfig -p 2>/dev/null || /sbin/ldconfig -p 2>/dev/null || true)
for library in libpangoft2-1.0 libharfbuzz-subset; do
    case "$libraries" in *"$library"*) ;; *) pango="missing" ;; esac
done
if command -v dpkg >/dev/null 2>&1 && ! dpkg -s fonts-dejavu-core >/dev/null 2>&1; then
    pango="missing"
fi
if [ -n "$pango" ]; then
    # HarfBuzz-Subset: without it WeasyPrint warns at import (an error under pytest).
    pango="libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core"
fi
if [ -z "$java$pango" ]; then
    exit 0
fi
if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    # Not fatal: DuckDB scans, the demo and the other formats need neither; the Spark and
    # PDF tests will say so.
    if [ -n "$java" ]; then
        echo "warning: Spark needs Java 17+: install a JRE (Debian: $java)" >&2
    fi
    if [ -n "$pango" ]; then
        echo "warning: PDF reports need Pango and a font (Debian: $pango)" >&2
    fi
    exit 0
fi
apt-get update -q
# One package name per word: the lists are split on purpose.
# shellcheck disable=SC2086
DEBIAN_FRONTEND=noninteractive apt-get install -y -q $java $pango
