# Every third-party dependency is found here, from Debian packages (see TOOLCHAIN.md).
# Targets named sr_dep_* are private to the build; nothing here reaches include/sparouter/.
find_package(Threads REQUIRED)
find_package(PkgConfig REQUIRED)

# Asio: header-only, standalone (no Boost).
find_path(ASIO_INCLUDE_DIR asio.hpp REQUIRED)
add_library(sr_dep_asio INTERFACE)
target_include_directories(sr_dep_asio SYSTEM INTERFACE ${ASIO_INCLUDE_DIR})
# ASIO_DISABLE_STD_ALIGNED_ALLOC: otherwise Asio picks aligned_alloc or operator new for its
# recycled handler memory depending on which headers a file included first, and memory from one
# file is freed by another with the other function (ASan: alloc-dealloc-mismatch).
target_compile_definitions(sr_dep_asio INTERFACE ASIO_STANDALONE ASIO_NO_DEPRECATED
                                                 ASIO_DISABLE_STD_ALIGNED_ALLOC)
target_link_libraries(sr_dep_asio INTERFACE Threads::Threads)

# llhttp: Debian ships the generated C sources only; build them as a small PIC library.
find_path(LLHTTP_INCLUDE_DIR llhttp.h PATHS /usr/share/include/llhttp REQUIRED)
find_file(LLHTTP_SRC_DIR NAMES llhttp PATHS /usr/share NO_DEFAULT_PATH REQUIRED)
add_library(sr_dep_llhttp OBJECT ${LLHTTP_SRC_DIR}/api.c ${LLHTTP_SRC_DIR}/http.c
                                 ${LLHTTP_SRC_DIR}/llhttp.c)
set_target_properties(sr_dep_llhttp PROPERTIES POSITION_INDEPENDENT_CODE ON C_VISIBILITY_PRESET hidden)
target_include_directories(sr_dep_llhttp SYSTEM PUBLIC ${LLHTTP_INCLUDE_DIR})

find_package(simdjson 3 CONFIG REQUIRED)
find_package(RapidJSON CONFIG REQUIRED)
add_library(sr_dep_rapidjson INTERFACE)
target_include_directories(sr_dep_rapidjson SYSTEM INTERFACE ${RapidJSON_INCLUDE_DIRS} ${RAPIDJSON_INCLUDE_DIRS})
target_compile_definitions(sr_dep_rapidjson INTERFACE RAPIDJSON_HAS_STDSTRING=1)

find_package(SQLite3 REQUIRED)
find_package(fmt 9 CONFIG REQUIRED)

pkg_check_modules(RE2 REQUIRED IMPORTED_TARGET re2)

# mbedTLS 2.28: no CMake config, no .pc; link order matters.
find_library(MBEDTLS_LIB mbedtls REQUIRED)
find_library(MBEDX509_LIB mbedx509 REQUIRED)
find_library(MBEDCRYPTO_LIB mbedcrypto REQUIRED)
add_library(sr_dep_mbedtls INTERFACE)
target_link_libraries(sr_dep_mbedtls INTERFACE ${MBEDTLS_LIB} ${MBEDX509_LIB} ${MBEDCRYPTO_LIB} Threads::Threads)

if(SPAROUTER_BUILD_TESTS)
  find_package(GTest CONFIG REQUIRED)
endif()
if(SPAROUTER_BUILD_BENCHMARKS)
  find_package(benchmark CONFIG REQUIRED)
endif()
