#!/usr/bin/env bash
# vm-timeout: 420
# drill_config.sh - directord-drill --config on a realistic keepalived
# config (unicast VRRP, HTTP_GET with a digest and a status_code the lab
# does not serve, TCP_CHECK on another port, MISC_CHECK, SSL_GET with an SSL
# block's CA) on the VM's real IPVS: the drill says what it changed, its
# --json report parses and holds the verdicts, every checker passes in the
# lab (all real servers of both services in the table), the takeover of a
# master-crash is seen although the adverts are unicast, a reload changes
# the weight of a real server that is in both services in the right one,
# --keep leaves the lab and --down removes it. (SSL_GET has connect_timeout 2: under qemu a
# TLS probe of the lab's Python server with 1 s timed out now and then.)
set -u
SRC=${DD_SRCDIR:-$(cd "$(dirname "$0")/../../.." && pwd)}
. "$SRC/tests/lib/tap.sh"
T=$(mktemp -d /tmp/drill-config.XXXXXX)
trap 'rm -rf "$T"' EXIT
cat >"$T/keepalived.conf" <<'EOF'
! a production-like director (addresses are the user's; the drill maps them)
global_defs {
	router_id LVS_WEB_1
}
SSL {
	ca /etc/pki/internal-ca.pem
	certificate /etc/keepalived/client.pem
	key /etc/keepalived/client.key
}
vrrp_instance VI_WEB {
	state MASTER
	interface ens192
	virtual_router_id 42
	priority 200
	advert_int 1
	unicast_src_ip 10.20.0.11
	unicast_peer {
		10.20.0.12
	}
	authentication {
		auth_type PASS
		auth_pass s3cret
	}
	virtual_ipaddress {
		10.20.0.100/24 dev ens192
	}
}
virtual_server 10.20.0.100 80 {
	delay_loop 1
	lb_algo wrr
	lb_kind DR
	protocol TCP
	real_server 10.20.1.21 80 {
		weight 2
		HTTP_GET {
			url {
				path /healthz
				digest 9b3a4f0e8b2c1d7e6f5a4b3c2d1e0f9a
			}
			url {
				path /status?full=1
				status_code 204
			}
			connect_timeout 2
			retry 1
			delay_before_retry 1
		}
		TCP_CHECK {
			connect_port 8081
			connect_timeout 1
		}
	}
	real_server 10.20.1.22 80 {
		weight 1
		HTTP_GET {
			url {
				path /healthz
				status_code 200-299
			}
			connect_timeout 1
			retry 1
			delay_before_retry 1
		}
		MISC_CHECK {
			misc_path "/usr/local/bin/check_app.sh 10.20.1.22"
			misc_timeout 3
			user keepalived_script
		}
	}
}
virtual_server 10.20.0.100 443 {
	delay_loop 1
	lb_algo rr
	lb_kind DR
	protocol TCP
	real_server 10.20.1.21 443 {
		SSL_GET {
			url {
				path /
			}
			connect_timeout 2
		}
	}
	real_server 10.20.1.22 443 {
		SSL_GET {
			url {
				path /
			}
			connect_timeout 2
		}
	}
}
EOF

"$SRC/daemon/directord-drill" --no-build --no-deps --scenario master-crash,real-server-down,reload \
	--config "$T/keepalived.conf" --json --keep >"$T/out.json" 2>"$T/err"
rc=$?
if [ $rc = 0 ]; then
	tap_ok "drill_config: exit status 0"
else
	tap_fail "drill_config: exit status 0" "exit $rc: $(tail -n 5 "$T/err" | tr '\n' ' ')"
fi

# what the drill changed, one line each (on stderr)
for want in "mapped 10.20.0.100 -> 192.0.2.100" \
	"mapped 10.20.1.21 -> 192.0.2.21" \
	"director A: mapped unicast_peer 10.20.0.12 -> 192.0.2.3" \
	"director B: mapped unicast_src_ip 10.20.0.11 -> 192.0.2.3" \
	"mapped digest 9b3a4f0e8b2c1d7e6f5a4b3c2d1e0f9a -> " \
	"mapped status_code 204 -> 200" \
	"mapped misc_path \"/usr/local/bin/check_app.sh 10.20.1.22\" -> " \
	"dropped user keepalived_script" \
	"mapped SSL ca /etc/pki/internal-ca.pem -> " \
	"dropped SSL certificate"; do
	if grep -qF -- "$want" "$T/err"; then
		tap_ok "drill_config: prints '$want'"
	else
		tap_fail "drill_config: prints '$want'" "not in: $(grep -E '^(mapped|dropped|director)' "$T/err" | tr '\n' '|')"
	fi
done

# the JSON report: parses, the verdicts held, the changes are in it
PY=/usr/bin/python3 # not a PATH shim: under TCG each of its steps costs
[ -x "$PY" ] || PY=python3
if verdicts=$("$PY" - "$T/out.json" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
res = d["results"]["directord"]
names = [s["scenario"] for s in res]
assert names == ["lab", "master-crash", "real-server-down", "reload"], names
bad = [f"{s['scenario']}: {c['detail']}" for s in res for c in s["checks"]
       if not c["ok"]]
assert d["ok"] and not bad, bad
assert all(s["checks"] for s in res), "a scenario without checks"
assert any(c.startswith("mapped digest") for c in d["facts"]["changes"])
assert d["facts"]["real_servers"][0]["tls_ports"] == [443]
assert d["facts"]["real_servers"][0]["ports"] == [80, 8081]
print(" ".join(f"{s['scenario']}={len(s['checks'])}" for s in res))
EOF
); then
	tap_ok "drill_config: --json parses, verdicts held ($verdicts)"
else
	tap_fail "drill_config: --json parses, verdicts held" "$(tail -c 300 "$T/out.json" | tr '\n' ' ')"
fi

# --keep: the lab is still there, its master serving both real servers in
# both services (HTTP_GET with the mapped digest and status, TCP_CHECK on
# 8081, the lab's MISC_CHECK, SSL_GET verified with the lab's CA all pass)
nsa=$(ip netns list | awk '{ print $1 }' | grep '^dd-drill-.*-dA$' | head -n 1)
left=$(ip netns list | grep -c '^dd-drill-')
if [ -n "$nsa" ] && [ "$left" -ge 6 ] && ls /run/directord-drill/*/lab.env >/dev/null 2>&1; then
	tap_ok "drill_config: --keep leaves the lab ($left namespaces)"
else
	tap_fail "drill_config: --keep leaves the lab" "$left namespaces"
fi
table=""
for _ in $(seq 100); do
	table=$(ip netns exec "$nsa" ipvsadm -Sn 2>/dev/null)
	[ "$(grep -cE -- '-r 192\.0\.2\.2[12]:(80|443) ' <<<"$table")" = 4 ] && break
	sleep 0.2
done
if [ "$(grep -cE -- '-r 192\.0\.2\.2[12]:(80|443) ' <<<"$table")" = 4 ]; then
	tap_ok "drill_config: every checker passes in the lab (4 real servers in the table)"
else
	tap_fail "drill_config: every checker passes in the lab" "table: $(tr '\n' '|' <<<"$table")"
fi

"$SRC/daemon/directord-drill" --down >"$T/down" 2>&1
rc=$?
left=$(ip netns list | grep -c '^dd-drill-')
labs=$(find /run/directord-drill -mindepth 1 -maxdepth 1 2>/dev/null | wc -l)
if [ $rc = 0 ] && [ "$left" = 0 ] && [ "$labs" = 0 ] &&
	grep -q "removed the lab" "$T/down"; then
	tap_ok "drill_config: --down removes the lab"
else
	tap_fail "drill_config: --down removes the lab" "exit $rc, $left namespaces, $labs lab directories: $(cat "$T/down")"
fi
exit 0
