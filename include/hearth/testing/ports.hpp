// Loopback ports for tests: a port that was free a moment ago (bind port 0, read it, close), and
// readiness checks by connect() with a deadline. Only 127.0.0.1 is ever used.
#pragma once

#include <chrono>
#include <cstdint>

namespace hearth::testing {

/// A loopback TCP port that was free a moment ago. Throws std::runtime_error if none can be had.
std::uint16_t free_tcp_port();

/// A loopback UDP port that was free a moment ago. Throws std::runtime_error if none can be had.
std::uint16_t free_udp_port();

/// True if something accepts TCP connections on 127.0.0.1:`port`.
bool port_accepts(std::uint16_t port);

/// Polls port_accepts() until it is true (returns true) or `deadline` passes (returns false).
bool wait_listening(std::uint16_t port, std::chrono::milliseconds deadline);

}  // namespace hearth::testing
