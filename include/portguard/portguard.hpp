//
// portguard/portguard.hpp
//
// Copyright (c) 2026 The portguard authors
// SPDX-License-Identifier: BSL-1.0
//
// Umbrella header: everything portguard offers.
//
#ifndef PORTGUARD_PORTGUARD_HPP
#define PORTGUARD_PORTGUARD_HPP

#include <portguard/bind_with_retry.hpp>
#include <portguard/error.hpp>
#include <portguard/exclusive_address_use.hpp>
#include <portguard/exclusive_bind.hpp>
#include <portguard/exclusive_listen.hpp>
#include <portguard/exclusivity.hpp>
#include <portguard/other_family.hpp>
#include <portguard/graceful_close.hpp>
#include <portguard/holders.hpp>
#include <portguard/is_exclusive.hpp>
#include <portguard/port_holder.hpp>
#include <portguard/port_rules.hpp>
#include <portguard/secure_acceptor.hpp>
#include <portguard/verdict.hpp>

#endif // PORTGUARD_PORTGUARD_HPP
