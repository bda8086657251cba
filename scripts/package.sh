#!/usr/bin/env bash
# Lays out footprint_exporter for a system: binary, man page, shell completions, systemd unit, default file,
# configuration, and the rules, dashboards and examples under share/.
#   scripts/package.sh install   into $DESTDIR$PREFIX (make install)
#   scripts/package.sh deb       a Debian package in $OUTPUT (make deb)
# Settings (environment):
#   BINARY       the footprint_exporter to ship (default .build/release/footprint_exporter)
#   PREFIX       /usr/local for install, /usr in the package; SYSCONFDIR and UNITDIR follow it
#   DESTDIR      staging root for install (default: none)
#   OUTPUT       folder of the .deb (default .build)
#   MANUAL_TOOL  swift-argument-parser's generate-manual; built from the resolved dependency when unset
#   DEB_COMPRESSION  dpkg-deb's -Z (default xz)
set -euo pipefail
cd "$(dirname "$0")/.."

mode=${1:-}
BINARY=${BINARY:-.build/release/footprint_exporter}
[ -x "$BINARY" ] || { echo "package: $BINARY is not an executable; run make build" >&2; exit 1; }

# The manual comes from the command definitions: generate-manual runs the binary's
# --experimental-dump-help and writes mdoc. Its date is the last commit's, so a rebuild gives the same bytes.
manual() { # $1: output folder
  local tool=${MANUAL_TOOL:-}
  if [ -z "$tool" ]; then
    swift build --product generate-manual >/dev/null
    local bin
    bin=$(swift build --show-bin-path)
    for name in generate-manual generate-manual-tool; do
      [ -x "$bin/$name" ] && { tool="$bin/$name"; break; }
    done
  fi
  [ -n "$tool" ] && [ -x "$tool" ] || { echo "package: generate-manual not found" >&2; exit 1; }
  local date
  date=$(git log -1 --format=%cs 2>/dev/null || date -u +%F)
  "$tool" "$BINARY" --date "$date" --authors "footprint_exporter maintainers" --output-directory "$1" >/dev/null
}

# Installs everything below $root, with $prefix as the installed prefix (paths written into the unit).
stage() { # $1: root, $2: prefix, $3: sysconfdir, $4: unitdir, $5: "keep" to leave existing configuration
  local root=$1 prefix=$2 sysconfdir=$3 unitdir=$4 keep=${5:-}
  local share="$root$prefix/share"
  install -d "$root$prefix/bin" "$share/man/man1" "$share/bash-completion/completions" \
    "$share/zsh/vendor-completions" "$share/fish/vendor_completions.d" "$root$unitdir" \
    "$root$sysconfdir/default" "$root$sysconfdir/footprint_exporter" "$share/doc/footprint-exporter"
  install -m 0755 "$BINARY" "$root$prefix/bin/footprint_exporter"
  strip --strip-unneeded "$root$prefix/bin/footprint_exporter"

  local scratch
  scratch=$(mktemp -d)
  manual "$scratch"
  gzip -9n < "$scratch/footprint_exporter.1" > "$share/man/man1/footprint_exporter.1.gz"
  chmod 0644 "$share/man/man1/footprint_exporter.1.gz"
  rm -rf "$scratch"

  "$BINARY" --generate-completion-script bash > "$share/bash-completion/completions/footprint_exporter"
  "$BINARY" --generate-completion-script zsh > "$share/zsh/vendor-completions/_footprint_exporter"
  "$BINARY" --generate-completion-script fish > "$share/fish/vendor_completions.d/footprint_exporter.fish"

  local fill="s|@BINDIR@|$prefix/bin|g; s|@SYSCONFDIR@|$sysconfdir|g"
  sed "$fill" packaging/footprint_exporter.service.in > "$root$unitdir/footprint_exporter.service"
  chmod 0644 "$root$unitdir/footprint_exporter.service"
  if [ "$keep" != keep ] || [ ! -e "$root$sysconfdir/default/footprint_exporter" ]; then
    sed "$fill" packaging/footprint_exporter.default.in > "$root$sysconfdir/default/footprint_exporter"
    chmod 0644 "$root$sysconfdir/default/footprint_exporter"
  fi
  if [ "$keep" != keep ] || [ ! -e "$root$sysconfdir/footprint_exporter/footprint_exporter.yml" ]; then
    install -m 0644 examples/local.yml "$root$sysconfdir/footprint_exporter/footprint_exporter.yml"
  fi

  install -d "$share/footprint_exporter/alerts" "$share/footprint_exporter/grafana/dashboards" \
    "$share/footprint_exporter/grafana/provisioning" "$share/footprint_exporter/examples/targets"
  install -m 0644 alerts/*.yml alerts/README.md "$share/footprint_exporter/alerts/"
  install -m 0644 grafana/dashboards/*.json "$share/footprint_exporter/grafana/dashboards/"
  install -m 0644 grafana/provisioning/*.yml "$share/footprint_exporter/grafana/provisioning/"
  install -m 0644 examples/*.yml examples/README.md "$share/footprint_exporter/examples/"
  install -m 0644 examples/targets/*.yml "$share/footprint_exporter/examples/targets/"
  install -m 0644 README.md docs/install.md "$share/doc/footprint-exporter/"
}

# Debian packages providing the shared libraries the binary links directly (readelf NEEDED), for Depends.
depends() {
  local libraries
  libraries=$(readelf -d "$BINARY" | sed -n 's/.*Shared library: \[\(.*\)\]/\1/p')
  local packages=() foreign=()
  local library path package
  for library in $libraries; do
    # ldd prints "name => path (address)", or "path (address)" for the dynamic loader.
    path=$(ldd "$BINARY" | awk -v lib="$library" '$1 == lib { print $3 } $1 ~ "/" lib "$" { print $1 }' | head -1)
    [ -n "$path" ] || { echo "package: $library is not found" >&2; return 1; }
    case "$path" in
      /usr/* | /lib/* | /lib64/*) ;;
      *) foreign+=("$library"); continue ;;
    esac
    package=$(dpkg -S "$path" 2>/dev/null || dpkg -S "$(readlink -f "$path")" 2>/dev/null ||
      dpkg -S "/usr$path" 2>/dev/null || true)
    package=${package%%:*}
    [ -n "$package" ] || { echo "package: no Debian package owns $path" >&2; return 1; }
    packages+=("$package")
  done
  if [ "${#foreign[@]}" -gt 0 ]; then
    echo "package: warning: $BINARY links ${#foreign[@]} libraries from outside Debian (${foreign[0]}, ...);" \
      "the package runs only where those exist. make deb links them statically." >&2
  fi
  printf '%s\n' "${packages[@]}" | sort -u | paste -sd, | sed 's/,/, /g'
}

case "$mode" in
  install)
    prefix=${PREFIX:-/usr/local}
    if [ "$prefix" = /usr ]; then default_sysconfdir=/etc; else default_sysconfdir=$prefix/etc; fi
    stage "${DESTDIR:-}" "$prefix" "${SYSCONFDIR:-$default_sysconfdir}" "${UNITDIR:-$prefix/lib/systemd/system}" keep
    echo "package: installed into ${DESTDIR:-}$prefix"
    ;;
  deb)
    version=$("$BINARY" --version | awk '{ print $2 }')
    arch=$(dpkg --print-architecture)
    output=${OUTPUT:-.build}
    work=$(mktemp -d)
    trap 'rm -rf "$work"' EXIT
    root="$work/footprint-exporter_${version}_${arch}"
    stage "$root" /usr /etc /lib/systemd/system
    install -d "$root/DEBIAN"
    install -m 0644 packaging/debian/conffiles "$root/DEBIAN/conffiles"
    install -m 0755 packaging/debian/postinst packaging/debian/prerm packaging/debian/postrm "$root/DEBIAN/"
    size=$(du -sk --exclude=DEBIAN "$root" | cut -f1)
    dependencies=$(depends)
    sed "s|@VERSION@|$version|; s|@ARCH@|$arch|; s|@INSTALLED_SIZE@|$size|; s|@DEPENDS@|$dependencies|" \
      packaging/debian/control.in > "$root/DEBIAN/control"
    mkdir -p "$output"
    deb="$output/footprint-exporter_${version}_${arch}.deb"
    dpkg-deb --root-owner-group -Z"${DEB_COMPRESSION:-xz}" --build "$root" "$deb" >/dev/null
    echo "package: built $deb"
    ;;
  *)
    echo "usage: $0 install|deb" >&2
    exit 2
    ;;
esac
