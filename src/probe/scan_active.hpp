//
// src/probe/scan_active.hpp
//
// Copyright (c) 2026 The portguard authors
// SPDX-License-Identifier: BSL-1.0
//
// scan --active: the single-port audit's rivals against every scanned
// socket, as this process, as the socket's owner and as user nobody (the
// last two when root), and what their binds change in each verdict.
//
#ifndef PORTGUARD_PROBE_SCAN_ACTIVE_HPP
#define PORTGUARD_PROBE_SCAN_ACTIVE_HPP

#include "scan.hpp"

namespace portguard {
namespace probe {

/// Runs rivals against every socket that is not already shared and
/// updates its verdict (`how` becomes `probed` where a rival's bind decided).
void probe_actively(scan_report& report);

} // namespace probe
} // namespace portguard

#endif
