# Copyright (c) 2026 The portguard authors
# SPDX-License-Identifier: BSL-1.0
# Doxygen's input filter (docs/Doxyfile, INPUT_FILTER): the reference shows
# the result type of a constrained template, not the constraint built from
# detail traits. The constraint is stated in words on the main page
# (docs/reference.dox, "Socket types").
s/std::enable_if_t<detail::is_bindable_v<Socket>( && !detail::is_secure_acceptor_v<Socket>)?>/void/g
