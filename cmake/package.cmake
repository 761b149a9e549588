# The Debian package: `cpack -G DEB` in the build folder (scripts/package.sh runs it), from the
# install rules (bin/pgfence, lib/pgfence/pgfence-http.so) under /usr. dpkg-shlibdeps (dpkg-dev)
# reads the libraries the binary and the HTTPS module link; the ones pgfence opens itself on first
# use (analyze/base/shared_library.hpp) it cannot see, so they are named here.

set(CPACK_PACKAGE_NAME pgfence)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_VENDOR pgfence)
set(CPACK_PACKAGE_CONTACT "pgfence maintainers <maintainers@users.noreply.github.com>" CACHE STRING
    "the Maintainer field of the Debian package")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "stops dangerous PostgreSQL migrations before they merge")
set(CPACK_PACKAGE_DESCRIPTION
    "pgfence reads each statement of a migration with PostgreSQL's own parser and reports which\n"
    "relations it locks and in which mode, what that blocks, whether it rewrites or scans the\n"
    "table, how risky it is, and the safe SQL to run instead. `pgfence pr` reviews the migrations\n"
    "a pull request changes and posts to GitHub. `pgfence trace` checks every prediction on a\n"
    "throwaway PostgreSQL server.")
string(JOIN "" CPACK_PACKAGE_DESCRIPTION ${CPACK_PACKAGE_DESCRIPTION})
set(CPACK_PACKAGE_HOMEPAGE_URL "https://github.com/pgfence/action")
set(CPACK_GENERATOR DEB)
set(CPACK_STRIP_FILES ON)
set(CPACK_PACKAGE_FILE_NAME "${CPACK_PACKAGE_NAME}-${PROJECT_VERSION}")

set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)  # pgfence_<version>_<arch>.deb
set(CPACK_DEBIAN_PACKAGE_SECTION devel)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# Added to what dpkg-shlibdeps finds: libgit2 for `pr` and --changed-since; libpq only for trace
# and extract-stats, and CA certificates for `pr` posting to GitHub over HTTPS; PostgreSQL's
# server for trace (its default --pg-version, 15, is Debian 12's).
set(CPACK_DEBIAN_PACKAGE_DEPENDS "${PGFENCE_LIBGIT2_PACKAGE}")
string(REGEX REPLACE "^libpq\\.so\\.(.*)$" "libpq\\1" pgfence_libpq_package "${PGFENCE_LIBPQ_SONAME}")
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "${pgfence_libpq_package}, ca-certificates")
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "postgresql-15")

# For scripts/package.sh: the libraries opened at run time, which the tarball bundles too.
file(WRITE ${CMAKE_BINARY_DIR}/pgfence-dlopened.txt "${PGFENCE_LIBGIT2_SONAME}\n${PGFENCE_LIBPQ_SONAME}\n${PGFENCE_LIBCRYPTO_SONAME}\n")

include(CPack)
