#!/bin/bash
# misc-check.sh URL - the lab's MISC_CHECK command (cfgmap.py puts it in
# place of a config's misc_path): exit 0 while the real server serves URL,
# 1 otherwise. http://IP:PORT/: a GET must answer 200; https://IP:PORT/: the
# TCP connection must open (the TLS side is SSL_GET's to check). bash and
# /dev/tcp, not python: the check must finish well within a short
# misc_timeout even in a VM under emulation.
set -u
url=${1:?usage: misc-check.sh http[s]://IP:PORT/}
hp=${url#*://}
hp=${hp%%/*}
host=${hp%:*} port=${hp##*:}
exec 3<>"/dev/tcp/$host/$port" || exit 1
case $url in https://*) exit 0 ;; esac
printf 'GET / HTTP/1.0\r\nHost: %s\r\nUser-Agent: directord-drill\r\n\r\n' \
	"$host" >&3 || exit 1
read -r -t 3 proto status _ <&3 || exit 1
[[ $proto == HTTP/* && $status == 200 ]]
