# Install layout and packaging (cmake --install, CPack .deb):
#   bin/hearthd, bin/hearthctl                 lib/hearth/plugins/*.so
#   include/hearth/{plugin.h,driver.hpp,kit/}    lib/cmake/hearth/ (find_package(hearth))
#   lib/<multiarch>/libhearth_kit.a (the driver toolkit, hearth::kit)
#   lib/<multiarch>/libhearth_testing.a (the test kit, hearth::testing; include/hearth/testing/)
#   bin/hearth-new-driver, share/hearth/scaffold/ (the driver scaffold and its templates)
#   share/hearth/examples/{hearth.json,scenes/}  share/hearth/schema/*.json
#   lib/systemd/system/hearthd.service           share/doc/hearth/ (README, docs)
#   bin/hearth-matter, lib/hearth/matter/ (the Matter bridge, Node.js; node_modules from `npm ci --omit=dev`
#   in bridges/matter before packaging), lib/systemd/system/hearth-matter.service
include(CMakePackageConfigHelpers)

install(DIRECTORY ${PROJECT_SOURCE_DIR}/include/hearth DESTINATION ${CMAKE_INSTALL_INCLUDEDIR} COMPONENT sdk)
install(TARGETS hearth_sdk EXPORT hearthTargets)
install(EXPORT hearthTargets NAMESPACE hearth:: DESTINATION lib/cmake/hearth COMPONENT sdk)
configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/hearthConfig.cmake.in
  ${CMAKE_BINARY_DIR}/hearthConfig.cmake INSTALL_DESTINATION lib/cmake/hearth)
write_basic_package_version_file(${CMAKE_BINARY_DIR}/hearthConfigVersion.cmake
  VERSION ${PROJECT_VERSION} COMPATIBILITY SameMajorVersion ARCH_INDEPENDENT)
install(FILES ${CMAKE_BINARY_DIR}/hearthConfig.cmake ${CMAKE_BINARY_DIR}/hearthConfigVersion.cmake
  ${PROJECT_SOURCE_DIR}/cmake/HearthDriver.cmake DESTINATION lib/cmake/hearth COMPONENT sdk)

install(PROGRAMS ${PROJECT_SOURCE_DIR}/tools/scaffold/hearth-new-driver DESTINATION bin COMPONENT sdk)
install(DIRECTORY ${PROJECT_SOURCE_DIR}/tools/scaffold/templates/ DESTINATION share/hearth/scaffold COMPONENT sdk)

install(FILES ${PROJECT_SOURCE_DIR}/config/hearth.json DESTINATION share/hearth/examples)
install(DIRECTORY ${PROJECT_SOURCE_DIR}/config/scenes DESTINATION share/hearth/examples OPTIONAL)
install(DIRECTORY ${PROJECT_SOURCE_DIR}/config/schema DESTINATION share/hearth)
install(FILES ${PROJECT_SOURCE_DIR}/config/hearthd.service DESTINATION lib/systemd/system)
install(FILES ${PROJECT_SOURCE_DIR}/config/hearth-matter.service DESTINATION lib/systemd/system)
install(PROGRAMS ${PROJECT_SOURCE_DIR}/bridges/matter/bin/hearth-matter DESTINATION bin)
install(DIRECTORY ${PROJECT_SOURCE_DIR}/bridges/matter/src DESTINATION lib/hearth/matter)
install(FILES ${PROJECT_SOURCE_DIR}/bridges/matter/package.json ${PROJECT_SOURCE_DIR}/bridges/matter/package-lock.json
  DESTINATION lib/hearth/matter)
# The bridge's npm dependencies (matter.js, mqtt), present when `npm ci --omit=dev` ran in bridges/matter.
install(DIRECTORY ${PROJECT_SOURCE_DIR}/bridges/matter/node_modules DESTINATION lib/hearth/matter OPTIONAL
  PATTERN ".hearth-lock" EXCLUDE)
install(FILES ${PROJECT_SOURCE_DIR}/README.md ${PROJECT_SOURCE_DIR}/CHANGELOG.md DESTINATION share/doc/hearth)
install(DIRECTORY ${PROJECT_SOURCE_DIR}/docs/ DESTINATION share/doc/hearth/docs FILES_MATCHING PATTERN "*.md")

# Debian package. Maintainer scripts create the system user and directories, keep an existing
# /etc/hearth/hearth.json and the database on upgrade, and start the service when systemd runs.
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME hearth)
set(CPACK_PACKAGE_VENDOR "Hearth")
set(CPACK_PACKAGE_CONTACT "Hearth maintainers <hearth@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "Local-first smart-home gateway (drivers, MQTT bridge, SQLite store)")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "adduser")
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "mosquitto, nodejs (>= 20)")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
  ${PROJECT_SOURCE_DIR}/tools/packaging/debian/postinst
  ${PROJECT_SOURCE_DIR}/tools/packaging/debian/prerm
  ${PROJECT_SOURCE_DIR}/tools/packaging/debian/postrm)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
set(CPACK_STRIP_FILES ON)
include(CPack)
