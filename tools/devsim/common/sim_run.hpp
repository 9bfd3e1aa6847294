// Role: how a devsim simulator's main() serves: the body (build the server on an io_context,
// print the ready line, run) guarded so that a failure such as a taken port prints
// "<program>: <reason>" and exits 1 instead of aborting, and an io_context run until SIGTERM or
// SIGINT, after which main() returns 0 (serve_until_signal: both for a server with start()/stop()).
// Tests stop simulators by PID with SIGTERM.
#pragma once

#include <utility>  // before Boost.Asio: Boost 1.74 + GCC 12 + C++20 workaround

#include <boost/asio/io_context.hpp>

#include <csignal>
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

/// The body of an HTTP simulator's main() (isapi_camera_sim, shelly_rpc_sim): under run_guarded,
/// ignores SIGPIPE, builds `Server(io, opts)` on a one-thread io_context, start()s it, prints the
/// ready line with `ready` and serves until SIGTERM/SIGINT, calling the server's stop() then.
/// Returns main()'s exit status (0, or 1 when the server cannot be built, e.g. its port is taken).
template <class Server, class Options>
int serve_until_signal(std::string_view program, const Options& opts, const std::function<void()>& ready) {
    return run_guarded(program, [&] {
        std::signal(SIGPIPE, SIG_IGN);
        boost::asio::io_context io(1);
        Server server(io, opts);
        server.start();
        run_until_signal(io, ready, [&] { server.stop(); });
    });
}

}  // namespace hearth::devsim
