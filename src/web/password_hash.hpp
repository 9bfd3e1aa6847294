// Password hashing for the web console's accounts: Argon2id (libargon2) in its encoded form
// ("$argon2id$v=19$m=65536,t=3,p=1$salt$hash"), with a random 16-byte salt per password.
// Parameters (docs/web-console.md): 64 MiB of memory, 3 passes, 1 lane (RFC 9106's second
// recommended option with one lane: the hub has two cores and the loop must keep one).
// Slow on purpose (~0.1–0.3 s): call it off the event loop.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace hearth::web {

/// Argon2id cost parameters.
struct argon2_params {
    std::uint32_t memory_kib = 65536;
    std::uint32_t passes = 3;
    std::uint32_t lanes = 1;
};

/// The encoded Argon2id hash of `password` with a fresh random salt. Throws std::runtime_error
/// when libargon2 fails (out of memory).
std::string hash_password(std::string_view password, const argon2_params& params = {});

/// True when `password` matches `encoded` (any Argon2id encoding; parameters are read from it).
/// False for a malformed or non-Argon2id hash. Constant time in the comparison.
bool verify_password(const std::string& encoded, std::string_view password);

/// Checks a new password: 10 to 1,024 bytes. Returns why it is refused, or "".
std::string password_problem(std::string_view password);

}  // namespace hearth::web
