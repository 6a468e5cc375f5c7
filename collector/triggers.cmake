# SPDX-License-Identifier: LGPL-2.1-or-later
# What starts rproc-collect: the --monitor daemon (libudev), the udev rule
# and, on systemd systems, the unit the rule starts. Included from
# collector/CMakeLists.txt after the rproc-collect target.
#
# udev and systemd read rules and units only from their own directories,
# which do not follow CMAKE_INSTALL_PREFIX; they default to what their
# pkg-config files say and can be set for staged installs
# (-DRPD_UDEV_RULES_DIR=..., -DRPD_SYSTEMD_UNIT_DIR=...). DESTDIR applies.

pkg_check_modules(LIBUDEV REQUIRED IMPORTED_TARGET libudev)
target_sources(rproc-collect PRIVATE ${CMAKE_CURRENT_LIST_DIR}/monitor.c)
target_link_libraries(rproc-collect PRIVATE PkgConfig::LIBUDEV)

pkg_check_modules(SYSTEMD QUIET systemd)
pkg_check_modules(UDEV QUIET udev)
option(RPD_SYSTEMD "Start collections as systemd services (else a udev RUN rule)"
       ${SYSTEMD_FOUND})

if(UDEV_FOUND)
  pkg_get_variable(udev_dir udev udevdir)
else()
  set(udev_dir /usr/lib/udev)
endif()
set(RPD_UDEV_RULES_DIR ${udev_dir}/rules.d CACHE PATH "udev rules directory")

if(SYSTEMD_FOUND)
  pkg_get_variable(unit_dir systemd systemdsystemunitdir)
else()
  set(unit_dir /usr/lib/systemd/system)
endif()
set(RPD_SYSTEMD_UNIT_DIR ${unit_dir} CACHE PATH "systemd system unit directory")

# rproc-collect reads /etc/rproc-collect.conf (CONFIG_DEFAULT_PATH), whatever
# the prefix.
set(RPD_CONFIG_DIR /etc CACHE PATH "Where the default rproc-collect.conf goes")

# The rule and units name the installed binary.
set(RPD_SBINDIR ${CMAKE_INSTALL_FULL_SBINDIR})
set(trigger_dir ${CMAKE_CURRENT_BINARY_DIR}/triggers)
set(RPD_TRIGGER_DIR ${trigger_dir} CACHE INTERNAL
    "The configured udev rule and systemd units (tests/umockdev)")
configure_file(${CMAKE_CURRENT_LIST_DIR}/udev/60-rproc-collect-run.rules.in
               ${trigger_dir}/60-rproc-collect-run.rules @ONLY)
configure_file(${CMAKE_CURRENT_LIST_DIR}/systemd/rproc-collect@.service.in
               ${trigger_dir}/rproc-collect@.service @ONLY)
configure_file(${CMAKE_CURRENT_LIST_DIR}/systemd/rproc-collect-monitor.service.in
               ${trigger_dir}/rproc-collect-monitor.service @ONLY)

if(RPD_SYSTEMD)
  install(FILES ${CMAKE_CURRENT_LIST_DIR}/udev/60-rproc-collect.rules
          DESTINATION ${RPD_UDEV_RULES_DIR})
  install(FILES ${trigger_dir}/rproc-collect@.service
                ${trigger_dir}/rproc-collect-monitor.service
          DESTINATION ${RPD_SYSTEMD_UNIT_DIR})
else()
  install(FILES ${trigger_dir}/60-rproc-collect-run.rules
          DESTINATION ${RPD_UDEV_RULES_DIR})
endif()

if(EXISTS ${CMAKE_CURRENT_LIST_DIR}/rproc-collect.conf)
  install(FILES ${CMAKE_CURRENT_LIST_DIR}/rproc-collect.conf
          DESTINATION ${RPD_CONFIG_DIR})
endif()
