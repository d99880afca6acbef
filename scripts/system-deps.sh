#!/usr/bin/env bash
# Check (and, as root with apt-get, install) the Debian packages the test suite needs.
#
# Fast no-op when everything is present: only dpkg/command lookups, no `apt-get update`.
set -euo pipefail

PG_VERSION="${PG_VERSION:-15}"
PYTHON="${PYTHON:-python3.11}"

missing=()

need_pkg() {
    # need_pkg PACKAGE [PATH-OR-COMMAND]: missing if the file/command is absent, or (with no
    # second argument) if dpkg does not report the package as installed.
    local pkg="$1" probe="${2:-}"
    if [[ -n "$probe" ]]; then
        if [[ "$probe" == /* ]]; then
            [[ -x "$probe" ]] && return 0
        else
            command -v "$probe" >/dev/null 2>&1 && return 0
        fi
    elif dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed'; then
        return 0
    fi
    missing+=("$pkg")
}

need_pkg "postgresql-${PG_VERSION}" "/usr/lib/postgresql/${PG_VERSION}/bin/initdb"
need_pkg redis-server redis-server
need_pkg chromium /usr/bin/chromium
need_pkg poppler-utils pdftotext
need_pkg gettext msgfmt
need_pkg fonts-dejavu-core
need_pkg fonts-noto-core
need_pkg libpango-1.0-0
need_pkg libpangoft2-1.0-0
# python-magic detects the type of uploaded documents by their content.
need_pkg libmagic1
# Root needs runuser (util-linux) to run initdb as the postgres user.
if [[ $(id -u) -eq 0 ]]; then
    need_pkg util-linux runuser
fi
# `python3.11 -m venv` needs ensurepip, which Debian's own Python ships separately.
if ! command -v "$PYTHON" >/dev/null 2>&1; then
    missing+=(python3.11 python3.11-venv)
elif ! "$PYTHON" -c 'import ensurepip' >/dev/null 2>&1; then
    missing+=(python3.11-venv)
fi

if [[ ${#missing[@]} -eq 0 ]]; then
    exit 0
fi

install_cmd="apt-get install -y --no-install-recommends ${missing[*]}"
if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
    echo "system-deps: installing ${missing[*]}" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    # shellcheck disable=SC2086
    apt-get install -y -qq --no-install-recommends "${missing[@]}"
    exit 0
fi

echo "system-deps: missing system packages: ${missing[*]}" >&2
echo "Install them with:" >&2
echo "    sudo ${install_cmd}" >&2
exit 1
