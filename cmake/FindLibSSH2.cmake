# libssh2 ships only a pkg-config file (Debian 12: libssh2-1-dev). Provides LibSSH2::LibSSH2.
find_package(PkgConfig REQUIRED)
pkg_check_modules(PC_LibSSH2 QUIET IMPORTED_TARGET libssh2)
include(FindPackageHandleStandardArgs)
find_package_handle_standard_args(LibSSH2 REQUIRED_VARS PC_LibSSH2_LIBRARIES VERSION_VAR PC_LibSSH2_VERSION)
if(LibSSH2_FOUND AND NOT TARGET LibSSH2::LibSSH2)
  add_library(LibSSH2::LibSSH2 ALIAS PkgConfig::PC_LibSSH2)
endif()
