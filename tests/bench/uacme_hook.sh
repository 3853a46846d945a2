#!/bin/sh
# uacme challenge hook for the issue benchmark: http-01 only, written into
# $UACME_WEBROOT/.well-known/acme-challenge/TOKEN (served by a plain static
# web server on Pebble's http-01 port). Arguments: METHOD TYPE IDENT TOKEN AUTH.
method="$1" type="$2" token="$4" auth="$5"
[ "$type" = "http-01" ] || exit 1
dir="$UACME_WEBROOT/.well-known/acme-challenge"
case "$method" in
    begin) mkdir -p "$dir" && printf '%s' "$auth" >"$dir/$token" ;;
    done|failed) rm -f "$dir/$token" ;;
    *) exit 1 ;;
esac
