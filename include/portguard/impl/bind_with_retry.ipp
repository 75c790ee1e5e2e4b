//
// portguard/impl/bind_with_retry.ipp
//
// Copyright (c) 2026 The portguard authors
// SPDX-License-Identifier: BSL-1.0
//
// The pause of bind_with_retry.hpp: included by it when header-only, and by
// <portguard/impl/src.hpp> once for a program built with
// PORTGUARD_SEPARATE_COMPILATION.
//
#ifndef PORTGUARD_IMPL_BIND_WITH_RETRY_IPP
#define PORTGUARD_IMPL_BIND_WITH_RETRY_IPP

#include <portguard/bind_with_retry.hpp>
#include <portguard/detail/config.hpp>

#include <chrono>
#include <thread>

PORTGUARD_NAMESPACE_BEGIN
namespace detail {

PORTGUARD_DECL void pause_between_attempts(std::chrono::milliseconds delay)
{
  std::this_thread::sleep_for(delay);
}

} // namespace detail
PORTGUARD_NAMESPACE_END

#endif // PORTGUARD_IMPL_BIND_WITH_RETRY_IPP
