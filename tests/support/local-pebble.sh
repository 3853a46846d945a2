#!/usr/bin/env bash
# Starts Debian's Pebble (a test ACME CA) and pebble-challtestsrv (its mock DNS,
# where every name resolves to 127.0.0.1) on loopback, for the README's Quick
# start and for trying certa by hand. The test suite does the same in C++
# (tests/support/PebbleHarness) on free ports; this script uses fixed ones:
#   ACME directory  https://127.0.0.1:14000/dir   (trust $STATE/ca-bundle.pem)
#   management      https://127.0.0.1:15000        http-01 checks: port 5002
#   tls-alpn-01     checks: port 5001              mock DNS: 127.0.0.1:8053
#
#   local-pebble.sh start|stop       state in $CERTA_PEBBLE_STATE (default /tmp/certa-pebble)
set -euo pipefail
S=${CERTA_PEBBLE_STATE:-/tmp/certa-pebble}
mkdir -p "$S" && chmod 700 "$S"

stop() {
  for p in pebble challtestsrv; do
    [ -f "$S/$p.pid" ] || continue
    pid=$(cat "$S/$p.pid")
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    rm -f "$S/$p.pid"
  done
}

case "${1:-start}" in
  stop) stop; exit 0 ;;
  start) stop ;;
  *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac

# Pebble's HTTPS front needs a certificate; Debian ships none.
if [ ! -s "$S/wfe-cert.pem" ]; then
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 3650 \
    -subj "/CN=certa local pebble CA" -keyout "$S/wfe-ca.key" -out "$S/ca-bundle.pem" 2>/dev/null
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=localhost" \
    -keyout "$S/wfe-key.pem" -out "$S/wfe.csr" 2>/dev/null
  printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n' >"$S/wfe.ext"
  openssl x509 -req -in "$S/wfe.csr" -CA "$S/ca-bundle.pem" -CAkey "$S/wfe-ca.key" -CAcreateserial \
    -days 3650 -extfile "$S/wfe.ext" -out "$S/wfe-cert.pem" 2>/dev/null
fi
cat >"$S/pebble.json" <<JSON
{ "pebble": { "listenAddress": "127.0.0.1:14000", "managementListenAddress": "127.0.0.1:15000",
  "certificate": "$S/wfe-cert.pem", "privateKey": "$S/wfe-key.pem",
  "httpPort": 5002, "tlsPort": 5001, "ocspResponderURL": "",
  "externalAccountBindingRequired": false } }
JSON
setsid pebble-challtestsrv -defaultIPv4 127.0.0.1 -defaultIPv6 "" -dns01 127.0.0.1:8053 \
  -management 127.0.0.1:8055 -http01 "" -https01 "" -tlsalpn01 "" >"$S/challtestsrv.log" 2>&1 &
echo $! >"$S/challtestsrv.pid"
PEBBLE_VA_NOSLEEP=1 PEBBLE_WFE_NONCEREJECT=0 setsid pebble -config "$S/pebble.json" \
  -dnsserver 127.0.0.1:8053 -strict=false >"$S/pebble.log" 2>&1 &
echo $! >"$S/pebble.pid"
for _ in $(seq 100); do
  curl -sf --cacert "$S/ca-bundle.pem" https://127.0.0.1:14000/dir >/dev/null 2>&1 && break
  sleep 0.1
done
curl -sf --cacert "$S/ca-bundle.pem" https://127.0.0.1:14000/dir >/dev/null \
  || { echo "pebble did not start; see $S/pebble.log" >&2; exit 1; }
echo "pebble: https://127.0.0.1:14000/dir (trust $S/ca-bundle.pem)"
