#!/usr/bin/env bash
# Install the Debian packages statpub's tests and exports need, if they are missing:
# Chromium (browser tests, chart images via kaleido), Noto CJK fonts (Chinese in charts and PDFs) and
# LibreOffice's writer, impress and calc (the test proving a real office suite opens briefing packs), and
# npm (the site's plotly.js bundle; axe-core, the accessibility checker the browser tests inject),
# PostgreSQL (the shared operational store's tests start a throwaway cluster) and nginx (the cache
# in front of the cluster topology's app nodes).
# `--serve`: only what the running site needs (Chromium and fonts for chart images and packs, npm
# for the site's plotly.js bundle, nginx in front of gunicorn). `--bench`: the serve set plus what the
# benchmarks' baselines run (wrk, the HTTP load generator; nginx, the static-file ceiling).
set -euo pipefail
need=()
serve_only=false
[[ ${1:-} == --serve || ${1:-} == --bench ]] && serve_only=true
if [[ ${1:-} == --bench ]]; then
  command -v wrk >/dev/null 2>&1 || need+=(wrk)
  command -v nginx >/dev/null 2>&1 || [[ -x /usr/sbin/nginx ]] || need+=(nginx-light)
fi
command -v chromium >/dev/null 2>&1 || need+=(chromium)
# grep reads everything (no -q): with pipefail, an early exit would fail fc-list on SIGPIPE
fc-list 2>/dev/null | grep -i "Noto Sans CJK" >/dev/null || need+=(fonts-noto-cjk)
command -v npm >/dev/null 2>&1 || need+=(npm)
# `statpub serve` runs behind nginx, which it starts and owns (reads whole requests before gunicorn)
command -v nginx >/dev/null 2>&1 || [[ -x /usr/sbin/nginx ]] || need+=(nginx)
if ! $serve_only; then
compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || need+=(postgresql)
command -v nginx >/dev/null 2>&1 || [[ -x /usr/sbin/nginx ]] || need+=(nginx-light)
for part in writer impress calc; do
  # the -nogui builds are enough headless; an existing full install (libreoffice-<part>) is fine too
  dpkg-query -W -f='${Status}' "libreoffice-$part" 2>/dev/null | grep -q "ok installed" ||
    dpkg-query -W -f='${Status}' "libreoffice-$part-nogui" 2>/dev/null | grep -q "ok installed" ||
    need+=("libreoffice-$part-nogui")
done
fi
if ((${#need[@]} == 0)); then
  exit 0
fi
echo "installing Debian packages: ${need[*]}"
SUDO=""
if [[ $(id -u) -ne 0 ]]; then SUDO="sudo"; fi
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null
