#!/usr/bin/env bash
# Installs the build tree into a scratch prefix, then configures, builds and runs the consumer
# project against it with find_package(sparouter). Also checks the pkg-config file.
set -euo pipefail
build_dir="$1"; src_dir="$2"; work="$3"
rm -rf "$work"
mkdir -p "$work"
cmake --install "$build_dir" --prefix "$work/prefix" >/dev/null
cmake -S "$src_dir" -B "$work/build" -G Ninja -DCMAKE_PREFIX_PATH="$work/prefix" \
  -DCMAKE_C_FLAGS="${CONSUMER_FLAGS:-}" -DCMAKE_CXX_FLAGS="${CONSUMER_FLAGS:-}" \
  -DCMAKE_EXE_LINKER_FLAGS="${CONSUMER_FLAGS:-}" >/dev/null
cmake --build "$work/build" >/dev/null
LD_LIBRARY_PATH="$work/prefix/lib" "$work/build/consumer_c"
"$work/build/consumer_cpp"
PKG_CONFIG_PATH="$work/prefix/lib/pkgconfig" pkg-config --exists --print-errors sparouter
cc ${CONSUMER_FLAGS:-} "$src_dir/main.c" -o "$work/consumer_pc" \
  $(PKG_CONFIG_PATH="$work/prefix/lib/pkgconfig" pkg-config --cflags --libs sparouter)
LD_LIBRARY_PATH="$work/prefix/lib" "$work/consumer_pc"
echo "consumer built against the installed tree: ok"
