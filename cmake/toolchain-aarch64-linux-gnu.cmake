# Cross build for Linux arm64 (aarch64) on a Debian 12 amd64 machine, with Debian's cross
# toolchain and the arm64 libraries installed beside the amd64 ones (multiarch):
#   dpkg --add-architecture arm64 && apt-get update
#   apt-get install crossbuild-essential-arm64 libcpp-httplib-dev:arm64 libssl-dev:arm64 \
#     libtomlplusplus-dev:arm64 zlib1g-dev:arm64 libgit2-1.5:arm64 libpq5:arm64
# (scripts/setup.sh installs them and builds build-arm64 with this file). libgit2 and libpq are
# opened at run time, not linked: only their arm64 run-time libraries are needed, their headers
# are the (architecture-independent) ones of the amd64 -dev packages (cmake/soname.cmake,
# pgfence_lazy_library). The arm64 libpg_query is fetched as on an arm64 machine.
#   cmake -S . -B build-arm64 -DCMAKE_TOOLCHAIN_FILE=cmake/toolchain-aarch64-linux-gnu.cmake \
#     -DCMAKE_BUILD_TYPE=Release -DPGFENCE_TESTS=OFF
#   cmake --build build-arm64 --target pgfence pgfence_http pgfence_serve_program
#   scripts/package.sh build-arm64     -> pgfence-<version>-linux-aarch64.tar.gz
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(CMAKE_C_COMPILER aarch64-linux-gnu-gcc)
set(CMAKE_CXX_COMPILER aarch64-linux-gnu-g++)
set(CMAKE_LIBRARY_ARCHITECTURE aarch64-linux-gnu)
# No sysroot: the arm64 libraries are in the multiarch folders /usr/lib/aarch64-linux-gnu and
# /lib/aarch64-linux-gnu, which CMake searches first for this CMAKE_LIBRARY_ARCHITECTURE; the
# headers are in /usr/include (shared) and /usr/include/aarch64-linux-gnu.
# pkg-config reads only the arm64 modules and the architecture-independent ones.
set(ENV{PKG_CONFIG_LIBDIR} "/usr/lib/aarch64-linux-gnu/pkgconfig:/usr/share/pkgconfig")
set(ENV{PKG_CONFIG_PATH} "")
# Programs the build runs are the build machine's.
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
