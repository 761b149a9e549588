# pgfence_soname(VAR LIBRARY_FILES...): the SONAME of the first shared library among the files
# (a pkg-config module's <PREFIX>_LINK_LIBRARIES), read with objdump, into VAR. The lazily
# opened libraries (analyze/shared_library.hpp) are opened by exactly the name the build
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
