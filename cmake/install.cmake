# install(): headers, libsparouter.so (C ABI), libsparouter_cpp.a (C++ API), a CMake package
# (find_package(sparouter) -> sparouter::sparouter, sparouter::cpp) and a pkg-config file.
include(CMakePackageConfigHelpers)

install(DIRECTORY include/sparouter DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}
        FILES_MATCHING PATTERN "*.h" PATTERN "*.hpp" PATTERN "*.in" EXCLUDE)
install(FILES ${PROJECT_BINARY_DIR}/include/sparouter/version.h
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/sparouter)

install(TARGETS sparouter sparouter_cpp EXPORT sparouterTargets
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
        RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR}
        INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(EXPORT sparouterTargets NAMESPACE sparouter::
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/sparouter)

configure_package_config_file(cmake/sparouterConfig.cmake.in
  ${PROJECT_BINARY_DIR}/sparouterConfig.cmake
  INSTALL_DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/sparouter)
write_basic_package_version_file(${PROJECT_BINARY_DIR}/sparouterConfigVersion.cmake
  COMPATIBILITY SameMajorVersion)
install(FILES ${PROJECT_BINARY_DIR}/sparouterConfig.cmake
              ${PROJECT_BINARY_DIR}/sparouterConfigVersion.cmake
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/sparouter)

# The .pc file finds its prefix from where it lies, so an installed tree can be moved.
file(RELATIVE_PATH SPAROUTER_PC_TO_PREFIX "/prefix/${CMAKE_INSTALL_LIBDIR}/pkgconfig" "/prefix")
configure_file(cmake/sparouter.pc.in ${PROJECT_BINARY_DIR}/sparouter.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/sparouter.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
