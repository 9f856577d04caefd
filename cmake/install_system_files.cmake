# Runs at install time, from cmake_install.cmake, after the install(CODE) in cmake/install.cmake
# has set wtf_config_file, wtf_unit_file, wtf_sysconfdir, wtf_unitdir, wtf_systemd_prefix and
# wtf_systemd_unitdir. DESTDIR is added by file(INSTALL) itself.

string(REGEX REPLACE "/+$" "" prefix "${CMAKE_INSTALL_PREFIX}")   # "/" becomes ""

# GNUInstallDirs' special cases (GNUInstallDirs_get_absolute_install_dir), for this prefix.
if(IS_ABSOLUTE "${wtf_sysconfdir}")
    set(sysconfdir "${wtf_sysconfdir}")
elseif(prefix STREQUAL "" OR prefix STREQUAL "/usr")
    set(sysconfdir "/${wtf_sysconfdir}")
elseif(prefix MATCHES "^/opt/" AND NOT prefix MATCHES "^/opt/homebrew/")
    set(sysconfdir "/${wtf_sysconfdir}${prefix}")
else()
    set(sysconfdir "${prefix}/${wtf_sysconfdir}")
endif()

if(IS_ABSOLUTE "${wtf_unitdir}")
    set(unitdir "${wtf_unitdir}")
elseif(NOT wtf_unitdir STREQUAL "")
    set(unitdir "${prefix}/${wtf_unitdir}")
elseif(NOT wtf_systemd_unitdir STREQUAL "" AND prefix STREQUAL wtf_systemd_prefix)
    set(unitdir "${wtf_systemd_unitdir}")
else()
    set(unitdir "${prefix}/lib/systemd/system")
endif()

file(INSTALL DESTINATION "${unitdir}" TYPE FILE FILES "${wtf_unit_file}")

# An operator's edited config is never overwritten by `cmake --install`; dpkg has its own conffile
# handling, and cpack installs into an empty staging directory.
if(EXISTS "$ENV{DESTDIR}${sysconfdir}/wtfd/wtfd.toml")
    message(STATUS "Keeping: $ENV{DESTDIR}${sysconfdir}/wtfd/wtfd.toml")
else()
    file(INSTALL DESTINATION "${sysconfdir}/wtfd" TYPE FILE FILES "${wtf_config_file}")
endif()
