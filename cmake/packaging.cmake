# `cpack -G DEB` (or `cmake --workflow --preset package`, as scripts/package runs it): a Debian 12
# package of the layout cmake/install.cmake describes, with /usr as prefix whatever the build
# tree's CMAKE_INSTALL_PREFIX.

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME wtfd)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "wtfd developers")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${PROJECT_DESCRIPTION}")
set(CPACK_PACKAGE_DESCRIPTION
    "wtfd receives sensor readings over a REST API, detects anomalies (spikes, drifts, dead
sensors), keeps their history and has a language model summarize them. Anomalies and summaries
are journaled on disk and can be mirrored to Redis. It runs as a hardened systemd service that
the package installs but neither enables nor starts.")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)

set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)   # wtfd_<version>_<arch>.deb
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "wtfd developers")
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
# Depends from the libraries the binary links (boost, hiredis, libsystemd, ssl...): dpkg-shlibdeps,
# from dpkg-dev.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# CPack 3.25 marks no conffiles by itself, so /etc/wtfd/wtfd.toml is listed explicitly; without it
# an upgrade would overwrite the operator's edits.
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    "${PROJECT_SOURCE_DIR}/packaging/debian/conffiles"
    "${PROJECT_SOURCE_DIR}/packaging/debian/postinst"
    "${PROJECT_SOURCE_DIR}/packaging/debian/prerm"
    "${PROJECT_SOURCE_DIR}/packaging/debian/postrm")
# conffiles 0644, maintainer scripts 0755, whatever the checkout's modes.
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)

include(CPack)
