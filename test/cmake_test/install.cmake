# Installs a portguard build tree into a fresh prefix, as a user would:
#   cmake -DBUILD_DIR=<build tree> -DPREFIX=<prefix> -P install.cmake
file(REMOVE_RECURSE "${PREFIX}")
execute_process(COMMAND "${CMAKE_COMMAND}" --install "${BUILD_DIR}" --prefix "${PREFIX}"
  RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "cmake --install ${BUILD_DIR} --prefix ${PREFIX} failed")
endif()
foreach(file include/portguard/portguard.hpp
             share/portguard/cmake/portguard-config.cmake
             share/portguard/cmake/portguard-config-version.cmake
             share/portguard/cmake/portguard-targets.cmake
             share/pkgconfig/portguard.pc)
  if(NOT EXISTS "${PREFIX}/${file}")
    message(FATAL_ERROR "cmake --install did not install ${file}")
  endif()
endforeach()
