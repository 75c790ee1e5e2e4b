//
// test/support/net.hpp
//
// Copyright (c) 2026 The portguard authors
// SPDX-License-Identifier: BSL-1.0
//
// The whole of the Asio flavour the tests are built against.
//
#ifndef PORTGUARD_TEST_SUPPORT_NET_HPP
#define PORTGUARD_TEST_SUPPORT_NET_HPP

#include <portguard/detail/config.hpp>

#if defined(PORTGUARD_STANDALONE_ASIO)
#  include <asio.hpp>
#else
#  include <boost/asio.hpp>
#endif

#endif
