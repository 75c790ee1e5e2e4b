//
// portguard/impl/src.hpp
//
// Copyright (c) 2026 The portguard authors
// SPDX-License-Identifier: BSL-1.0
//
// The definitions that a program built with PORTGUARD_SEPARATE_COMPILATION
// compiles once: include this header in exactly one of its source files,
// before any other portguard header, as with Asio's asio/impl/src.hpp.
//
#ifndef PORTGUARD_IMPL_SRC_HPP
#define PORTGUARD_IMPL_SRC_HPP

#if !defined(PORTGUARD_SEPARATE_COMPILATION)
#  error portguard/impl/src.hpp is for builds with PORTGUARD_SEPARATE_COMPILATION defined
#endif

#if defined(PORTGUARD_DETAIL_CONFIG_HPP)
#  error Include portguard/impl/src.hpp before any other portguard header
#endif

#define PORTGUARD_SOURCE

#include <portguard/portguard.hpp>

#endif // PORTGUARD_IMPL_SRC_HPP
