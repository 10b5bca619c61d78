#!/bin/sh
# run-demo.sh - what `make run` does after building: create ./heed.db with
# demo data on first run, then serve on http://127.0.0.1:8080 (HEED_LISTEN
# and HEED_DB override).
set -e
HEED=${1:-build/heed}
DB=${HEED_DB:-heed.db}
if [ ! -f "$DB" ]; then
	"$HEED" demo --db "$DB"
else
	echo "heed: using existing $DB (delete it for fresh demo data)"
	echo "heed: demo logins: admin@demo.heed / heed-demo-pass (admin)"
fi
exec "$HEED" serve --db "$DB"
