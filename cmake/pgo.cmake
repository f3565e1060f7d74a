# Profile-guided optimisation (GCC): SPAROUTER_PGO=generate builds instrumented binaries that
# write their branch and call counts into SPAROUTER_PGO_DIR when they exit; SPAROUTER_PGO=use
# compiles with those counts. scripts/build-pgo.sh runs both stages with a training workload
# between them. Paths in the profile are relative to the build directory
# (-fprofile-prefix-path), so the two stages may use different build directories.
set(SPAROUTER_PGO "" CACHE STRING "Profile-guided optimisation stage: empty, generate or use")
set(SPAROUTER_PGO_DIR "" CACHE PATH "Where the profile is written (generate) or read (use)")

if(SPAROUTER_PGO)
  if(NOT SPAROUTER_PGO MATCHES "^(generate|use)$")
    message(FATAL_ERROR "SPAROUTER_PGO must be generate or use, not '${SPAROUTER_PGO}'")
  endif()
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    message(FATAL_ERROR "SPAROUTER_PGO needs GCC (this is ${CMAKE_CXX_COMPILER_ID})")
  endif()
  if(NOT SPAROUTER_PGO_DIR)
    message(FATAL_ERROR "SPAROUTER_PGO needs SPAROUTER_PGO_DIR")
  endif()
  if(SPAROUTER_SANITIZE)
    message(FATAL_ERROR "SPAROUTER_PGO and SPAROUTER_SANITIZE do not mix")
  endif()
  # ccache would hand back objects compiled against an older profile.
  unset(CMAKE_C_COMPILER_LAUNCHER)
  unset(CMAKE_CXX_COMPILER_LAUNCHER)
  set(_pgo_prefix -fprofile-prefix-path=${CMAKE_BINARY_DIR})
  if(SPAROUTER_PGO STREQUAL "generate")
    # Atomic counters: the server's threads update them concurrently.
    add_compile_options(-fprofile-generate=${SPAROUTER_PGO_DIR} ${_pgo_prefix}
                        -fprofile-update=prefer-atomic)
    add_link_options(-fprofile-generate=${SPAROUTER_PGO_DIR})
  else()
    if(NOT EXISTS ${SPAROUTER_PGO_DIR})
      message(FATAL_ERROR "SPAROUTER_PGO=use: no profile at ${SPAROUTER_PGO_DIR}")
    endif()
    # partial-training: code the workload never ran is still optimised for speed, not size.
    # Files without a profile (tests, tools) are expected: no warning for them.
    add_compile_options(-fprofile-use=${SPAROUTER_PGO_DIR} ${_pgo_prefix}
                        -fprofile-partial-training -Wno-missing-profile)
  endif()
endif()
