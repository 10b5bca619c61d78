#!/bin/sh
# deps.sh - install what heed needs to build and test, if anything is
# missing: Debian packages (apt-get, with sudo when not root), then the
# browser tests' npm packages (tests/web, from its package-lock.json).
# Safe to run again: it only installs what is absent.
set -e
cd "$(dirname "$0")/.."
PKGS="build-essential pkg-config libwebsockets-dev libjansson-dev libsodium-dev
libsqlite3-dev libcmocka-dev libcurl4-openssl-dev sqlite3 python3 python3-yaml
python3-websockets python3-aiosmtpd curl
chromium libev-dev libwebsockets-evlib-ev libglib2.0-dev tzdata"
# Node.js may come from elsewhere (it bundles npm); Debian's otherwise.
command -v npm >/dev/null 2>&1 || PKGS="$PKGS nodejs npm"
missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
		missing="$missing $p"
done
if [ -n "$missing" ]; then
	echo "deps: installing$missing"
	SUDO=""
	[ "$(id -u)" = 0 ] || SUDO=sudo
	export DEBIAN_FRONTEND=noninteractive
	$SUDO apt-get update -qq
	# shellcheck disable=SC2086
	$SUDO apt-get install -y -qq --no-install-recommends $missing
fi
# playwright-core drives /usr/bin/chromium; it downloads no browser.
if [ ! -d tests/web/node_modules/playwright-core ] ||
	[ tests/web/package-lock.json -nt tests/web/node_modules/.package-lock.json ]; then
	echo "deps: npm ci in tests/web"
	(cd tests/web && npm ci --no-audit --no-fund --loglevel=error)
fi
