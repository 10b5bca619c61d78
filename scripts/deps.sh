#!/bin/sh
# deps.sh - install the Debian packages heed needs to build and test, if any
# are missing.  Safe to run again: it only calls apt-get when something is
# absent.  Uses sudo when not root.
set -e
PKGS="build-essential pkg-config libwebsockets-dev libjansson-dev libsodium-dev
libsqlite3-dev libcmocka-dev sqlite3 python3 python3-yaml curl"
missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "deps: installing$missing"
SUDO=""
[ "$(id -u)" = 0 ] || SUDO=sudo
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing
