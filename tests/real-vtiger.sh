#!/bin/bash
# Install (once) and start a stock Vtiger CRM 8.0.0 on loopback for vtorm's live mode, then print
# the VTORM_LIVE_* exports that point pytest at it (docs/testing.md, "Live mode").
#
#   MIRROR=/path/to/mirrors tests/real-vtiger.sh [--reinstall]      (as root, Debian 12)
#   eval "$(MIRROR=... tests/real-vtiger.sh | grep ^export)"
#
# The recipe is ../shared/tools/real-vtiger (override with VTIGER_RECIPE): its setup.sh installs
# PHP 8.2 + MariaDB from apt, unpacks the sources from bare git mirrors in
# $MIRROR/<owner>+<name>/repo, patches, runs the web installer and snapshots the fresh CRM.
# This script fetches nothing: it stops if a mirror is missing instead of letting setup.sh
# clone it. An existing install is only started (setup.sh reinstalls from scratch, dropping its
# database), unless --reinstall is given. SRV, VT_PORT, VT_DB and VT_ACCESS_KEY select another
# install, as for the recipe's own scripts.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
RECIPE=${VTIGER_RECIPE:-$ROOT/../shared/tools/real-vtiger}
export SRV=${SRV:-/srv/vtiger} VT_PORT=${VT_PORT:-8080} VT_DB=${VT_DB:-vtiger}
ACCESS_KEY=${VT_ACCESS_KEY:-RealKey0123456789}
URL="http://127.0.0.1:$VT_PORT"
MIRRORS="xirgo4+vTigerCRM dg+rss-php ezyang+htmlpurifier smarty-php+smarty tecnickcom+TCPDF"

say() { echo "real-vtiger: $*" >&2; }
die() { say "$*"; exit 1; }

install_needed() {
  [ "${1:-}" = "--reinstall" ] || [ ! -f "$SRV/fresh.sql" ] || [ ! -x "$SRV/start.sh" ]
}

check_mirrors() {
  : "${MIRROR:?set MIRROR to the folder that holds the bare git mirrors (<owner>+<name>/repo)}"
  local name
  for name in $MIRRORS; do
    git --git-dir="$MIRROR/$name/repo" rev-parse -q --verify HEAD >/dev/null 2>&1 \
      || die "no bare git mirror at $MIRROR/$name/repo (this script fetches nothing)"
  done
}

case "${1:-}" in ""|--reinstall) ;; *) die "usage: MIRROR=... $0 [--reinstall]" ;; esac
if install_needed "${1:-}"; then
  [ -x "$RECIPE/setup.sh" ] || die "no recipe at $RECIPE (set VTIGER_RECIPE)"
  [ "$(id -u)" = 0 ] || die "the install needs root (apt-get, MariaDB config, $SRV)"
  check_mirrors
  say "installing Vtiger 8.0.0 into $SRV on port $VT_PORT (a few minutes)"
  VT_ACCESS_KEY=$ACCESS_KEY "$RECIPE/setup.sh" >&2
else
  say "found an install in $SRV: starting it (--reinstall installs it again)"
  "$SRV/start.sh" >&2
fi
curl -sf -m 10 -o /dev/null "$URL/webservice.php?operation=getchallenge&username=admin" \
  || die "$URL/webservice.php does not answer getchallenge"
cat <<EOF
export VTORM_LIVE_URL=$URL
export VTORM_LIVE_USERNAME=admin
export VTORM_LIVE_ACCESS_KEY=$ACCESS_KEY
export VTORM_LIVE_RESET='SRV=$SRV VT_PORT=$VT_PORT VT_DB=$VT_DB $SRV/reset.sh'
EOF
