# `cmake --install` layout; cmake/packaging.cmake turns the same layout into a .deb.
#   bin/wtfd                      CMAKE_INSTALL_BINDIR
#   share/doc/wtfd/               README.md, docs/, wtfd.env.example
#   /etc/wtfd/wtfd.toml           the sysconf directory as GNUInstallDirs resolves it: /etc for the
#                                 prefixes / and /usr, /etc/opt/... for /opt/..., PREFIX/etc otherwise
#   /lib/systemd/system/wtfd.service
#                                 systemd's own unit directory (pkg-config systemdsystemunitdir)
#                                 when the prefix is systemd's (/usr), PREFIX/lib/systemd/system
#                                 otherwise (systemd reads /usr/local/lib/systemd/system too)
# The unit names /usr/bin/wtfd and /etc/wtfd/wtfd.toml, so it is right as installed for the
# prefix /usr only: the package's, and the `package` preset's.

install(TARGETS wtfd RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(FILES README.md systemd/wtfd.env.example DESTINATION ${CMAKE_INSTALL_DOCDIR})
install(DIRECTORY docs DESTINATION ${CMAKE_INSTALL_DOCDIR})

pkg_get_variable(WTF_SYSTEMD_PREFIX systemd prefix)
pkg_get_variable(WTF_SYSTEMD_SYSTEM_UNITDIR systemd systemdsystemunitdir)
set(WTF_SYSTEMD_UNITDIR "" CACHE PATH
    "Directory for wtfd.service, absolute or relative to the prefix; empty: chosen at install time")

# The config and the unit are placed by cmake/install_system_files.cmake at install time, when the
# prefix is final: `cmake --install --prefix /usr` and cpack (which installs with the prefix
# CPACK_PACKAGING_INSTALL_PREFIX) change it after GNUInstallDirs has resolved its FULL_ paths at
# configure time, and an /etc worked out for /usr/local would end up in the package.
install(CODE "
set(wtf_config_file [[${PROJECT_SOURCE_DIR}/config/wtfd.toml]])
set(wtf_unit_file [[${PROJECT_SOURCE_DIR}/systemd/wtfd.service]])
set(wtf_sysconfdir [[${CMAKE_INSTALL_SYSCONFDIR}]])
set(wtf_unitdir [[${WTF_SYSTEMD_UNITDIR}]])
set(wtf_systemd_prefix [[${WTF_SYSTEMD_PREFIX}]])
set(wtf_systemd_unitdir [[${WTF_SYSTEMD_SYSTEM_UNITDIR}]])
")
install(SCRIPT cmake/install_system_files.cmake)
