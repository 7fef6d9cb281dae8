# SPDX-License-Identifier: MIT
# Cross build for Linux arm64 (aarch64) with Debian's gcc-aarch64-linux-gnu;
# CTest runs every program under qemu-user (qemu-user-static), with the arm64
# C library of libc6-dev-arm64-cross as its root for the dynamic loader.
#   cmake -S . -B build/linux-arm64 -G Ninja --toolchain cmake/toolchains/aarch64-linux-gnu.cmake
# or: cmake --workflow --preset linux-arm64
#
# The guest's page size is qemu's: 4 KiB unless QEMU_PAGESIZE says otherwise
# (QEMU_PAGESIZE=16384 or 65536 in the environment of ctest, as
# scripts/arm64-pages.sh does, gives every test program 16 or 64 KiB pages).
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)

set(CMAKE_C_COMPILER aarch64-linux-gnu-gcc)
set(CMAKE_CXX_COMPILER aarch64-linux-gnu-g++)

set(CMAKE_FIND_ROOT_PATH /usr/aarch64-linux-gnu)
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)

set(CMAKE_CROSSCOMPILING_EMULATOR qemu-aarch64-static -L /usr/aarch64-linux-gnu)
