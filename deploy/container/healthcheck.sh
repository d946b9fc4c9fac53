#!/bin/bash
# The image's HEALTHCHECK: GET <SCRIPT_NAME>/misc/ping from inside the container, on the
# address and port tusk listens on (the same environment tusk reads). Healthy when the
# answer is 200. bash's /dev/tcp does the request: the image has no curl or wget.
set -u

port=${TUSK_PORT:-${PGADMIN_LISTEN_PORT:-80}}
prefix=${SCRIPT_NAME:-${TUSK_SCRIPT_NAME:-}}
prefix=${prefix%/}
addr=${TUSK_LISTEN_ADDRESS:-${PGADMIN_LISTEN_ADDRESS:-}}
case $addr in
'' | '[::]' | '::' | 0.0.0.0 | '*') host=127.0.0.1 ;; # every address: loopback answers
*) host=${addr#\[} host=${host%\]} ;;
esac

exec 3<>"/dev/tcp/$host/$port" || exit 1
printf 'GET %s/misc/ping HTTP/1.0\r\nHost: localhost\r\nConnection: close\r\n\r\n' "$prefix" >&3
IFS=$' \r' read -r -t 4 proto status _ <&3 || exit 1
case $proto in HTTP/1.*) ;; *) exit 1 ;; esac
[ "$status" = 200 ]
