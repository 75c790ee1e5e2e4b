# Copyright (c) 2026 The portguard authors
# SPDX-License-Identifier: BSL-1.0
# Cross-compiles portguard for 64-bit Windows with mingw-w64 (POSIX threads
# flavour) and runs the test executables under Wine.
#
#   cmake --preset windows && cmake --build --preset windows
#   ctest --preset windows            # or: bash scripts/stages/30-windows.sh
#
# Boost comes from the build machine's /usr/include/boost through a folder
# that holds nothing but a `boost` symlink (see cmake/wine/boost-headers.cmake):
# /usr/include itself must never reach a mingw compiler.

set(CMAKE_SYSTEM_NAME Windows)
set(CMAKE_SYSTEM_PROCESSOR x86_64)

set(PORTGUARD_MINGW_TRIPLE x86_64-w64-mingw32)
set(CMAKE_C_COMPILER ${PORTGUARD_MINGW_TRIPLE}-gcc-posix)
set(CMAKE_CXX_COMPILER ${PORTGUARD_MINGW_TRIPLE}-g++-posix)
set(CMAKE_RC_COMPILER ${PORTGUARD_MINGW_TRIPLE}-windres)

# Look for libraries and headers in the mingw sysroot only; programs on the host.
set(CMAKE_FIND_ROOT_PATH /usr/${PORTGUARD_MINGW_TRIPLE})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)

# Windows 10 API level; <windows.h> without the old <winsock.h> (which
# clashes with Asio's <winsock2.h> when Boost.Test pulls <windows.h> in
# first); static runtime so the executables need no DLLs.
set(CMAKE_CXX_FLAGS_INIT "-D_WIN32_WINNT=0x0A00 -DWIN32_LEAN_AND_MEAN")
set(CMAKE_C_FLAGS_INIT "-D_WIN32_WINNT=0x0A00 -DWIN32_LEAN_AND_MEAN")
set(CMAKE_EXE_LINKER_FLAGS_INIT "-static")

# Executables run through Wine (CTest, add_custom_command, try_run).
get_filename_component(PORTGUARD_SOURCE_ROOT "${CMAKE_CURRENT_LIST_DIR}/../.." ABSOLUTE)
set(CMAKE_CROSSCOMPILING_EMULATOR "${PORTGUARD_SOURCE_ROOT}/scripts/wine-run")

# After project(): provide Boost::headers from the boost-only include folder.
set(CMAKE_PROJECT_INCLUDE "${PORTGUARD_SOURCE_ROOT}/cmake/wine/boost-headers.cmake")
