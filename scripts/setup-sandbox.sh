#!/usr/bin/env bash
# Installs what the sandboxed code executor needs (bubblewrap; prlimit and setpriv come with
# util-linux) and checks that a confined process can actually start on this machine.
set -euo pipefail
need=()
command -v bwrap >/dev/null || need+=(bubblewrap)
{ command -v prlimit >/dev/null && command -v setpriv >/dev/null; } || need+=(util-linux)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "setup-sandbox: missing ${need[*]}; run as root or: sudo apt-get install -y ${need[*]}" >&2
    exit 1
  fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi
probe=(bwrap --unshare-all --die-with-parent --ro-bind /usr /usr --symlink usr/bin /bin --symlink usr/lib /lib --symlink usr/lib64 /lib64 --proc /proc --dev /dev /bin/sh -c 'echo sandbox-ok')
if [ "$(id -u)" -eq 0 ]; then probe=(setpriv --reuid=65534 --regid=65534 --clear-groups -- "${probe[@]}"); fi
if ! out=$("${probe[@]}" 2>&1) || [ "$out" != sandbox-ok ]; then
  echo "setup-sandbox: bubblewrap is installed but cannot create namespaces here: $out" >&2
  echo "setup-sandbox: unprivileged user namespaces must be enabled (sysctl kernel.unprivileged_userns_clone=1)" >&2
  exit 1
fi
echo "setup-sandbox: $(bwrap --version) works"
