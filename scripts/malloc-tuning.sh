# Sourced by the load harness: MALLOC_TUNABLES, the GLIBC_TUNABLES value sparouter-server gives
# itself at start (servers/sparouter-server/malloc_tuning.hpp says why), so that nginx can be
# started with the same malloc settings. A tcache_count the caller already set is kept.
MALLOC_TUNABLES=${GLIBC_TUNABLES:-}
case ":$MALLOC_TUNABLES:" in
  *:glibc.malloc.tcache_count=*) ;;
  *) MALLOC_TUNABLES="${MALLOC_TUNABLES:+$MALLOC_TUNABLES:}glibc.malloc.tcache_count=256" ;;
esac
