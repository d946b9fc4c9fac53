#!/bin/sh
# The image's entrypoint: starts tusk with the pgAdmin container's contract.
#
#   (no arguments) or --flags ...   tusk serves (flags as in `tusk --help`)
#   user set-password EMAIL ...     tusk's command-line tools (and doctor: the runbook's checks)
#   any other command               run as given (a shell; /bin/chown in an init container)
#
# tusk reads the pgAdmin variables itself (PGADMIN_DEFAULT_EMAIL, PGADMIN_DEFAULT_PASSWORD
# and its _FILE, PGADMIN_SERVER_JSON_FILE, PGADMIN_REPLACE_SERVERS_ON_STARTUP, SCRIPT_NAME,
# PGADMIN_LISTEN_ADDRESS, PGADMIN_LISTEN_PORT, PGADMIN_CONFIG_*). This script sets the data
# directory, answers the pgAdmin image's variables tusk has no use for, and picks the binary
# that may listen below port 1024, or says plainly why it cannot.
set -eu

TUSK=/usr/local/bin/tusk
# the same binary with the file capability cap_net_bind_service
TUSK_LOW_PORT=/usr/local/libexec/tusk/tusk

export TUSK_DATA_DIR="${TUSK_DATA_DIR:-/var/lib/pgadmin}"

# One log line in tusk's format (TUSK_LOG_FORMAT=text|json). Messages hold no quotes.
log() { # level message
	now=$(date -u +%Y-%m-%dT%H:%M:%S.000Z)
	if [ "${TUSK_LOG_FORMAT:-text}" = json ]; then
		printf '{"time":"%s","level":"%s","msg":"%s","source":"entrypoint"}\n' "$now" "$1" "$2" >&2
	else
		printf '%s %-5s %s source=entrypoint\n' "$now" "$1" "$2" >&2
	fi
}

case "${1:-}" in
--help | -h | --version | -V | user | doctor) exec "$TUSK" "$@" ;;
'' | -*) ;;
*) exec "$@" ;;
esac

# ---- the pgAdmin image's own variables that tusk does not read ----
if [ -n "${PGADMIN_ENABLE_TLS:-}" ]; then
	log error "PGADMIN_ENABLE_TLS is set, but Tusk serves plain HTTP only: terminate TLS at the ingress or proxy (Tusk honours X-Forwarded-Proto from trusted proxies) and unset PGADMIN_ENABLE_TLS"
	exit 78
fi
if [ -n "${PGADMIN_PREFERENCES_JSON_FILE:-}" ]; then
	log info "PGADMIN_PREFERENCES_JSON_FILE ignored: Tusk keeps each user's preferences in its store"
fi
# PGADMIN_DISABLE_POSTFIX, GUNICORN_*: nothing to start, nothing to tune; silently fine.

# ---- the port, and whether this container may listen on it ----
port="${TUSK_PORT:-${PGADMIN_LISTEN_PORT:-80}}"
prev=
for arg in "$@"; do
	case "$prev" in --port) port=$arg ;; esac
	case "$arg" in --port=*) port=${arg#--port=} ;; esac
	prev=$arg
done

case "$port" in
'' | *[!0-9]*) exec "$TUSK" "$@" ;; # not a number: tusk names the bad setting
esac
if [ "$port" -eq 0 ] || [ "$port" -ge 1024 ] || [ "$(id -u)" -eq 0 ]; then
	exec "$TUSK" "$@"
fi

unprivileged_start=$(cat /proc/sys/net/ipv4/ip_unprivileged_port_start 2>/dev/null || echo 1024)
if [ "$port" -ge "$unprivileged_start" ]; then
	exec "$TUSK" "$@" # the sysctl net.ipv4.ip_unprivileged_port_start already allows it
fi

# capability sets of this shell, as hex masks; NET_BIND_SERVICE is bit 10
cap() { sed -n "s/^$1:[[:space:]]*//p" /proc/self/status; }
has_bind() { [ $((0x$1 & 0x400)) -ne 0 ]; }
if has_bind "$(cap CapEff)"; then
	exec "$TUSK" "$@" # granted to the process itself (ambient capabilities)
fi
if ! has_bind "$(cap CapBnd)"; then
	log error "cannot listen on port $port: this container runs without the NET_BIND_SERVICE capability (the runtime dropped it, for example with securityContext.capabilities.drop: [ALL]). Fix: allow NET_BIND_SERVICE (Kubernetes: securityContext.capabilities.add: [NET_BIND_SERVICE]; docker or podman: --cap-add NET_BIND_SERVICE), or listen on port 1024 or above (PGADMIN_LISTEN_PORT=8080, with the Service targetPort and the probes on that port)"
	exit 1
fi
if [ "$(cap NoNewPrivs)" = 1 ]; then
	log error "cannot listen on port $port: no_new_privs is set (Kubernetes: securityContext.allowPrivilegeEscalation: false; docker or podman: --security-opt no-new-privileges), so the file capability that lets uid $(id -u) bind ports below 1024 cannot take effect. Fix: allow privilege escalation for this container, or set the pod sysctl net.ipv4.ip_unprivileged_port_start=0, or listen on port 1024 or above (PGADMIN_LISTEN_PORT=8080, with the Service targetPort and the probes on that port)"
	exit 1
fi
exec "$TUSK_LOW_PORT" "$@"
