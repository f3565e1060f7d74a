# sr_add_module(<dir> DEPS <targets...>): one folder of libsparouter/ becomes one OBJECT
# library sr_<dir>. Sources are globbed so that adding a file needs no CMake edit; the
# "DEPS" list is the module's place in DESIGN.md's dependency table and must only point down.
set(SPAROUTER_MODULES "" CACHE INTERNAL "")
function(sr_add_module name)
  cmake_parse_arguments(M "" "" "DEPS;PRIVATE_DEPS" ${ARGN})
  file(GLOB srcs CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/*.cpp)
  if(NOT srcs)  # a module still being written: its dependents cannot build yet either
    message(STATUS "sparouter: module ${name} has no sources yet")
    add_library(sr_${name} INTERFACE)
    target_link_libraries(sr_${name} INTERFACE ${M_DEPS})
    return()
  endif()
  add_library(sr_${name} OBJECT ${srcs})
  set_target_properties(sr_${name} PROPERTIES
    POSITION_INDEPENDENT_CODE ON
    CXX_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON)
  target_include_directories(sr_${name}
    PUBLIC $<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}/include>
           $<BUILD_INTERFACE:${PROJECT_BINARY_DIR}/include>
           $<BUILD_INTERFACE:${PROJECT_SOURCE_DIR}/libsparouter>)
  target_compile_options(sr_${name} PRIVATE -Wall -Wextra -Wpedantic -Wshadow -Wconversion
    -Wno-sign-conversion $<$<BOOL:${SPAROUTER_DEV_MODE}>:-Werror>)
  target_link_libraries(sr_${name} PUBLIC ${M_DEPS} PRIVATE ${M_PRIVATE_DEPS})
  set(SPAROUTER_MODULES ${SPAROUTER_MODULES} sr_${name} CACHE INTERNAL "")
endfunction()
