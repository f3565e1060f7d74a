# Sourced by the scripts that start sparouter-server: glibc malloc settings for a server with many
# requests in flight, as MALLOC_TUNABLES, the value of GLIBC_TUNABLES to start it with (glibc
# reads it only when a process starts).
#
# tcache_count: glibc keeps up to 7 freed blocks of each size per thread by default, ready for
# the next malloc of that size. The server allocates and frees its per-request blocks (coroutine
# frames, exchanges, strings) in bursts as large as the number of requests one turn of the
# event loop handles; past 7, they go through malloc's slower paths and their colder lists.
# Measured with cachegrind at 128 connections: malloc and free took 1,100 fewer instructions
# and the request 24 fewer L2 misses (265 instead of 289) with 256 kept per size.
# A setting the caller already made is kept.
MALLOC_TUNABLES=${GLIBC_TUNABLES:-}
case ":$MALLOC_TUNABLES:" in
  *:glibc.malloc.tcache_count=*) ;;
  *) MALLOC_TUNABLES="${MALLOC_TUNABLES:+$MALLOC_TUNABLES:}glibc.malloc.tcache_count=256" ;;
esac
