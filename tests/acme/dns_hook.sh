#!/bin/sh
# dns-01 hook for the integration tests: `dns_hook.sh add|remove FQDN VALUE`
# sets / clears the TXT record in pebble-challtestsrv's management API
# ($CERTA_TEST_DNS_MANAGEMENT). With $CERTA_TEST_HOOK_LOG set, every call is
# appended there (arguments and the CERTA_* environment) for the test to check.
set -eu
action="$1" fqdn="$2" value="$3"
if [ -n "${CERTA_TEST_HOOK_LOG:-}" ]; then
    echo "$action $fqdn $value env:$CERTA_DNS_ACTION $CERTA_DNS_FQDN $CERTA_DNS_VALUE $CERTA_IDENTIFIER" >>"$CERTA_TEST_HOOK_LOG"
fi
case "$action" in
    add) curl -sSf --max-time 10 -X POST -d "{\"host\":\"$fqdn\",\"value\":\"$value\"}" "$CERTA_TEST_DNS_MANAGEMENT/set-txt" ;;
    remove) curl -sSf --max-time 10 -X POST -d "{\"host\":\"$fqdn\"}" "$CERTA_TEST_DNS_MANAGEMENT/clear-txt" ;;
    *) echo "unknown action $action" >&2; exit 2 ;;
esac
