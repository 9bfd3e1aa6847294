// Role: how a devsim simulator's main() serves: the body (build the server on an io_context,
// print the ready line, run) guarded so that a failure such as a taken port prints
// "<program>: <reason>" and exits 1 instead of aborting, and an io_context run until SIGTERM or
// SIGINT, after which main() returns 0. Tests stop simulators by PID with SIGTERM.
#pragma once

#include <utility>  // before Boost.Asio: Boost 1.74 + GCC 12 + C++20 workaround

#include <boost/asio/io_context.hpp>

#include <functional>
#include <string_view>

namespace hearth::devsim {

/// Runs `body`; returns 0, or 1 after printing "<program>: <what>" to stderr when it throws.
int run_guarded(std::string_view program, const std::function<void()>& body);

/// Installs the SIGTERM/SIGINT handler, then calls `ready` (which prints the simulator's ready
/// line, so a test that signals right after reading it is already handled), then runs `io` until
/// the signal; at the signal calls `on_signal` (when set) and stops io.
void run_until_signal(boost::asio::io_context& io, const std::function<void()>& ready,
                      const std::function<void()>& on_signal = {});

}  // namespace hearth::devsim
