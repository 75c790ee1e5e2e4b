//
// portguard/impl/error.ipp
//
// Copyright (c) 2026 The portguard authors
// SPDX-License-Identifier: BSL-1.0
//
// The "portguard" error category, declared in error.hpp: included by it when
// header-only, and by <portguard/impl/src.hpp> once for a program built with
// PORTGUARD_SEPARATE_COMPILATION.
//
#ifndef PORTGUARD_IMPL_ERROR_IPP
#define PORTGUARD_IMPL_ERROR_IPP

#include <portguard/error.hpp>

#include <string>

PORTGUARD_NAMESPACE_BEGIN

namespace detail {

// Boost's error_category has a protected, non-virtual destructor by design;
// the one instance below is never deleted through a base pointer.
#if defined(__GNUC__)
#  pragma GCC diagnostic push
#  pragma GCC diagnostic ignored "-Wnon-virtual-dtor"
#endif
class error_category_impl : public error_category
{
public:
#if !defined(PORTGUARD_STANDALONE_ASIO)
  /// Boost.System compares categories by this id, so a code made in one
  /// module (a DLL) equals the same code made in another.
  error_category_impl() noexcept : error_category(0xd1b5a9e5f0c3a701ULL) {}
#endif
  /// Virtual, as for any class with virtual functions.
  virtual ~error_category_impl() = default;

  const char* name() const noexcept override { return "portguard"; }

  std::string message(int value) const override
  {
    switch (static_cast<error>(value))
    {
    case error::option_refused:
      return "the OS refused the exclusive-address option; use exclusivity::best_effort "
             "to go on without it";
    case error::conflicting_option:
      return "the option would let other sockets share the port; leave it out";
    case error::not_exclusive:
      return "the socket's options let others share its port; turn the sharing option "
             "off, or use exclusivity::best_effort";
    case error::already_bound:
      return "the socket is already bound; make it exclusive between open and bind, "
             "or use secure_acceptor";
    case error::wrong_socket_type:
      return "the handle is not a socket of the protocol's type and family; pass the "
             "matching protocol";
    case error::port_shared:
      return "another socket already holds this port; stop it (portguard::holders_of "
             "names it) or use exclusivity::best_effort";
    case error::holders_unknown:
      return "the OS socket table cannot show who holds the port; run where it can, or "
             "use exclusivity::best_effort";
    case error::other_family_held:
      return "another socket holds this port on the other address family; stop it, or "
             "use other_family::leave_open";
    case error::socket_shared:
      return "another process holds this same socket (passed or inherited); close its "
             "copy, or use exclusivity::best_effort";
    case error::other_family_open:
      return "this port on the other address family is free for anyone; guard it "
             "(guard_other_family)";
    }
    return "unknown portguard error";
  }
};
#if defined(__GNUC__)
#  pragma GCC diagnostic pop
#endif

} // namespace detail

PORTGUARD_DECL const error_category& category() noexcept
{
  static const detail::error_category_impl instance;
  return instance;
}

PORTGUARD_NAMESPACE_END

#endif // PORTGUARD_IMPL_ERROR_IPP
