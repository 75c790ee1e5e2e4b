//
// portguard/detail/this_platform.hpp
//
// Copyright (c) 2026 The portguard authors
// SPDX-License-Identifier: BSL-1.0
//
// The one compile-time choice portguard::rules makes: which platform's bind
// rule applies to this build. Reads predefined macros only and includes
// nothing, so <portguard/port_rules.hpp> stays free of system headers.
//
#ifndef PORTGUARD_DETAIL_THIS_PLATFORM_HPP
#define PORTGUARD_DETAIL_THIS_PLATFORM_HPP

// The enumerator of portguard::rules::platform for this build.
#if defined(_WIN32)
#  define PORTGUARD_RULES_THIS_PLATFORM windows
#elif defined(__linux__)
#  define PORTGUARD_RULES_THIS_PLATFORM linux_
#elif defined(__APPLE__)
#  define PORTGUARD_RULES_THIS_PLATFORM macos
#elif defined(__FreeBSD__)
#  define PORTGUARD_RULES_THIS_PLATFORM freebsd
#else
// Any other system: the 4.4BSD rule that XNU kept (a same-user rival with
// SO_REUSEADDR may bind a more specific address). NetBSD, OpenBSD and
// DragonFly inherited that lookup, but their sources were not read; the
// BSD rule is the cautious choice, as it reports more sockets as open to
// rivals than Linux's does.
#  define PORTGUARD_RULES_THIS_PLATFORM macos
#endif

#endif // PORTGUARD_DETAIL_THIS_PLATFORM_HPP
