# pgfence_soname(VAR LIBRARY_FILES...): the SONAME of the first shared library among the files
# (a pkg-config module's <PREFIX>_LINK_LIBRARIES), read with objdump, into VAR. The lazily
# opened libraries (analyze/base/shared_library.hpp) are opened by exactly the name the build
# linked against before.
function(pgfence_soname var)
  foreach(file IN LISTS ARGN)
    if(file MATCHES "\\.so")
      execute_process(COMMAND ${CMAKE_OBJDUMP} -p ${file} OUTPUT_VARIABLE dump RESULT_VARIABLE rc)
      if(rc EQUAL 0 AND dump MATCHES "SONAME +([^\n ]+)")
        set(${var} "${CMAKE_MATCH_1}" PARENT_SCOPE)
        return()
      endif()
    endif()
  endforeach()
  message(FATAL_ERROR "no SONAME found in: ${ARGN}")
endfunction()

# pgfence_lazy_library(PREFIX MODULE HEADER NAME [PATH_SUFFIX]): a library pgfence opens at run
# time (libgit2, libpq): its header and its SONAME. Sets PREFIX_INCLUDE_DIRS and
# PREFIX_LINK_LIBRARIES as pkg_check_modules(PREFIX MODULE) does, which it tries first.
# A cross build (cmake/toolchain-aarch64-linux-gnu.cmake) has no arm64 -dev package for these:
# Debian's libpq-dev is not Multi-Arch: same, and libgit2-dev:arm64 needs libhttp-parser-dev:arm64,
# which is not either, so neither installs beside its amd64 self. Nothing is linked, so it takes the
# header the amd64 package installed (the same file for every architecture) and the target's
# run-time library lib<NAME>.so.N from its multiarch folder (the shortest name: the SONAME link).
function(pgfence_lazy_library prefix module header name)
  pkg_check_modules(${prefix} QUIET ${module})
  if(${prefix}_FOUND)
    set(${prefix}_INCLUDE_DIRS "${${prefix}_INCLUDE_DIRS}" PARENT_SCOPE)
    set(${prefix}_LINK_LIBRARIES "${${prefix}_LINK_LIBRARIES}" PARENT_SCOPE)
    return()
  endif()
  if(NOT CMAKE_CROSSCOMPILING)
    message(FATAL_ERROR "pkg-config finds no ${module} (scripts/setup.sh installs it)")
  endif()
  find_path(${prefix}_HEADER_DIR ${header} PATH_SUFFIXES ${ARGN} NO_CMAKE_FIND_ROOT_PATH)
  file(GLOB candidates /usr/lib/${CMAKE_LIBRARY_ARCHITECTURE}/lib${name}.so.* /lib/${CMAKE_LIBRARY_ARCHITECTURE}/lib${name}.so.*)
  set(best "")
  foreach(candidate IN LISTS candidates)
    string(LENGTH "${candidate}" length)
    if(best STREQUAL "" OR length LESS best_length)
      set(best "${candidate}")
      set(best_length ${length})
    endif()
  endforeach()
  if(NOT ${prefix}_HEADER_DIR OR best STREQUAL "")
    message(FATAL_ERROR "cross build for ${CMAKE_LIBRARY_ARCHITECTURE}: ${module} needs ${header} (the build machine's -dev package) "
                        "and lib${name}.so.N in /usr/lib/${CMAKE_LIBRARY_ARCHITECTURE} (header: '${${prefix}_HEADER_DIR}', library: '${best}')")
  endif()
  message(STATUS "${module} for ${CMAKE_LIBRARY_ARCHITECTURE}: ${best}, header from ${${prefix}_HEADER_DIR}")
  set(${prefix}_INCLUDE_DIRS "${${prefix}_HEADER_DIR}" PARENT_SCOPE)
  set(${prefix}_LINK_LIBRARIES "${best}" PARENT_SCOPE)
endfunction()
